/** BMP, which the vendor accepts and sharp cannot decode, goes through bmp-js and is recognised like any format. */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBmp, MAX_BMP_PIXELS } from '../../src/image/bmp.js';
import { ApiError } from '../../src/errors/catalogue.js';
import { buildTestApp, getToken, PASSPORT_PATH, type TestApp } from '../helpers/index.js';
import { realEngine } from '../helpers/engines.js';

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
  const engine = realEngine({ workers: 2, timeoutMs: 60_000 });
  beforeAll(async () => {
    t = await buildTestApp({ engine });
  });
  afterAll(async () => {
    await t.app.close();
    await engine.close();
  });

  it('decodes to the same pixels', async () => {
    const png = readFileSync(new URL('../../fixtures/passport/p01-clean.png', import.meta.url));
    const raw = await decodeBmp(await toBmp(png), 1250, 880);
    const expected = await sharp(png).removeAlpha().raw().toBuffer();
    expect({ width: raw.width, height: raw.height }).toEqual({ width: 1250, height: 880 });
    expect(raw.data.equals(expected)).toBe(true);
  });

  it('refuses a header declaring more pixels than the bound, before decoding', async () => {
    await expect(decodeBmp(Buffer.from('BM'), 8192, 8192)).rejects.toThrow(ApiError);
    expect(8192 * 8192).toBeGreaterThan(MAX_BMP_PIXELS);
  });

  /** A BMP of `width`×`height` with some texture, built by hand (bmp-js's encoder is as slow as its decoder). */
  function bigBmp(width: number, height: number, bits: 1 | 24 = 24): Buffer {
    const row = Math.ceil((width * bits) / 32) * 4;
    const palette = bits === 1 ? 8 : 0;
    const file = Buffer.alloc(54 + palette + row * height);
    file.write('BM', 0, 'latin1');
    file.writeUInt32LE(file.length, 2);
    file.writeUInt32LE(54 + palette, 10);
    file.writeUInt32LE(40, 14);
    file.writeInt32LE(width, 18);
    file.writeInt32LE(height, 22);
    file.writeUInt16LE(1, 26);
    file.writeUInt16LE(bits, 28);
    if (bits === 1) file.fill(0xff, 58, 61);
    for (let i = 54 + palette; i < file.length; i += 97) file[i] = i & 0xff;
    return file;
  }

  it('never stalls the event loop over 100 ms: hostile headers refused unread, big images decoded off-thread (issue 12, finding 5)', async () => {
    // The probe's BMP: a header claiming 0xFFFFFFFF palette colours, 12 MB long. bmp-js would loop over the palette.
    const hostile = bigBmp(2000, 2000);
    hostile.writeUInt16LE(8, 28);
    hostile.writeUInt32LE(0xffffffff, 46);
    await expect(decodeBmp(hostile, 2000, 2000)).rejects.toThrow(ApiError);
    // Pixel data that does not fit in the file, and a palette past its end.
    const short = bigBmp(3000, 3000).subarray(0, 1_000_000);
    await expect(decodeBmp(short, 3000, 3000)).rejects.toThrow(ApiError);

    // What the API can be sent (10 MB at most): two 25-megapixel 1-bit BMPs (3 MB each, the pixel bound) and two
    // 3.2-megapixel 24-bit ones (9.7 MB), all at once; meanwhile a timer measures how late the event loop runs it.
    const sizes = [
      [5000, 5000, 1],
      [1800, 1800, 24],
      [5000, 5000, 1],
      [1800, 1800, 24],
    ] as const;
    const images = sizes.map(([width, height, bits]) => bigBmp(width, height, bits));
    let worst = 0;
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last - 5);
      last = now;
    }, 5);
    const started = performance.now();
    const decoded = await Promise.all(images.map((image, i) => decodeBmp(image, sizes[i]?.[0] ?? 0, sizes[i]?.[1] ?? 0)));
    const took = performance.now() - started;
    clearInterval(probe);
    expect(decoded.map((image) => [image.width, image.height, image.data.length])).toEqual(sizes.map(([w, h]) => [w, h, w * h * 3]));
    expect(worst).toBeLessThan(100);
    console.log(`bmp: 2 × 25 MP and 2 × 3.2 MP decoded in ${Math.round(took)} ms, longest event-loop stall ${Math.round(worst)} ms`);
  });

  it('recognises a passport sent as BMP', async () => {
    const png = readFileSync(new URL('../../fixtures/passport/p01-clean.png', import.meta.url));
    const expected = JSON.parse(readFileSync(new URL('../../fixtures/passport/p01-clean.json', import.meta.url), 'utf8'));
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
