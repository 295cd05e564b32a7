/** The synthetic bank card generator: valid, consistent, deterministic, and in step with the committed fixtures. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bankCardExpected, BANK_CARD_SIZE, randomBankCardFields, renderBankCard } from '../src/fixtures/bankcard.js';
import { cardTypeOf, groupInFours } from '../src/recognition/bankcard/card-number.js';
import { luhnValid } from '../src/recognition/toolkit/luhn.js';

const FOLDER = new URL('../fixtures/bankcard/', import.meta.url);

describe('bank card fields', () => {
  it('are Luhn-valid, typed as the recogniser types them, with MM/YY dates in order, for many seeds', () => {
    const types = new Set<string>();
    const lengths = new Set<number>();
    for (let seed = 0; seed < 300; seed++) {
      const fields = randomBankCardFields(seed);
      const expected = bankCardExpected(fields);
      expect(luhnValid(fields.card_number), fields.card_number).toBe(true);
      expect(expected.type).toBe(cardTypeOf(fields.card_number));
      expect(expected.card_number).toBe(groupInFours(fields.card_number));
      expect(fields.expiry_date).toMatch(/^(0[1-9]|1[0-2])\/\d\d$/);
      if (fields.issue_date) expect(fields.issue_date.slice(3) < fields.expiry_date.slice(3)).toBe(true);
      expect(expected.card_holder).toMatch(/^[A-Z]+( [A-Z]+)+$/);
      types.add(expected.type);
      lengths.add(fields.card_number.length);
    }
    expect([...types].sort()).toEqual(['MasterCard', 'Unrecognized', 'Visa']);
    expect([...lengths].sort()).toEqual([16, 19]);
  });

  it('type a given number by the contract\'s rule, not by the generator\'s own prefixes', () => {
    const typeOf = (card_number: string) => bankCardExpected({ ...randomBankCardFields(1), card_number }).type;
    expect(['4111111111111111', '2400000000000001', '5599999999999999', '2721000000000000', '6225768700008243'].map(typeOf)).toEqual([
      'Visa',
      'MasterCard',
      'MasterCard',
      'Unrecognized',
      'Unrecognized',
    ]);
  });
});

describe('renderBankCard', () => {
  it('draws an ID-1 card, the same bytes every time, honouring overrides', async () => {
    const overrides = { card_number: '4111111111111111', bank_name: '', issue_date: '', card_holder: 'Anna Test' };
    const first = await renderBankCard(overrides, { seed: 7 });
    const again = await renderBankCard(overrides, { seed: 7 });
    expect(first.image.equals(again.image)).toBe(true);
    const meta = await sharp(first.image).metadata();
    expect([meta.width, meta.height]).toEqual([BANK_CARD_SIZE.width, BANK_CARD_SIZE.height]);
    expect(Math.abs(BANK_CARD_SIZE.width / BANK_CARD_SIZE.height - 85.6 / 53.98)).toBeLessThan(0.01);
    expect(first.expected).toEqual({
      type: 'Visa',
      card_number: '4111 1111 1111 1111',
      issue_date: '',
      expiry_date: first.fields.expiry_date,
      card_holder: 'ANNA TEST',
      bank_name: '',
    });
  });

  it('draws dark and light cards, embossed and flat', async () => {
    const dark = await renderBankCard({}, { seed: 1, style: { palette: 'black', digits: 'embossed', numberFont: 'monoBold' } });
    const light = await renderBankCard({}, { seed: 1, style: { palette: 'pearl white', digits: 'flat', numberFont: 'ocrb' } });
    const mean = async (image: Buffer) => (await sharp(image).greyscale().stats()).channels[0]?.mean ?? 0;
    expect(await mean(dark.image)).toBeLessThan(90);
    expect(await mean(light.image)).toBeGreaterThan(170);
  });

  it('refuses fields a card cannot show', async () => {
    await expect(renderBankCard({ expiry_date: '13/99' })).rejects.toThrow(/expiry_date must be MM\/YY/);
    await expect(renderBankCard({ card_number: '4111 1111' })).rejects.toThrow(/card_number/);
  });
});

describe('committed bank card fixtures', () => {
  const index: { file: string; expected: string; level: string; seed: number }[] = JSON.parse(readFileSync(new URL('index.json', FOLDER), 'utf8'));

  it('have an expected JSON that the generator still gives for their seed', () => {
    for (const entry of index) {
      const expected = JSON.parse(readFileSync(new URL(entry.expected, FOLDER), 'utf8'));
      expect({ file: entry.file, expected }).toEqual({ file: entry.file, expected: bankCardExpected(randomBankCardFields(entry.seed)) });
    }
  });

  it('cover at least 24 cards clean and medium, some light and heavy, in under 6 MB', () => {
    const count = (level: string) => index.filter((e) => e.level === level).length;
    expect(count('clean')).toBeGreaterThanOrEqual(24);
    expect(count('medium')).toBe(count('clean'));
    expect(count('light')).toBeGreaterThan(0);
    expect(count('heavy')).toBeGreaterThan(0);
    const bytes = readdirSync(FOLDER).reduce((sum, file) => sum + statSync(new URL(file, FOLDER)).size, 0);
    expect(bytes).toBeLessThan(6 * 1024 * 1024);
  });
});
