/** The Arabic value finder, pure: strips as OCR gives them, and which strip holds the name or the nationality. */
import { describe, expect, it } from 'vitest';
import type { BoundingBox } from '../../../src/ocr/engine.js';
import { type ArabicStrip, findArabicValue } from '../../../src/recognition/emirates-id-card/arabic.js';

/** A strip of `words` (one token each) on the row at `y`, from `x`. */
function strip(words: string[], y: number, x = 600): ArabicStrip {
  const tokens = words.map((text, i) => ({ text, colon: text === ':', confidence: 0.8, bbox: { x0: x + i * 60, x1: x + i * 60 + 50, y0: y, y1: y + 24 } }));
  return { bbox: { x0: x, x1: x + words.length * 60, y0: y, y1: y + 24 }, tokens };
}
const row = (y: number): BoundingBox => ({ x0: 100, x1: 400, y0: y, y1: y + 24 });

describe('findArabicValue', () => {
  it('never takes the nationality for the name, even when the name line was not read', () => {
    // The Arabic name sits on a line of its own that the reader missed; the nationality's line is near the English name.
    const strips = [strip(['الأردن'], 240)];
    expect(findArabicValue(strips, 'name', row(200), 'Zayan Kinan Al Falasi')).toBeUndefined();
    expect(findArabicValue(strips, 'nationality', row(240))?.text).toBe('الأردن');
  });

  it('knows a two-word label misread in its dots (رغم الهوبه for رقم الهوية): not a value', () => {
    const strips = [strip(['رغم', 'الهوبه'], 100), strip(['بريا', 'شارما'], 200)];
    expect(findArabicValue(strips, 'name', row(200), 'PRIYA SHARMA')?.text).toBe('بريا شارما');
    // Near the ID number's row, the label still does not pass for the name.
    expect(findArabicValue([strip(['رغم', 'الهوبه'], 100)], 'name', row(100), 'PRIYA SHARMA')).toBeUndefined();
  });
});
