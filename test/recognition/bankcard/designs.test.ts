/**
 * Bank cards of the designs held back from tuning, generated here (never committed), through the recognition
 * core with the real engine: the failure modes of issue 18 (numbers rewritten to pass Luhn, long numbers cut
 * short, upright cards refused, turned pages and phone photos).
 */
import { describe, expect, it } from 'vitest';
import { BANK_CARD_DESIGNS, renderBankCard, type BankCardDesignId, type BankCardFixtureFields } from '../../../src/fixtures/bankcard.js';
import { capture, type CaptureLevel, type Orientation } from '../../../src/fixtures/capture.js';
import { checkImage } from '../../../src/image/intake.js';
import { PreparedImage } from '../../../src/image/prepare.js';
import { bankcard } from '../../../src/recognition/bankcard/index.js';
import { luhnValid } from '../../../src/recognition/toolkit/luhn.js';
import { realEngine } from '../../helpers/index.js';

const engine = realEngine({ workers: 1, timeoutMs: 60_000 });

async function read(design: BankCardDesignId, fields: BankCardFixtureFields, options: { seed: number; level?: CaptureLevel; orientation?: Orientation }) {
  const card = await renderBankCard(fields, { seed: options.seed, design });
  const image = await capture(card.image, options.level ?? 'clean', { seed: options.seed, orientation: options.orientation ?? 0 });
  const prepared = await PreparedImage.from(checkImage(image, bankcard.limits));
  const result = await bankcard.recognize({ image: prepared, engine, now: Date.UTC(2026, 0, 1), options: {} });
  return { result, expected: card.expected };
}

describe('bank cards of held-back designs', () => {
  it('are held back: two designs tuning never looked at', () => {
    expect(BANK_CARD_DESIGNS.filter((d) => d.heldBack).map((d) => d.id)).toEqual(['portrait-ocra', 'art-shadow']);
    expect(BANK_CARD_DESIGNS.length).toBeGreaterThanOrEqual(6);
  });

  it('return a number that fails Luhn as printed, below 0.9, never rewritten', async () => {
    expect(luhnValid('4000123456789010')).toBe(false);
    const { result } = await read('art-shadow', { card_number: '4000123456789010' }, { seed: 31 });
    expect(result.card_number).toBe('4000 1234 5678 9010');
    expect(result.confidence.card_number).toBeLessThan(0.9);
    expect(result.type).toBe('Visa');
  });

  it('read a 19-digit number whole', async () => {
    const { result, expected } = await read('art-shadow', { card_number: '6222364415642297588' }, { seed: 32 });
    expect(result.card_number).toBe('6222 3644 1564 2297 588');
    expect(result.expiry_date).toBe(expected.expiry_date);
  });

  it('answer an upright card with its number over four lines, not refuse it', async () => {
    const { result, expected } = await read('portrait-ocra', { card_number: '4556737586899855' }, { seed: 33 });
    expect(result.expiry_date).toBe(expected.expiry_date);
    expect(result.card_holder).toBe(expected.card_holder);
  });

  it('read again, digits only, a number line the page read took for letters; a misreading is never sure', async () => {
    // (Not yet every such card: the upright card of seed 33 above still comes back without its number.)
    for (const design of ['portrait-ocra', 'ocra-shadow'] as const) {
      const { result, expected } = await read(design, {}, { seed: 90000 });
      expect(result.card_number, design).not.toBe('');
      if (result.card_number !== expected.card_number) expect(result.confidence.card_number, design).toBeLessThan(0.9);
    }
  });

  // Open: tesseract's English model hardly knows OCR-A's 4, 6 and 8 (read as y, k, "aka"). Glyph shapes now read
  // the tuning design's one-line OCR-A numbers (ocra-shadow), but this upright card's four lines are still not
  // read whole. Remove `.fails` when they are.
  it.fails('read the OCR-A number of that upright card', async () => {
    const { result, expected } = await read('portrait-ocra', { card_number: '4556737586899855' }, { seed: 33 });
    expect(result.card_number).toBe(expected.card_number);
  });

  it('read a card turned a quarter turn, and one upside down', async () => {
    for (const orientation of [90, 180] as const) {
      const { result, expected } = await read('art-shadow', {}, { seed: 34, orientation });
      expect(result.card_number, `${orientation}°`).toBe(expected.card_number);
    }
  });

  it('read a phone photo of a card on a table', async () => {
    const { result, expected } = await read('art-shadow', {}, { seed: 35, level: 'photo' });
    expect(result.card_number).toBe(expected.card_number);
  });
});
