/** Passport fixtures through the HTTP API with the real tesseract.js engine. */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, getToken, PASSPORT_PATH, realEngine, type TestApp } from '../../helpers/index.js';

interface Entry {
  file: string;
  expected: string;
  level: string;
}

const FOLDER = new URL('../../../fixtures/passport/', import.meta.url);
const entries: Entry[] = JSON.parse(readFileSync(new URL('index.json', FOLDER), 'utf8'));
const MRZ_FIELDS = ['passport_type', 'country_code', 'passport_number', 'nationality', 'surname', 'given_name', 'sex', 'date_of_birth', 'date_of_expiry'];

describe('passport recognition through POST /v2/{project_id}/ocr/passport', () => {
  let t: TestApp;
  let token: string;
  const engine = realEngine({ workers: 2, timeoutMs: 60_000 });
  beforeAll(async () => {
    t = await buildTestApp({ engine });
    token = await getToken(t.app);
  });

  async function recognise(file: string) {
    const image = readFileSync(new URL(file, FOLDER)).toString('base64');
    const response = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: { image } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().result as Record<string, unknown> & { confidence: Record<string, number> };
  }
  const expectedOf = (entry: Entry) => JSON.parse(readFileSync(new URL(entry.expected, FOLDER), 'utf8'));

  // Every clean fixture, every field: the MRZ's and the printed zone's.
  it.each(entries.filter((e) => e.level === 'clean').slice(0, 8))('reads $file field by field', async (entry) => {
    const result = await recognise(entry.file);
    const { confidence, ...fields } = result;
    expect(fields).toEqual(expectedOf(entry));
    for (const field of MRZ_FIELDS) expect(confidence[field]).toBeGreaterThan(0.5);
    expect(Object.keys(confidence).sort()).toEqual([...MRZ_FIELDS, 'date_of_issue', 'place_of_birth', 'place_of_issue', 'issuing_authority'].sort());
  });

  it('reads the MRZ fields of moderately degraded scans', async () => {
    const sample = entries.filter((e) => e.level === 'medium').slice(0, 6);
    let right = 0;
    let total = 0;
    for (const entry of sample) {
      const result = await recognise(entry.file);
      const expected = expectedOf(entry);
      for (const field of MRZ_FIELDS) {
        total++;
        if (result[field] === expected[field]) right++;
      }
    }
    expect(right / total).toBeGreaterThanOrEqual(0.95);
  });

  it('answers AIS.0104 for a page without an MRZ', async () => {
    const card = readFileSync(new URL('../../../fixtures/passport/p01-clean.png', import.meta.url));
    const sharp = (await import('sharp')).default;
    // The top half of a passport page: printed text, no MRZ.
    const meta = await sharp(card).metadata();
    const top = await sharp(card)
      .extract({ left: 0, top: 0, width: meta.width ?? 1, height: Math.round((meta.height ?? 2) / 2) })
      .png()
      .toBuffer();
    const response = await t.app.inject({
      method: 'POST',
      url: PASSPORT_PATH,
      headers: { 'x-auth-token': token },
      payload: { image: top.toString('base64') },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error_code: 'AIS.0104', error_msg: 'The image is not supported or the image quality is poor.' });
  });
});
