/**
 * Emirates ID cards of designs held back from tuning, generated here (never committed), through
 * POST /v2/{project_id}/ocr/emirates-id-card with the real tesseract.js engine.
 */
import { describe, expect, it } from 'vitest';
import { capture } from '../../../src/fixtures/capture.js';
import { EMIRATES_ID_DESIGNS, renderEmiratesId } from '../../../src/fixtures/emirates-id.js';
import { SIDE_FIELDS } from '../../../src/recognition/emirates-id-card/index.js';
import { emiratesIdApi } from './eid-api.js';

describe('Emirates ID cards of held-back designs', () => {
  const { send, recognise } = emiratesIdApi();

  it('declares at least five designs per side, two per side held back', () => {
    for (const side of ['front', 'back'] as const) {
      const designs = EMIRATES_ID_DESIGNS.filter((d) => d.side === side);
      expect(designs.length).toBeGreaterThanOrEqual(5);
      expect(designs.filter((d) => d.heldBack).length).toBe(2);
    }
  });

  it('reads the English name under its label ("NAME / الاسم" above the value, the Arabic name on a line of its own)', async () => {
    const card = await renderEmiratesId('front', {}, { seed: 424, design: 'front-above-bilingual-held' });
    const result = await recognise(card.image);
    expect(result).toMatchObject({ side: 'front', name: card.expected.name, id_number: card.expected.id_number, nationality: card.expected.nationality });
    expect(result.confidence.name).toBeGreaterThanOrEqual(0.8);
  });

  it('reads values whose labels are printed under them, the side given', async () => {
    const card = await renderEmiratesId('front', {}, { seed: 425, design: 'front-below-held' });
    const result = await recognise(card.image, 'front');
    for (const field of ['id_number', 'name', 'nationality', 'sex', 'date_of_birth', 'expiry_date']) expect(result[field], field).toBe(card.expected[field]);
  });

  it('answers with the fields of the side read, each with a confidence, and nothing of the other side', async () => {
    const front = await renderEmiratesId('front', {}, { seed: 426, design: 'front-below-held' });
    const result = await recognise(front.image, '');
    const { confidence, ...fields } = result;
    expect(fields.side).toBe('front');
    expect(Object.keys(fields).sort()).toEqual(['side', ...SIDE_FIELDS.front].sort());
    expect(Object.keys(confidence).sort()).toEqual([...SIDE_FIELDS.front].sort());
    expect(fields).not.toHaveProperty('card_number');
  });

  it('refuses a back read as a front (the side asked for is honoured)', async () => {
    const back = await renderEmiratesId('back', {}, { seed: 427, design: 'back-wide-held' });
    const response = await send(back.image, 'front');
    expect(response.statusCode).toBe(400);
    expect(response.json().error_code).toBe('AIS.0104');
  });

  it('reads a front photographed on a table at an angle, and one turned a quarter', async () => {
    const card = await renderEmiratesId('front', {}, { seed: 428, design: 'front-above-bilingual-held' });
    const photo = await recognise(await capture(card.image, 'photo', { seed: 428 }));
    expect(photo.side).toBe('front');
    expect(photo.id_number).toBe(card.expected.id_number);
    const turned = await recognise(await capture(card.image, 'clean', { seed: 428, orientation: 90 }));
    expect(turned).toMatchObject({ side: 'front', id_number: card.expected.id_number, name: card.expected.name });
  });
});
