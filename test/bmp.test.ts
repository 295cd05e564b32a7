/** BMP, which the vendor accepts and sharp cannot decode, goes through bmp-js and is recognised like any format. */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseractEngine } from '../src/ocr/tesseract-engine.js';
import { decodeBmp, MAX_BMP_PIXELS } from '../src/image/bmp.js';
import { ApiError } from '../src/errors/catalogue.js';
import { buildTestApp, getToken, PASSPORT_PATH, type TestApp } from './helper.js';

const require = createRequire(import.meta.url);
const bmp = require('bmp-js') as { encode(image: { data: Buffer; width: number; height: number }): { data: Buffer } };

async function toBmp(png: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const abgr = Buffer.alloc(info.width * info.height * 4);
  for (let i = 0; i < info.width * info.height; i++) {
    abgr[i * 4 + 1] = data[i * 3 + 2] ?? 0;
    abgr[i * 4 + 2] = data[i * 3 + 1] ?? 0;
    abgr[i * 4 + 3] = data[i * 3] ?? 0;
  }
  return bmp.encode({ data: abgr, width: info.width, height: info.height }).data;
}

describe('BMP images', () => {
  let t: TestApp;
  const engine = new TesseractEngine({ workers: 2, timeoutMs: 60_000 });
  beforeAll(async () => {
    t = await buildTestApp({ engine });
  });
  afterAll(async () => {
    await t.app.close();
    await engine.close();
  });

  it('decodes to the same pixels', async () => {
    const png = readFileSync(new URL('../fixtures/passport/p01-clean.png', import.meta.url));
    const raw = decodeBmp(await toBmp(png), 1250, 880);
    const expected = await sharp(png).removeAlpha().raw().toBuffer();
    expect({ width: raw.width, height: raw.height }).toEqual({ width: 1250, height: 880 });
    expect(raw.data.equals(expected)).toBe(true);
  });

  it('refuses a header declaring more pixels than the bound, before decoding', () => {
    expect(() => decodeBmp(Buffer.from('BM'), 8192, 8192)).toThrow(ApiError);
    expect(8192 * 8192).toBeGreaterThan(MAX_BMP_PIXELS);
  });

  it('recognises a passport sent as BMP', async () => {
    const png = readFileSync(new URL('../fixtures/passport/p01-clean.png', import.meta.url));
    const expected = JSON.parse(readFileSync(new URL('../fixtures/passport/p01-clean.json', import.meta.url), 'utf8'));
    const response = await t.app.inject({
      method: 'POST',
      url: PASSPORT_PATH,
      headers: { 'x-auth-token': await getToken(t.app) },
      payload: { image: (await toBmp(png)).toString('base64') },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().result).toMatchObject({ passport_number: expected.passport_number, surname: expected.surname });
  });
});
