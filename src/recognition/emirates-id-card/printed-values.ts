/**
 * The printed fields of the back (beside the MRZ) and the values a second look reads: the words after a label on
 * its line, or under it, taken while they look like a value of their kind.
 */
import type { BoundingBox, OcrLine, OcrWord } from '../../ocr/engine.js';
import { mean, union } from '../geometry.js';
import { centreY, cleanWord, heightOf } from '../toolkit/text-lines.js';
import { ALL_LABELS, findLabels, LABELS } from './labels.js';

export type ValueKind = 'text' | 'date' | 'sex' | 'number';

/** Words a value of this kind may consist of; the value ends at the first that fails. */
export const VALUE_WORD: Record<ValueKind, RegExp> = {
  text: /^[A-Za-z][A-Za-z'’.-]*,?$/,
  date: /^[0-9OoIlSBZ|/.\-]+$/,
  sex: /^(?:[MF][mf]?|[mf][MF]|MALE|FEMALE|Male|Female)$/,
  number: /^[0-9OoIlSBZ|\-.–—]+$/,
};

export interface LabelledValue {
  text: string;
  confidence: number;
  bbox: BoundingBox;
}

export function takeValue(words: readonly OcrWord[], kind: ValueKind, lineHeight: number, minConfidence = 0.3): OcrWord[] {
  const value: OcrWord[] = [];
  for (const raw of words) {
    const cleaned = cleanWord(raw);
    // A lone letter picks up specks as symbols ("™M"): only its letters count.
    const word = kind === 'sex' ? { ...cleaned, text: cleaned.text.replace(/[^A-Za-z]/g, '') } : cleaned;
    if (word.text === '') continue;
    const previous = value.at(-1);
    // A wide gap ends the value: what follows belongs to another column (often the Arabic half of the row).
    if (previous && word.bbox.x0 - previous.bbox.x1 > 2.2 * lineHeight) break;
    // A capitalised word of plain letters is kept however unsure OCR was of it (names end in a bar read for I);
    // anything else must be read with some confidence.
    const plainLetters = kind === 'text' && /^[A-Z][A-Za-z]+$/.test(word.text);
    if (!VALUE_WORD[kind].test(word.text) || (word.confidence < minConfidence && !plainLetters)) break;
    value.push(word);
    if (kind === 'sex') break;
  }
  return value;
}

/**
 * The value of a labelled field: the words after the label on its line (up to the next label or a wide gap), or
 * else the words under the label on the nearest line below, within the label's column (which ends where the next
 * label on the label's row begins).
 */
export function findLabelledValue(lines: readonly OcrLine[], field: keyof typeof LABELS, kind: ValueKind): LabelledValue | undefined {
  const allHits = ALL_LABELS.flatMap((label, i) => findLabels(lines, label, String(i)));
  for (const hit of findLabels(lines, LABELS[field], field)) {
    const lineHeight = heightOf(hit.bbox);
    const nextOnLine = allHits
      .filter((h) => h.line === hit.line && h.first > hit.last)
      .reduce((min, h) => Math.min(min, h.first), hit.line.words.length);
    const sameLine = takeValue(hit.line.words.slice(hit.last + 1, nextOnLine), kind, lineHeight);
    if (sameLine.length) return toValue(sameLine);

    const rowEnd = allHits
      .filter((h) => h.bbox.x0 > hit.bbox.x1 && Math.abs((h.bbox.y0 + h.bbox.y1) / 2 - (hit.bbox.y0 + hit.bbox.y1) / 2) < lineHeight)
      .reduce((min, h) => Math.min(min, h.bbox.x0), Infinity);
    const below = lines
      .filter((l) => l !== hit.line && centreY(l.bbox) > centreY(hit.bbox) + lineHeight * 0.6 && l.bbox.y0 - hit.bbox.y1 < lineHeight * 2.5)
      .map((l) => l.words.filter((w) => w.bbox.x1 > hit.bbox.x0 - lineHeight && w.bbox.x0 < rowEnd - lineHeight * 0.5))
      .filter((words) => words.length > 0)
      .sort((a, b) => (a[0]?.bbox.y0 ?? 0) - (b[0]?.bbox.y0 ?? 0))[0];
    if (below && !allHits.some((h) => h.line.words.includes(below[0] as OcrWord))) {
      const value = takeValue(below, kind, lineHeight);
      if (value.length) return toValue(value);
    }
  }
  return undefined;
}

export function toValue(words: readonly OcrWord[]): LabelledValue {
  return {
    text: words.map((w) => cleanWord(w).text).join(' ').trim(),
    confidence: mean(words.map((w) => w.confidence)),
    bbox: union(words.map((w) => w.bbox)),
  };
}

export function parseSex(text: string): string | undefined {
  const first = text.trim().toUpperCase()[0];
  return first === 'M' || first === 'F' ? first : undefined;
}

