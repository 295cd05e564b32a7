/**
 * Where the card number is: the row's run of digit groups of a card number's length (or the groups stacked one
 * per line on upright cards), in the card's biggest print, and its band read again alone under a digit whitelist.
 * Choosing the digits from these readings is card-number.ts's.
 */
import type { PreparedImage } from '../../image/prepare.js';
import { PageSegmentation, type BoundingBox, type OcrEngine, type OcrWord } from '../../ocr/engine.js';
import { mean, median, union } from '../geometry.js';
import { digitOf, DIGITS } from '../toolkit/characters.js';
import { reread, scaleFor } from '../toolkit/crop.js';
import { readDigitShapes, type ShapeReading } from '../toolkit/glyph-shapes.js';
import { luhnValid } from '../toolkit/luhn.js';
import { heightOf, makeRow, stripEdges, toRows, type Row } from '../toolkit/text-lines.js';
import { CARD_NUMBER_LENGTHS, LENGTH_PRIOR, type DigitReading } from './card-number.js';

/** Geometry, in units of the number's height. */
const GEOMETRY = {
  /** Digit groups of one number are at most this far apart. */
  maxGroupGap: 4,
  /** The number band read again: this much margin around the run of groups. */
  bandMarginX: 2,
  bandMarginY: 0.35,
} as const;

/** Glyph height (px) at which the band re-read works best; crops are upscaled towards it, never downscaled. */
const TARGET_HEIGHT = 44;
/** Rows shaped like a number whose digits the page read took for letters: at most this many are read again. */
const MAX_LOOKALIKE_ROWS = 2;

/**
 * The digits of a word that reads as a digit group: mostly real digits, look-alike letters mapped to digits,
 * punctuation and a stray mark dropped ("5382,.6827", "e028"). Undefined for words that are not digit groups
 * (too many letters, or MRZ fillers: a machine-readable zone is never a card number, however many digits it has).
 */
export function digitsOfWord(text: string): string | undefined {
  if (text.includes('<')) return undefined;
  const chars = [...text];
  const real = chars.filter((c) => /\d/.test(c)).length;
  const letters = chars.filter((c) => /[A-Za-z]/.test(c)).length;
  if (real === 0 || real < (real + letters) * 0.6 || letters > Math.max(1, 0.15 * chars.length)) return undefined;
  return chars.map((c) => digitOf(c) ?? '').join('');
}

export function readingOfWords(words: readonly OcrWord[]): DigitReading {
  let digits = '';
  const confidences: number[] = [];
  for (const word of words) {
    const symbols = word.symbols.length ? word.symbols : [{ text: word.text, confidence: word.confidence }];
    for (const symbol of symbols) {
      for (const char of symbol.text) {
        const digit = digitOf(char);
        if (!digit) continue;
        digits += digit;
        // A look-alike letter is weaker evidence than a digit read as a digit.
        confidences.push(symbol.confidence * (digit === char ? 1 : 0.6));
      }
    }
  }
  return { digits, confidences };
}

export interface NumberCandidate {
  row: Row;
  words: OcrWord[];
  bbox: BoundingBox;
  /** The whole run of neighbouring digit groups the candidate is part of: where the band read looks. */
  span: BoundingBox;
  reading: DigitReading;
  /** Digit groups right beside the candidate that it leaves out: a whole number leaves none. */
  omitted: number;
  /** Printed one group per line (upright cards): `row` then stands for all of the number's rows. */
  stacked?: Row[];
}

/** A row's words cut into runs of neighbouring digit groups. */
function digitRuns(row: Row): OcrWord[][] {
  const runs: OcrWord[][] = [];
  let run: OcrWord[] = [];
  for (const word of row.words) {
    const previous = run.at(-1);
    const isDigits = digitsOfWord(word.text) !== undefined;
    if (isDigits && previous && word.bbox.x0 - previous.bbox.x1 <= GEOMETRY.maxGroupGap * row.height) {
      run.push(word);
      continue;
    }
    if (run.length) runs.push(run);
    run = isDigits ? [word] : [];
  }
  if (run.length) runs.push(run);
  return runs;
}

/**
 * Every stretch of consecutive groups within a run that totals a card number's length. Not only whole runs, so
 * that a stray digit beside the number (a speck read as 1) cannot hide it; stretches that leave out neighbouring
 * groups score lower, and count less when the digits are chosen.
 */
function numberCandidates(rows: readonly Row[]): NumberCandidate[] {
  const candidates: NumberCandidate[] = [];
  for (const row of rows) {
    for (const run of digitRuns(row)) {
      const span = union(run.map((w) => w.bbox));
      for (let start = 0; start < run.length; start++) {
        for (let end = start + 1; end <= run.length; end++) {
          const words = run.slice(start, end);
          const reading = readingOfWords(words);
          if (reading.digits.length > CARD_NUMBER_LENGTHS.max) break;
          if (reading.digits.length < CARD_NUMBER_LENGTHS.min) continue;
          const omitted = (start > 0 ? 1 : 0) + (end < run.length ? 1 : 0);
          candidates.push({ row, words, bbox: union(words.map((w) => w.bbox)), span, reading: omitted ? { ...reading, weight: 0.5 } : reading, omitted });
        }
      }
    }
  }
  return [...candidates, ...stackedCandidates(rows)];
}

/** A row that is one printed group of a number and nothing else: 3–6 digits in one or two words. */
function groupOfRow(row: Row): OcrWord[] | undefined {
  const words = row.words.filter((w) => stripEdges(w.text) !== '');
  if (words.length === 0 || words.length > 2 || words.some((w) => digitsOfWord(w.text) === undefined)) return undefined;
  const count = readingOfWords(words).digits.length;
  return count >= 3 && count <= 7 ? words : undefined;
}

/**
 * Numbers printed one group per line, as upright cards print them: consecutive rows that each hold one group,
 * of one size, close under each other, aligned at the left or the right. Each stretch of such rows that totals a
 * card number's length is a candidate.
 */
function stackedCandidates(rows: readonly Row[]): NumberCandidate[] {
  const stacks = stacksOf(rows, (row) => groupOfRow(row) !== undefined);
  const candidates: NumberCandidate[] = [];
  for (const whole of stacks) {
    for (let start = 0; start < whole.length; start++) {
      for (let end = start + 2; end <= whole.length; end++) {
        const part = whole.slice(start, end);
        const words = part.flatMap((r) => groupOfRow(r) ?? []);
        const reading = readingOfWords(words);
        if (reading.digits.length > CARD_NUMBER_LENGTHS.max) break;
        if (reading.digits.length < CARD_NUMBER_LENGTHS.min) continue;
        const omitted = (start > 0 ? 1 : 0) + (end < whole.length ? 1 : 0);
        const bbox = union(words.map((w) => w.bbox));
        candidates.push({
          row: makeRow(words),
          words,
          bbox,
          span: union(whole.map((r) => r.bbox)),
          reading: omitted ? { ...reading, weight: 0.5 } : reading,
          omitted,
          stacked: part,
        });
      }
    }
  }
  return candidates;
}

/**
 * Runs of consecutive rows that each pass `isGroup`, of one size, close under each other, aligned at the left or
 * the right: a number printed one group per line.
 */
function stacksOf(rows: readonly Row[], isGroup: (row: Row) => boolean): Row[][] {
  const stacks: Row[][] = [];
  let stack: Row[] = [];
  for (const row of rows) {
    const group = isGroup(row);
    const previous = stack.at(-1);
    const fits =
      group &&
      previous !== undefined &&
      row.height / previous.height < 1.35 &&
      previous.height / row.height < 1.35 &&
      row.bbox.y0 - previous.bbox.y1 < 1.5 * previous.height &&
      row.bbox.y0 > previous.bbox.y1 - 0.3 * previous.height &&
      (Math.abs(row.bbox.x0 - previous.bbox.x0) < 0.8 * previous.height || Math.abs(row.bbox.x1 - previous.bbox.x1) < 0.8 * previous.height);
    if (fits) stack.push(row);
    else {
      if (stack.length >= 2) stacks.push(stack);
      stack = group ? [row] : [];
    }
  }
  if (stack.length >= 2) stacks.push(stack);
  return stacks;
}

/**
 * The likeliest number: a whole run of digit groups, of a common length, in the card's biggest print (the number
 * is the largest text on a card), read confidently. Passing Luhn as read counts a little: one run in ten passes
 * by chance.
 */
function bestCandidate(candidates: readonly NumberCandidate[]): NumberCandidate | undefined {
  const lineHeight = (c: NumberCandidate) => (c.stacked ? c.row.height : heightOf(c.bbox));
  const tallest = Math.max(...candidates.map(lineHeight));
  const score = (c: NumberCandidate) =>
    2 * (LENGTH_PRIOR[c.reading.digits.length] ?? 0) - 2 * c.omitted + (luhnValid(c.reading.digits) ? 0.2 : 0) + lineHeight(c) / tallest + 0.5 * mean(c.reading.confidences);
  return [...candidates].sort((a, b) => score(b) - score(a))[0];
}

/**
 * Digits per printed group, from where the symbols sit rather than from word breaks (a whitelist read often runs
 * the groups together into one word): a gap well over the usual spacing between digits starts a group.
 */
function groupSizes(words: readonly OcrWord[]): number[] {
  const symbols = words.flatMap((w) => w.symbols).filter((s) => /\d/.test(s.text));
  if (symbols.length < 2) return [symbols.length];
  const gaps = symbols.slice(1).map((s, i) => s.bbox.x0 - (symbols[i]?.bbox.x1 ?? s.bbox.x0));
  const usual = median(gaps);
  const width = median(symbols.map((s) => s.bbox.x1 - s.bbox.x0));
  const sizes = [1];
  for (const gap of gaps) {
    if (gap > usual + 0.5 * width) sizes.push(1);
    else sizes[sizes.length - 1] = (sizes.at(-1) ?? 0) + 1;
  }
  return sizes;
}

/**
 * Groups as card numbers are printed (4-4-4-4, 4-4-4-4-3, 4-4-4-1, 4-6-5, …): what a digit-whitelist read must show before
 * a run counts as a number, since such a read turns any text into digits.
 */
function printedInGroups(words: readonly OcrWord[]): boolean {
  const sizes = groupSizes(words);
  // The last group may be short: a number grouped in fours ends where its digits do (4-4-4-1, 4-4-4-4-3).
  const whole = sizes.slice(0, -1).every((n) => n >= 3 && n <= 6) && (sizes.at(-1) ?? 0) <= 6;
  return sizes.length >= 3 && whole && sizes.filter((n) => n === 4).length >= 2;
}

export interface FoundNumber {
  candidate: NumberCandidate;
  /** Found only by a whitelist read (which turns any print into digits): weaker evidence that the image is a card. */
  fromFallback: boolean;
  /** Band readings already taken while finding it: the number is chosen from these, not read again. */
  readings?: DigitReading[];
}

/** `lookalikes`: rows shaped like a number may be read again (on the page as sent, not on every turn tried). */
export async function findNumber(image: PreparedImage, engine: OcrEngine, rows: readonly Row[], lookHarder: boolean, lookalikes = lookHarder): Promise<FoundNumber | undefined> {
  const candidate = bestCandidate(numberCandidates(rows));
  if (candidate) return { candidate, fromFallback: false };
  const reread = lookalikes ? await rereadLookalikeRows(image, engine, rows) : undefined;
  if (reread || !lookHarder) return reread;
  // Nothing looked like a number: embossed digits sometimes only read under a digit whitelist.
  const page = await engine.recognize({ image: await image.page({ invert: 'auto' }), psm: PageSegmentation.sparse, whitelist: DIGITS });
  const fallback = bestCandidate(numberCandidates(toRows(page.lines)).filter((c) => printedInGroups(c.words)));
  return fallback ? { candidate: fallback, fromFallback: true } : undefined;
}

/** The box a band read of the candidate takes in: its whole run of groups, with a margin. */
function bandBox(candidate: NumberCandidate): { box: BoundingBox; height: number } {
  const h = Math.max(8, median(candidate.words.map((w) => heightOf(w.bbox))));
  const { span } = candidate;
  const marginX = candidate.stacked ? 0.6 : GEOMETRY.bandMarginX;
  return {
    box: { x0: span.x0 - marginX * h, x1: span.x1 + marginX * h, y0: span.y0 - GEOMETRY.bandMarginY * h, y1: span.y1 + GEOMETRY.bandMarginY * h },
    height: h,
  };
}

/** The number's band read again, alone and under a digit whitelist: its words, in page coordinates. */
async function readBandWords(image: PreparedImage, engine: OcrEngine, candidate: NumberCandidate, binarize: boolean): Promise<OcrWord[]> {
  const { box, height } = bandBox(candidate);
  const result = await reread(image, engine, box, {
    scale: scaleFor(TARGET_HEIGHT, height),
    invert: 'auto',
    binarize,
    psm: candidate.stacked ? PageSegmentation.singleBlock : PageSegmentation.singleLine,
    whitelist: DIGITS,
  });
  return result.lines.flatMap((l) => l.words);
}

/** The number's run read again, alone and under a digit whitelist: a second, independent reading. */
export async function readNumberBand(image: PreparedImage, engine: OcrEngine, candidate: NumberCandidate, binarize = true): Promise<DigitReading | undefined> {
  const words = await readBandWords(image, engine, candidate, binarize);
  return words.length ? readingOfWords(words) : undefined;
}

/** A shape reading counts as finding a number only when its glyphs match digits this well (median). */
const SURE_SHAPES = 0.6;

/** A glyph that looks like no digit at all: other print on the number's line, not part of the number. */
const STRAY_GLYPH = 0.15;

/**
 * The number read by the shape of its glyphs (toolkit/glyph-shapes.ts), line by line for a stacked number: a
 * reading that owes nothing to the engine, for the stroke faces the engine misreads. Each line is looked at
 * across the whole page, since the page read may have missed a group at either end: the glyphs under the
 * candidate, and their neighbours as far as groups of one number lie apart.
 */
export function readNumberShapes(image: PreparedImage, candidate: NumberCandidate): DigitReading | undefined {
  const { height } = bandBox(candidate);
  const lines = candidate.stacked ? candidate.stacked.map((r) => r.bbox) : [candidate.span];
  const parts: DigitReading[] = [];
  for (const line of lines) {
    // Margins of more than half a glyph above and below: a slightly tilted line still lies whole in its band.
    const shapes = readDigitShapes(image, { x0: 0, x1: image.width - 1, y0: line.y0 - 0.6 * height, y1: line.y1 + 0.6 * height });
    const part = shapes && numberGlyphs(shapes, line, height);
    if (!part) return undefined;
    parts.push(part);
  }
  return { digits: parts.map((p) => p.digits).join(''), confidences: parts.flatMap((p) => p.confidences) };
}

/** The glyphs of a shape reading that belong to the number under `line`: those on it, and their close neighbours. */
function numberGlyphs(shapes: ShapeReading, line: BoundingBox, height: number): DigitReading | undefined {
  const { boxes, confidences } = shapes;
  const box = (i: number) => boxes[i] as BoundingBox;
  const digitLike = (i: number) => (confidences[i] ?? 0) >= STRAY_GLYPH;
  const onLine = (i: number) => (box(i).x0 + box(i).x1) / 2 >= line.x0 && (box(i).x0 + box(i).x1) / 2 <= line.x1;
  const under = boxes.map((_, i) => i).filter((i) => onLine(i) && digitLike(i));
  let first = under[0];
  let last = under.at(-1);
  if (first === undefined || last === undefined) return undefined;
  const joins = (a: number, b: number) => box(b).x0 - box(a).x1 <= GEOMETRY.maxGroupGap * height && digitLike(a) && digitLike(b);
  while (first > 0 && joins(first - 1, first)) first--;
  while (last < boxes.length - 1 && joins(last, last + 1)) last++;
  return { digits: shapes.digits.slice(first, last + 1), confidences: confidences.slice(first, last + 1) };
}

// ---------------------------------------------------------------------------------------------------------------
// Digits the page read took for letters

/**
 * A word that may be a digit group whatever the page read made of its glyphs (a stroke font's 4 and 6 come back
 * as y and k, a shadowed 8 as E): a few characters, no date slash.
 */
const mayBeGroup = (text: string) => /^[^/\\]{2,8}$/.test(stripEdges(text) || text);
const hasDigit = (text: string) => /\d/.test(text);

/** A row shaped like a number printed on one line: two to six short words, most with a digit in them. */
function lookalikeLine(row: Row): boolean {
  const words = row.words.filter((w) => stripEdges(w.text) !== '' || /\S{2,}/.test(w.text));
  const chars = words.reduce((n, w) => n + w.text.length, 0);
  return words.length >= 2 && words.length <= 6 && chars >= 10 && words.every((w) => mayBeGroup(w.text)) && words.filter((w) => hasDigit(w.text)).length * 2 >= words.length;
}

/** A row that may be one group of a number printed one group per line: one or two short words, a digit among them. */
const lookalikeGroup = (row: Row) => row.words.length <= 2 && row.words.every((w) => /^[^/\\]{3,8}$/.test(w.text)) && row.words.some((w) => hasDigit(w.text));

/**
 * When no row reads as a number: rows shaped like one (in the largest print first) read again under a digit
 * whitelist, binarised and in grey at once, so that the two readings vote. A reading counts only when it has a
 * card number's length and, on one line, the gaps of printed groups.
 */
async function rereadLookalikeRows(image: PreparedImage, engine: OcrEngine, rows: readonly Row[]): Promise<FoundNumber | undefined> {
  const suspects: NumberCandidate[] = [
    ...rows.filter(lookalikeLine).map((row) => ({ row, words: row.words, bbox: row.bbox, span: row.bbox, reading: readingOfWords(row.words), omitted: 0 })),
    ...stacksOf(rows, lookalikeGroup).map((stack) => {
      const words = stack.flatMap((r) => r.words);
      const bbox = union(words.map((w) => w.bbox));
      return { row: makeRow(words), words, bbox, span: bbox, reading: readingOfWords(words), omitted: 0, stacked: stack };
    }),
  ];
  // The number is the card's largest print.
  const size = (c: NumberCandidate) => heightOf(c.bbox) / (c.stacked?.length ?? 1);
  for (const suspect of suspects.sort((a, b) => size(b) - size(a)).slice(0, MAX_LOOKALIKE_ROWS)) {
    const reads = await Promise.all([true, false].map((binarize) => readBandWords(image, engine, suspect, binarize)));
    const shapes = readNumberShapes(image, suspect);
    const readings = [
      ...reads.filter((words) => (suspect.stacked ? words.length >= 2 : printedInGroups(words))).map(readingOfWords),
      // Read by shape only when its glyphs look like digits: any print can be forced into a digit whitelist.
      ...(shapes && median(shapes.confidences) >= SURE_SHAPES ? [shapes] : []),
    ].filter((r) => r.digits.length >= CARD_NUMBER_LENGTHS.min && r.digits.length <= CARD_NUMBER_LENGTHS.max);
    const first = readings[0];
    if (first) return { candidate: { ...suspect, reading: first }, fromFallback: true, readings };
  }
  return undefined;
}
