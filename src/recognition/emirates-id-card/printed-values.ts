/**
 * The printed fields of the back (beside the MRZ) and the values a second look reads: the words after a label on
 * its line, or under it, taken while they look like a value of their kind.
 */
import type { BoundingBox, OcrLine, OcrWord } from '../../ocr/engine.js';
import { mean, median, union } from '../geometry.js';
import { associateLabels } from '../toolkit/labelled-values.js';
import { cleanWord, heightOf } from '../toolkit/text-lines.js';
import { ALL_LABELS, LABELS } from './labels.js';

export type ValueKind = 'text' | 'date' | 'sex' | 'number';

/** Words a value of this kind may consist of; the value ends at the first that fails. */
export const VALUE_WORD: Record<ValueKind, RegExp> = {
  text: /^[A-Za-z][A-Za-z'’.-]*,?$/,
  date: /^[0-9OoIlSBZ|/.-]+$/,
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
 * The value of a labelled field, through the toolkit's label association: the words after the label on its row
 * (up to the next label or a wide gap), or else under (or over) it within the label's column, taken while they
 * look like a value of their kind.
 */
export function findLabelledValue(lines: readonly OcrLine[], field: keyof typeof LABELS, kind: ValueKind): LabelledValue | undefined {
  const take = (words: readonly OcrWord[]) => {
    const value = takeValue(words, kind, median(words.map((w) => heightOf(w.bbox))));
    return value.length ? { text: toValue(value).text, used: value.length } : undefined;
  };
  const found = associateLabels(
    lines,
    [{ field, label: LABELS[field], take, distinctive: kind !== 'text' }],
    ALL_LABELS.filter((label) => label !== LABELS[field]),
  ).get(field);
  return found && { text: found.text, confidence: found.confidence, bbox: found.bbox };
}

export function toValue(words: readonly OcrWord[]): LabelledValue {
  return {
    text: words
      .map((w) => cleanWord(w).text)
      .join(' ')
      .trim(),
    confidence: mean(words.map((w) => w.confidence)),
    bbox: union(words.map((w) => w.bbox)),
  };
}

export function parseSex(text: string): string | undefined {
  const first = text.trim().toUpperCase()[0];
  return first === 'M' || first === 'F' ? first : undefined;
}
