/** The printed zone's rules, pure: OCR lines in, labelled values and the spots of values a read dropped out. */
import { describe, expect, it } from 'vitest';
import type { OcrLine, OcrWord } from '../../../src/ocr/engine.js';
import { printedFields, valuelessLabels, valueUnderLabel } from '../../../src/recognition/passport/printed-zone.js';

/** A line of words 12 px high at `y`, each word 80 px wide from `x`. */
function line(text: string, y: number, x = 100, confidence = 0.9): OcrLine {
  const words: OcrWord[] = text.split(' ').map((w, i) => ({ text: w, confidence, bbox: { x0: x + i * 90, x1: x + i * 90 + 80, y0: y, y1: y + 12 }, symbols: [] }));
  return { text, confidence, bbox: { x0: x, x1: x + words.length * 90, y0: y, y1: y + 12 }, words };
}

describe('valuelessLabels', () => {
  it('finds the label whose value line the read dropped, and the box under it', () => {
    // "MALAGA" under "Place of birth" did not come out of layout analysis; the issue date's value did.
    const lines = [line('Place of birth / Lieu de naissance', 100), line('Date of issue / Date de delivrance', 200), line('07 JUN 2019', 216)];
    expect(printedFields(lines)('place_of_birth')).toBeUndefined();
    const gaps = valuelessLabels(lines, ['place_of_birth', 'place_of_issue']);
    expect(gaps.map((g) => g.field)).toEqual(['place_of_birth']);
    const box = gaps[0]?.box;
    expect(box?.y0).toBe(112);
    expect(box?.x0).toBeLessThan(100);
  });

  it('does not take another field’s label for a missing one ("Date of issue" is no "Place of issue")', () => {
    expect(valuelessLabels([line('Date of issue / Date de delivrance', 200)], ['place_of_issue'])).toEqual([]);
  });
});

describe('valueUnderLabel', () => {
  it('takes the value of the field’s shape, read surely', () => {
    expect(valueUnderLabel('place_of_birth', [line('MALAGA', 0)])).toEqual({ text: 'MALAGA', confidence: 0.6 });
  });

  it('takes nothing from noise where a page prints no value', () => {
    expect(valueUnderLabel('place_of_birth', [line('SEFISEF', 0, 100, 0.1)])).toBeUndefined();
    expect(valueUnderLabel('date_of_issue', [line('MALAGA', 0)])).toBeUndefined();
  });
});
