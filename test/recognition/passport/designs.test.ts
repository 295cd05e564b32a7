import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  PASSPORT_DESIGNS,
  PASSPORT_LABELS,
  FONTS,
  describePassport,
  passportDesign,
  printedDate,
  renderPassport,
  renderText,
  type FontName,
  type PassportFieldKey,
} from '../../../src/fixtures/index.js';

/** The printed-only fields of the result: each design must print every one of them under a label. */
const VISUAL_ONLY: readonly PassportFieldKey[] = ['placeOfBirth', 'dateOfIssue', 'placeOfIssue', 'authority'];

describe('passport designs', () => {
  it('are many, with unique ids, some held back from tuning, the committed fixtures’ design first', () => {
    expect(PASSPORT_DESIGNS.length).toBeGreaterThanOrEqual(6);
    expect(new Set(PASSPORT_DESIGNS.map((d) => d.id)).size).toBe(PASSPORT_DESIGNS.length);
    expect(PASSPORT_DESIGNS.filter((d) => d.heldBack).length).toBeGreaterThanOrEqual(2);
    expect(PASSPORT_DESIGNS.filter((d) => !d.heldBack).length).toBeGreaterThanOrEqual(4);
    expect(PASSPORT_DESIGNS[0]).toMatchObject({ id: 'classic', heldBack: false });
    expect(() => passportDesign('no-such-design')).toThrow(RangeError);
  });

  it.each(PASSPORT_DESIGNS.map((d) => [d.id, d] as const))('%s prints every visual-only field under a label, and every field once', (_id, design) => {
    const fields = design.slots.map((slot) => slot.field);
    expect(new Set(fields).size).toBe(fields.length);
    expect(fields.sort()).toEqual(Object.keys(PASSPORT_LABELS.en).sort());
    for (const key of VISUAL_ONLY) expect(design.slots.find((slot) => slot.field === key)?.unlabelled).toBeFalsy();
  });

  it.each(PASSPORT_DESIGNS.map((d) => [d.id, d] as const))('%s fits its MRZ (44 OCR-B characters) on the page, below the printed zone', (_id, design) => {
    const lineWidth = 44 * (0.72 * design.mrz.size + design.mrz.letterSpacing);
    expect(lineWidth).toBeLessThan(design.page.width - 60);
    expect(design.mrz.lineTops[0]).toBeGreaterThan(design.mrz.band.y);
    expect(design.mrz.lineTops[1] + design.mrz.size).toBeLessThan(design.page.height);
    expect(design.page.width / design.page.height).toBeCloseTo(125 / 88, 1);
    for (const slot of design.slots) expect(slot.y + design.values.offset + design.values.size).toBeLessThan(design.mrz.band.y);
  });

  it.each(PASSPORT_DESIGNS.map((d) => [d.id] as const))('%s renders the same page for a seed, at its page size', async (id) => {
    const design = passportDesign(id);
    const [first, again] = await Promise.all([renderPassport({}, { seed: 11, design: id }), renderPassport({}, { seed: 11, design: id })]);
    expect(first.image.equals(again.image)).toBe(true);
    expect(first.design).toBe(id);
    expect(await sharp(first.image).metadata()).toMatchObject({ format: 'png', width: design.page.width, height: design.page.height });
  });

  it('draws different pages for different designs of one passport, with the same expected result', async () => {
    const pages = await Promise.all(PASSPORT_DESIGNS.map((d) => renderPassport({ date_of_birth: '1980-05-06' }, { seed: 12, design: d.id })));
    expect(new Set(pages.map((p) => p.image.toString('base64'))).size).toBe(PASSPORT_DESIGNS.length);
    for (const page of pages) expect(page.expected).toEqual(pages[0]?.expected);
  });

  it('keeps the default design the committed fixtures were made with', () => {
    expect(describePassport({}, 1001)).toEqual(describePassport({}, 1001, 'classic'));
    expect(describePassport({}, 1001).expected).toMatchObject({ surname: 'QUINEVANI', date_of_birth: '1959-10-20' });
  });

  it('gives some holders of other designs a birth year before 1926, which the MRZ writes in two digits', () => {
    const births = Array.from({ length: 200 }, (_, seed) => describePassport({}, seed, 'numbered-serif'));
    const old = births.filter((p) => p.expected.date_of_birth < '1926');
    expect(old.length).toBeGreaterThan(5);
    expect(old.length).toBeLessThan(60);
    for (const p of old) {
      expect(p.mrz[1].slice(13, 15)).toBe(p.expected.date_of_birth.slice(2, 4));
      expect(p.expected.date_of_birth).toMatch(/^19(1\d|2[0-5])-/);
    }
    // An override still wins.
    expect(describePassport({ date_of_birth: '1990-01-02' }, old.length ? births.indexOf(old[0]!) : 0, 'numbered-serif').expected.date_of_birth).toBe('1990-01-02');
  });

  it.each([
    ['dd-mon-yyyy', 'document', '12 AUG 1974'],
    ['dd.mm.yyyy', 'document', '12.08.1974'],
    ['dd/mm/yyyy', 'document', '12/08/1974'],
    ['dd-mon/mon-yy', 'document', '12 AOU/AUG 74'],
    ['dd-mon/mon-yy', 'birth', '12 AOU/AUG 1974'],
    ['dd-mes/mon-yyyy', 'document', '12 AGO/AUG 1974'],
  ] as const)('prints 1974-08-12 as %s (%s) → %s', (format, role, text) => {
    expect(printedDate('1974-08-12', format, role)).toBe(text);
  });

  it('prints every birth date with a four-digit year, in every design', () => {
    for (const design of PASSPORT_DESIGNS) expect(printedDate('1915-03-04', design.dates, 'birth')).toContain('1915');
  });

  it('uses the committed font files, not a fallback: each face sets a line at its own width', async () => {
    const faces = Object.keys(FONTS).filter((f) => f !== 'arabic' && f !== 'ocrb') as FontName[];
    const widths = await Promise.all(faces.map(async (font) => (await renderText('Hamburgefonstiv 1974', { font, size: 60 })).width));
    expect(new Set(widths).size).toBe(faces.length);
  });
});
