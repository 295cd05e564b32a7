/** Emirates ID fixtures through POST /v2/{project_id}/ocr/emirates-id-card with the real tesseract.js engine. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderEmiratesId } from '../../../src/fixtures/emirates-id.js';
import { SIDE_FIELDS } from '../../../src/recognition/emirates-id-card/index.js';
import { samplePng } from '../../helpers/index.js';
import { emiratesIdApi, type EidResult } from './eid-api.js';

const FOLDER = new URL('../../../fixtures/emirates-id-card/', import.meta.url);
const fixture = (file: string) => readFileSync(new URL(file, FOLDER));
const expectedOf = (file: string) => JSON.parse(readFileSync(new URL(file.replace(/\.(png|jpg)$/, '.json'), FOLDER), 'utf8')) as Record<string, string>;

describe('Emirates ID recognition through POST /v2/{project_id}/ocr/emirates-id-card', () => {
  const { send, recognise } = emiratesIdApi();

  /** Exactly the fields of the side read, as the fixture's expected JSON names them, each with a confidence. */
  function expectFieldByField(result: EidResult, expected: Record<string, string>): void {
    const { confidence, ...fields } = result;
    const side = expected.side as 'front' | 'back';
    expect(Object.keys(fields).sort()).toEqual(['side', ...SIDE_FIELDS[side]].sort());
    expect(Object.keys(confidence).sort()).toEqual([...SIDE_FIELDS[side]].sort());
    for (const field of Object.keys(fields)) expect(fields[field], field).toBe(expected[field] ?? '');
    for (const field of SIDE_FIELDS[side]) {
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

  it('honours a side that is given: the other side shows none of its fields (AIS.0104)', async () => {
    for (const [file, side] of [
      ['e02-clean.png', 'front'],
      ['e07-clean.png', 'back'],
    ] as const) {
      const response = await send(fixture(file), side);
      expect(response.statusCode, file).toBe(400);
      expect(response.json().error_code).toBe('AIS.0104');
    }
  });

  it('detects the side when the request sends an empty side', async () => {
    const result = await recognise(fixture('e02-clean.png'), '');
    expectFieldByField(result, expectedOf('e02-clean.png'));
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
    const passport = readFileSync(new URL('../../../fixtures/passport/p01-clean.png', import.meta.url));
    for (const image of [passport, await samplePng(600, 400)]) {
      const response = await send(image);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error_code: 'AIS.0104', error_msg: 'The image is not supported or the image quality is poor.' });
    }
  });
});
