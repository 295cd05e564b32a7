/** Bank card fixtures through POST /v2/{project_id}/ocr/bankcard with the real tesseract.js engine. */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, getToken, PROJECT_ID, realEngine, samplePng, type TestApp } from '../../helpers/index.js';

interface Entry {
  file: string;
  expected: string;
  level: string;
}

const BANKCARD_PATH = `/v2/${PROJECT_ID}/ocr/bankcard`;
const FOLDER = new URL('../../../fixtures/bankcard/', import.meta.url);
const entries: Entry[] = JSON.parse(readFileSync(new URL('index.json', FOLDER), 'utf8'));
const FIELDS = ['type', 'card_number', 'issue_date', 'expiry_date', 'card_holder', 'bank_name'] as const;
const expectedOf = (entry: Entry) => JSON.parse(readFileSync(new URL(entry.expected, FOLDER), 'utf8')) as Record<string, string>;

describe('bank card recognition through POST /v2/{project_id}/ocr/bankcard', () => {
  let t: TestApp;
  let token: string;
  const engine = realEngine({ workers: 1, timeoutMs: 60_000 });
  beforeAll(async () => {
    t = await buildTestApp({ engine });
    token = await getToken(t.app);
  });

  const send = (image: Buffer) => t.app.inject({ method: 'POST', url: BANKCARD_PATH, headers: { 'x-auth-token': token }, payload: { image: image.toString('base64') } });

  async function recognise(file: string) {
    const response = await send(readFileSync(new URL(file, FOLDER)));
    expect(response.statusCode, response.body).toBe(200);
    return response.json().result as Record<string, string> & { confidence: Record<string, number> };
  }

  it.each(entries.filter((e) => e.level === 'clean'))('reads $file field by field', async (entry) => {
    const { confidence, ...fields } = await recognise(entry.file);
    const expected = expectedOf(entry);
    expect(fields).toEqual(expected);
    // Every field has a confidence; a number that passes Luhn (as read, ≥ 0.9, or after correcting a look-alike)
    // at least 0.5, and the type shares it; empty fields have 0.
    expect(Object.keys(confidence).sort()).toEqual([...FIELDS].sort());
    expect(confidence.card_number).toBeGreaterThanOrEqual(0.5);
    expect(confidence.type).toBe(confidence.card_number);
    for (const field of FIELDS) {
      if (expected[field] === '') expect(confidence[field]).toBe(0);
      else expect(confidence[field]).toBeGreaterThan(0);
    }
  });

  it('reads a sample of moderately degraded photos', async () => {
    const sample = entries.filter((e) => e.level === 'medium').filter((_, i) => i % 3 === 0);
    let right = 0;
    let total = 0;
    for (const entry of sample) {
      const result = await recognise(entry.file);
      const expected = expectedOf(entry);
      expect(result.card_number, entry.file).toBe(expected.card_number);
      for (const field of FIELDS) {
        total++;
        if (result[field] === expected[field]) right++;
      }
    }
    expect(right / total).toBeGreaterThanOrEqual(0.95);
  });

  it('reads a card photographed on a table, smaller and turned a little', async () => {
    const entry = entries.find((e) => e.level === 'clean');
    if (!entry) throw new Error('no clean fixture');
    const card = readFileSync(new URL(entry.file, FOLDER));
    const photo = await sharp(card)
      .resize({ width: 760 })
      .extend({ top: 60, bottom: 60, left: 80, right: 80, background: '#6b4f35' })
      .rotate(2, { background: '#6b4f35' })
      .jpeg({ quality: 80 })
      .toBuffer();
    const response = await send(photo);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().result.card_number).toBe(expectedOf(entry).card_number);
  });

  it('answers AIS.0104 for images that are not cards', async () => {
    const passport = readFileSync(new URL('../../../fixtures/passport/p01-clean.png', import.meta.url));
    for (const image of [passport, await samplePng(400, 250)]) {
      const response = await send(image);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error_code: 'AIS.0104', error_msg: 'The image is not supported or the image quality is poor.' });
    }
  });
});
