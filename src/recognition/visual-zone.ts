/**
 * Reading labelled fields from the printed (visual) zone: a label line, then its value on the same line after
 * the label or on the nearest line below. Used for fields the MRZ does not carry.
 */
import type { OcrLine } from '../ocr/engine.js';

export interface LabelledValue {
  text: string;
  /** 0..1 */
  confidence: number;
}

const overlapsHorizontally = (a: OcrLine, b: OcrLine) => Math.min(a.bbox.x1, b.bbox.x1) - Math.max(a.bbox.x0, b.bbox.x0) > 0;

/** The value printed under or after the first line matching `label`, or undefined. */
export function findLabelledValue(lines: readonly OcrLine[], label: RegExp, isLabel: (text: string) => boolean): LabelledValue | undefined {
  for (const line of lines) {
    const match = label.exec(line.text);
    if (!match) continue;
    // Only what follows the label on its own line, when the label is not followed by another label.
    const rest = line.text.slice(match.index + match[0].length).replace(/^[\s:/.-]+/, '').trim();
    if (rest.length > 1 && !isLabel(rest)) return { text: rest, confidence: line.confidence };
    const below = lines
      .filter((l) => l.bbox.y0 >= line.bbox.y1 - 2 && overlapsHorizontally(l, line) && l.bbox.y0 - line.bbox.y1 < 3 * (line.bbox.y1 - line.bbox.y0))
      .sort((a, b) => a.bbox.y0 - b.bbox.y0)[0];
    if (below && !isLabel(below.text)) {
      // Only the part of the value line under the label's column.
      const words = below.words.filter((w) => w.bbox.x1 > line.bbox.x0 - 5 && w.bbox.x0 < line.bbox.x1 + (line.bbox.x1 - line.bbox.x0));
      const text = (words.length ? words.map((w) => w.text).join(' ') : below.text).trim();
      const confidence = words.length ? words.reduce((s, w) => s + w.confidence, 0) / words.length : below.confidence;
      if (text) return { text, confidence };
    }
  }
  return undefined;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** `12 DEC 1990`, `12.12.1990`, `12/12/1990` or `1990-12-12` to `1990-12-12`; undefined when not a date. */
export function parsePrintedDate(text: string): string | undefined {
  const t = text.toUpperCase().replace(/[O]/g, '0');
  let m = /(\d{1,2})\s*[ /.-]?\s*([A-Z]{3})[A-Z]*\s*[ /.-]?\s*(\d{4})/.exec(t);
  if (m) {
    const month = MONTHS.indexOf((m[2] ?? '').slice(0, 3));
    if (month >= 0) return iso(Number(m[3]), month + 1, Number(m[1]));
  }
  m = /(\d{4})-(\d{2})-(\d{2})/.exec(t);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /(\d{1,2})[./-](\d{1,2})[./-](\d{4})/.exec(t);
  if (m) return iso(Number(m[3]), Number(m[2]), Number(m[1]));
  return undefined;
}

function iso(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1900 || year > 2200) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
