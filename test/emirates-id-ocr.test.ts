/** Emirates ID fixtures through POST /v2/{project_id}/ocr/emirates-id-card with the real tesseract.js engine. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderEmiratesId } from '../src/fixtures/emirates-id.js';
import { TesseractEngine } from '../src/ocr/tesseract-engine.js';
import { EMIRATES_ID_FIELDS } from '../src/recognition/emirates-id-card.js';
import { buildTestApp, getToken, PROJECT_ID, samplePng, type TestApp } from './helper.js';

const EID_PATH = `/v2/${PROJECT_ID}/ocr/emirates-id-card`;
const FOLDER = new URL('../fixtures/emirates-id-card/', import.meta.url);
const fixture = (file: string) => readFileSync(new URL(file, FOLDER));
const expectedOf = (file: string) => JSON.parse(readFileSync(new URL(file.replace(/\.(png|jpg)$/, '.json'), FOLDER), 'utf8')) as Record<string, string>;

type Result = Record<string, string> & { confidence: Record<string, number> };

describe('Emirates ID recognition through POST /v2/{project_id}/ocr/emirates-id-card', () => {
  let t: TestApp;
  let token: string;
  const engine = new TesseractEngine({ workers: 1, arabicWorkers: 1, timeoutMs: 60_000 });
  beforeAll(async () => {
    t = await buildTestApp({ engine });
    token = await getToken(t.app);
  });
  afterAll(async () => {
    await t.app.close();
    await engine.close();
  });

  const send = (image: Buffer, side?: string) =>
    t.app.inject({
      method: 'POST',
      url: EID_PATH,
      headers: { 'x-auth-token': token },
      payload: { image: image.toString('base64'), ...(side ? { side } : {}) },
    });

  async function recognise(image: Buffer, side?: string): Promise<Result> {
    const response = await send(image, side);
    expect(response.statusCode, response.body).toBe(200);
    return response.json().result as Result;
  }

  /** Every field the fixture's expected JSON names, and every other field empty with confidence 0. */
  function expectFieldByField(result: Result, expected: Record<string, string>): void {
    const { confidence, ...fields } = result;
    expect(Object.keys(fields).sort()).toEqual([...EMIRATES_ID_FIELDS].sort());
    for (const field of EMIRATES_ID_FIELDS) expect(fields[field], field).toBe(expected[field] ?? '');
    for (const field of EMIRATES_ID_FIELDS.filter((f) => f !== 'side')) {
      expect(confidence[field], field).toBeGreaterThanOrEqual(0);
      expect(confidence[field], field).toBeLessThanOrEqual(1);
      if (fields[field] === '') expect(confidence[field], field).toBe(0);
    }
  }

  it('reads a current-style front, detecting the side itself', async () => {
    const result = await recognise(fixture('e01-clean.png'));
    expectFieldByField(result, expectedOf('e01-clean.png'));
    // A Luhn-valid number read as printed is near certain.
    expect(result.confidence.id_number).toBeGreaterThanOrEqual(0.9);
  });

  it('reads an older-style front with inline labels, the side given', async () => {
    const result = await recognise(fixture('e05-clean.png'), 'front');
    expectFieldByField(result, expectedOf('e05-clean.png'));
  });

  it('reads a back: card and laser numbers, and the MRZ with its fields', async () => {
    const result = await recognise(fixture('e04-clean.png'), 'back');
    expectFieldByField(result, expectedOf('e04-clean.png'));
    expect(result.confidence.machinecode1).toBeGreaterThanOrEqual(0.9);
  });

  it('answers for the side the image shows when the request names the other one', async () => {
    const result = await recognise(fixture('e02-clean.png'), 'front');
    expect(result.side).toBe('back');
    expect(result.card_number).toBe(expectedOf('e02-clean.png').card_number);
    const front = await recognise(fixture('e07-clean.png'), 'back');
    expect(front.side).toBe('front');
    expect(front.id_number).toBe(expectedOf('e07-clean.png').id_number);
  });

  it('reports a printed ID number that fails its Luhn check with confidence below 0.9', async () => {
    // No single look-alike swap makes this number's Luhn digit hold.
    const card = await renderEmiratesId('front', { idNumber: '784200011111113' }, { seed: 77, layout: 'stacked' });
    const result = await recognise(card.image);
    expect(result.side).toBe('front');
    expect(result.id_number).toBe('784-2000-1111111-3');
    expect(result.confidence.id_number).toBeLessThan(0.9);
  });

  it('refuses an image that is no Emirates ID card with AIS.0104', async () => {
    const passport = readFileSync(new URL('../fixtures/passport/p01-clean.png', import.meta.url));
    for (const image of [passport, await samplePng(600, 400)]) {
      const response = await send(image);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error_code: 'AIS.0104', error_msg: 'The image is not supported or the image quality is poor.' });
    }
  });
});
