/**
 * Text lines and words as OCR returns them, and the visual rows they make. Segmentation splits a card's rows into
 * several lines or blocks (a number's last group often lands in its own block), so for sparse layouts the words
 * are regrouped into rows by where they sit rather than trusted as lines.
 */
import type { BoundingBox, OcrLine, OcrWord } from '../../ocr/engine.js';
import { mean, median, union } from '../geometry.js';

export const heightOf = (box: BoundingBox): number => box.y1 - box.y0;
export const centreY = (box: BoundingBox): number => (box.y0 + box.y1) / 2;

/** The mean OCR confidence of some words; 0 for none. */
export const meanConfidence = (words: readonly OcrWord[]): number => mean(words.map((w) => w.confidence));

/**
 * The median of a read's symbol confidences: under a whitelist tesseract reports some words (those after a gap)
 * with a confidence near 0 although every symbol in them is sure.
 */
export function symbolConfidence(words: readonly OcrWord[]): number {
  const symbols = words.flatMap((w) => w.symbols.map((s) => s.confidence));
  return symbols.length ? median(symbols) : meanConfidence(words);
}

/**
 * The box of some words' print: left and right from the words, top and bottom the median of their symbols'.
 * A word box sometimes takes in a speck or a stroke of the row below (on textured cards one digit merged with a
 * background stroke can double its word's height), which would misplace what lies under it.
 */
export function printBox(words: readonly OcrWord[]): BoundingBox {
  const box = union(words.map((w) => w.bbox));
  const symbols = words.flatMap((w) => w.symbols).filter((s) => s.bbox.y1 > s.bbox.y0);
  if (symbols.length === 0) return box;
  return { ...box, y0: median(symbols.map((s) => s.bbox.y0)), y1: median(symbols.map((s) => s.bbox.y1)) };
}

/** Separators between a label and its value: leading colons, slashes and dashes; trailing colons; a bar ending a capitalised word is its last I. */
export const cleanWord = (word: OcrWord): OcrWord => ({
  ...word,
  text: word.text
    .replace(/^[:;/.\-|]+/, '')
    .replace(/(?<=[A-Z]{2})\|$/, 'I')
    .replace(/[:;|]+$/, ''),
});

/** Word indexes of the characters in `words.join(' ')`. */
export function wordAt(words: readonly OcrWord[]): number[] {
  return words.flatMap((word, i) => [...Array<number>(word.text.length).fill(i), i]);
}

/**
 * A word the English pass could not read as English: Arabic (or any other script) comes out of it as
 * low-confidence Latin garbage, which is how another script's print is found without reading the page twice.
 */
export const isForeignWord = (word: OcrWord): boolean => word.confidence < 0.6 || !/^[A-Za-z0-9:/.,'’()-]+$/.test(word.text);

/** Punctuation and specks at a word's ends. */
export const stripEdges = (text: string): string => text.replace(/^[^A-Za-z0-9&]+|[^A-Za-z0-9.&]+$/g, '');

/** A visual row of words, left to right. */
export interface Row {
  words: OcrWord[];
  bbox: BoundingBox;
  /** Median word height: the row's text size. */
  height: number;
  text: string;
  confidence: number;
}

/** Geometry of rows, in units of the text's height. */
const ROWS = {
  /** Words on one row overlap vertically by at least this share of the smaller height… */
  overlap: 0.5,
  /** …and are at most this many times taller or shorter than their neighbour. */
  heightRatio: 2.5,
  /** A gap wider than this splits a row into separate segments (e.g. the holder's name and a network mark). */
  segmentGap: 2.5,
} as const;

export function makeRow(words: OcrWord[]): Row {
  const sorted = [...words].sort((a, b) => a.bbox.x0 - b.bbox.x0 || a.bbox.y0 - b.bbox.y0);
  return {
    words: sorted,
    bbox: union(sorted.map((w) => w.bbox)),
    height: median(sorted.map((w) => heightOf(w.bbox))),
    text: sorted.map((w) => w.text).join(' '),
    confidence: meanConfidence(sorted),
  };
}

/** A word's box without the specks a glyph touched; a word of one or two symbols keeps its own box. */
const coreBox = (word: OcrWord): BoundingBox => (word.symbols.length < 3 ? word.bbox : printBox([word]));

/**
 * Words regrouped into visual rows, top to bottom. A word joins the row whose nearest word to its left overlaps
 * it vertically, so that a slightly tilted row stays one row.
 */
export function toRows(lines: readonly OcrLine[]): Row[] {
  const words = lines
    .flatMap((l) => l.words)
    .filter((w) => w.text.trim() !== '')
    .map((w) => ({ ...w, bbox: coreBox(w) }));
  const overlap = (a: BoundingBox, b: BoundingBox) => (Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0)) / Math.max(1, Math.min(heightOf(a), heightOf(b)));
  const groups: OcrWord[][] = [];
  for (const word of [...words].sort((a, b) => a.bbox.x0 - b.bbox.x0)) {
    let best: { group: OcrWord[]; overlap: number } | undefined;
    for (const group of groups) {
      const last = group.at(-1);
      if (!last) continue;
      const ratio = heightOf(word.bbox) / Math.max(1, heightOf(last.bbox));
      const shared = overlap(last.bbox, word.bbox);
      const similar = ratio < ROWS.heightRatio && ratio > 1 / ROWS.heightRatio;
      if (similar && shared >= ROWS.overlap && (!best || shared > best.overlap)) best = { group, overlap: shared };
    }
    if (best) best.group.push(word);
    else groups.push([word]);
  }
  return groups.map(makeRow).sort((a, b) => a.bbox.y0 - b.bbox.y0);
}

/** A row cut where the gap between words is wide: separate items that happen to share a baseline. */
export function segments(row: Row): Row[] {
  const parts: OcrWord[][] = [];
  for (const word of row.words) {
    const last = parts.at(-1);
    const previous = last?.at(-1);
    if (last && previous && word.bbox.x0 - previous.bbox.x1 <= ROWS.segmentGap * row.height) last.push(word);
    else parts.push([word]);
  }
  return parts.map(makeRow);
}
