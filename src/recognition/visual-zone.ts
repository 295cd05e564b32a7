/**
 * Reading labelled fields from a printed (visual) zone. Labels are found by pattern in the OCR's lines; a value is
 * what follows its label on the same line, or the words printed just below it, within the label's column (up to
 * where the next label on the same row begins). Layout-independent: no coordinates of any one design.
 */
import type { BoundingBox, OcrLine, OcrWord } from '../ocr/engine.js';
import { median } from './geometry.js';

export interface LabelledValue {
  text: string;
  /** 0..1 */
  confidence: number;
}

interface LabelHit {
  bbox: BoundingBox;
  words: OcrWord[];
  line: number;
  /** Index of the first word after the label on its line. */
  after: number;
}

/** Every place a label pattern matches, with the bounding box of the words it spans. */
function findLabels(lines: readonly OcrLine[], label: RegExp): LabelHit[] {
  const hits: LabelHit[] = [];
  const global = new RegExp(label.source, label.flags.includes('g') ? label.flags : `${label.flags}g`);
  lines.forEach((line, lineIndex) => {
    const starts: number[] = [];
    let text = '';
    for (const word of line.words) {
      starts.push(text.length);
      text += `${word.text} `;
    }
    for (const match of text.matchAll(global)) {
      const from = match.index;
      const to = from + match[0].length;
      const indices = line.words.map((_, i) => i).filter((i) => (starts[i] ?? 0) < to && (starts[i] ?? 0) + (line.words[i]?.text.length ?? 0) > from);
      if (indices.length === 0) continue;
      const words = labelPhrase(line.words, Math.min(...indices), Math.max(...indices)).map((i) => line.words[i] as OcrWord);
      // Median top and bottom: one word box stretched by noise must not make the label tall.
      hits.push({
        bbox: {
          x0: Math.min(...words.map((w) => w.bbox.x0)),
          y0: median(words.map((w) => w.bbox.y0)),
          x1: Math.max(...words.map((w) => w.bbox.x1)),
          y1: median(words.map((w) => w.bbox.y1)),
        },
        words,
        line: lineIndex,
        after: Math.max(...indices) + 1,
      });
    }
  });
  return hits;
}

const centreY = (b: BoundingBox) => (b.y0 + b.y1) / 2;

const isSlash = (word: OcrWord | undefined) => word !== undefined && /^\/|\/$/.test(word.text);
/** A field number printed before a label: `1.`, `(2)`, `3`. */
const isFieldNumber = (word: OcrWord | undefined) => word !== undefined && /^\(?\d{1,2}[.)]?$/.test(word.text);

/**
 * The whole label a match belongs to. Bilingual labels print the same label in two or three languages joined by
 * slashes ("Lugar de nacimiento / Place of birth / Lieu de naissance"); some number their fields ("4. Surname").
 * A pattern matches one language: the phrase runs on across slashes, and back over a field number, as long as the
 * words stay close (a column gap ends it).
 */
function labelPhrase(words: readonly OcrWord[], first: number, last: number): number[] {
  const height = median(words.slice(first, last + 1).map((w) => w.bbox.y1 - w.bbox.y0));
  const close = (a: OcrWord | undefined, b: OcrWord | undefined) => a !== undefined && b !== undefined && b.bbox.x0 - a.bbox.x1 < 1.2 * height;
  let start = first;
  // Back across a slash, then over the other language's words up to a column gap.
  if (isSlash(words[start - 1]) || isSlash(words[start])) {
    while (start > 0 && close(words[start - 1], words[start])) start--;
  } else if (isFieldNumber(words[start - 1]) && close(words[start - 1], words[start])) start--;
  let end = last;
  if (isSlash(words[end + 1]) || isSlash(words[end])) {
    while (end < words.length - 1 && close(words[end], words[end + 1])) end++;
  }
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}


const overlapsVertically = (a: BoundingBox, b: BoundingBox) => Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 0;

function joinWords(words: readonly OcrWord[]): LabelledValue | undefined {
  const text = words.map((w) => w.text).join(' ').trim();
  if (!text) return undefined;
  return { text, confidence: words.reduce((s, w) => s + w.confidence, 0) / words.length };
}

/**
 * The value of the field labelled by `label`. `allLabels` are every label pattern of the document, so a value
 * stops where the next label begins and a label is never taken for a value.
 */
export function findLabelledValue(
  lines: readonly OcrLine[],
  label: RegExp,
  allLabels: readonly RegExp[],
): LabelledValue | undefined {
  const others = allLabels.flatMap((l) => findLabels(lines, l));
  const labelWords = new Set(others.flatMap((o) => o.words));
  const isLabelWord = (word: OcrWord) => labelWords.has(word);

  for (const hit of findLabels(lines, label)) {
    const height = hit.bbox.y1 - hit.bbox.y0;
    // The next label to the right on the same row closes this label's column.
    const columnEnd = Math.min(
      Infinity,
      ...others.filter((o) => o.bbox.x0 > hit.bbox.x1 && overlapsVertically(o.bbox, hit.bbox)).map((o) => o.bbox.x0),
    );

    // "Label: value" on one line.
    const sameLine = (lines[hit.line]?.words ?? []).slice(hit.after).filter((w) => w.bbox.x0 < columnEnd && !isLabelWord(w));
    const inline = joinWords(sameLine.filter((w) => /[\p{L}\p{N}]/u.test(w.text)));
    if (inline) return inline;

    // The value printed below: the nearest row of words under the label, within its column.
    const below = lines
      .flatMap((l) => l.words)
      .filter(
        (w) =>
          w.bbox.y0 >= hit.bbox.y1 - height * 0.3 &&
          w.bbox.y0 - hit.bbox.y1 < height * 2.5 &&
          w.bbox.x1 > hit.bbox.x0 - height &&
          w.bbox.x0 < columnEnd - 2 &&
          !isLabelWord(w) &&
          w.text.trim() !== '',
      );
    if (below.length === 0) continue;
    const top = Math.min(...below.map((w) => w.bbox.y0));
    const firstRow = below.filter((w) => w.bbox.y0 - top < height * 0.8).sort((a, b) => a.bbox.x0 - b.bbox.x0);
    const startX = Math.min(...firstRow.map((w) => w.bbox.x0));
    // A value does not start far left of its label: that is another column's text.
    if (startX < hit.bbox.x0 - 2 * height) continue;
    const value = joinWords(firstRow);
    if (value) return value;
  }
  return undefined;
}

/** The vertical centre helper is shared by callers that group words into rows. */
export { centreY };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** The month a three-letter OCR token most likely names: at least two letters in place, and no tie. */
function fuzzyMonth(token: string): number | undefined {
  const scores = MONTHS.map((month) => [...month].filter((c, i) => token[i] === c).length);
  const best = Math.max(...scores);
  if (best < 2 || scores.filter((s) => s === best).length > 1) return undefined;
  return scores.indexOf(best);
}

/** `12 DEC 1990`, `12.12.1990`, `12/12/1990` or `1990-12-12` to `1990-12-12`; undefined when not a date. */
export function parsePrintedDate(text: string): string | undefined {
  const t = text.toUpperCase();
  let m = /(\d{1,2})\s*[ /.-]?\s*(\S{3})\S*\s*[ /.-]?\s*(\d{4})/.exec(t);
  if (m && !/^\d+$/.test(m[2] ?? '')) {
    const month = fuzzyMonth((m[2] ?? '').replace(/0/g, 'O'));
    if (month !== undefined) return iso(Number(m[3]), month + 1, Number(m[1]));
  }
  const digits = t.replace(/O/g, '0');
  m = /(\d{4})-(\d{2})-(\d{2})/.exec(digits);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /(\d{1,2})[./-](\d{1,2})[./-](\d{4})/.exec(digits);
  if (m) return iso(Number(m[3]), Number(m[2]), Number(m[1]));
  return undefined;
}

function iso(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1900 || year > 2200) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
