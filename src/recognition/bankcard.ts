/**
 * Bank card fronts. One page read (binarised, sparse text) gives every word with its box; the words are regrouped
 * into visual rows. The number is the row's run of digit groups of a card number's length, read again alone with
 * a digit whitelist and chosen by the Luhn check; the type follows from its prefix. Dates, holder and bank are
 * found relative to the number (dates and holder below it, the bank above it) and by what they look like, never
 * by fixed coordinates, so that cards of any design read.
 *
 * The pure rules (type, Luhn choice, MM/YY picking) live in card-number.ts; this module is about where things
 * are on the card.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ApiError } from '../errors/catalogue.js';
import type { ImageFormat } from '../image/intake.js';
import type { PreparedImage, Region } from '../image/prepare.js';
import { PageSegmentation, type BoundingBox, type OcrEngine, type OcrLine, type OcrWord } from '../ocr/engine.js';
import {
  CARD_NUMBER_LENGTHS,
  cardTypeOf,
  chooseCardNumber,
  chronological,
  DATE_LABELS,
  DIGIT_LOOKALIKES,
  findDateTokens,
  groupInFours,
  LENGTH_PRIOR,
  pickCardDates,
  type CardDates,
  type DigitReading,
  type TextLine,
} from './card-number.js';
import type { DocumentType, RecognitionInput } from './document.js';
import { median } from './geometry.js';
import { luhnValid } from './luhn.js';
import { straightened, turnedPage, turnsToTry } from './toolkit/orientation.js';

// ---------------------------------------------------------------------------------------------------------------
// What cards print, as data

export const BANK_CARD_FIELDS = ['type', 'card_number', 'issue_date', 'expiry_date', 'card_holder', 'bank_name'] as const;
type BankCardField = (typeof BANK_CARD_FIELDS)[number];

/** The contract lists JPG, PNG, BMP and TIFF for bank cards (JPEG and JPG are one format to the intake). */
const FORMATS: readonly ImageFormat[] = ['jpg', 'png', 'bmp', 'tiff'];

const DIGITS = '0123456789';

/** Network marks, printed on cards but neither the bank nor the holder. */
const NETWORK_WORD = /^(VISA|MASTERCARD|MASTER|MAESTRO|CIRRUS|AMEX|AMERICAN|EXPRESS|DISCOVER|JCB|UNIONPAY|DINERS|CLUB|ELECTRON|\w*PAY)$/i;
/** Product tiers, likewise. */
const TIER_WORD =
  /^(PLATINUM|GOLD|SILVER|CLASSIC|STANDARD|WORLD|ELITE|SIGNATURE|INFINITE|BUSINESS|CORPORATE|DEBIT|CREDIT|PREPAID|TITANIUM|PREMIER|REWARDS|ELECTRONIC|INTERNATIONAL|CONTACTLESS|PLUS|CARD)$/i;
/** Small print that labels a field: never part of a name. */
const LABEL_WORD = /^(VALID|THRU|THROUGH|FROM|GOOD|EXPIRES?|EXPIRY|EXP|END|DATE|MEMBER|SINCE|UNTIL|MONTH|YEAR|CARDHOLDER|HOLDER|NAME|SIGNATURE|AUTHORIZED)$/i;
/** One word of a date label: "VALID THRU", "EXPIRES END", "MEMBER SINCE", stacked or inline. */
const DATE_LABEL_WORD = /^(VALID|THRU|THROUGH|FROM|GOOD|EXPIRES?|EXPIRY|EXP|END|UNTIL|TILL|MEMBER|SINCE|ISSUED?|DATE)$/i;
/** A word that names an institution: of several lines above the number, the bank's is the one that has it. */
const BANK_WORD = /\b(BANK|BANCO|BANQUE|FINANCE|FINANCIAL|TRUST|SAVINGS|CREDIT\s+UNION|CAPITAL)\b/i;
/** Digits OCR returns for capitals in names ("PELEW00D"). */
const LETTER_LOOKALIKES: Readonly<Record<string, string>> = { '0': 'O', '1': 'I', '5': 'S', '8': 'B', '6': 'G', '2': 'Z' };
/** Names are printed in capitals; their re-read may return nothing else. */
const NAME_WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ .'-";

/**
 * Text that may be a date the page read garbled: a few digits (or look-alikes) around an optional separator,
 * e.g. "12:19", "3/27", "81/24", "07724" (the slash read as 7), "§§/26".
 */
const DATE_LIKE = /^[^0-9A-Za-z@]*(?=(?:.*\d){2})[0-9OoDQ@IlSB]{1,2}[/\\|:;,.]?[0-9OoDQIlSB]{2,3}[^0-9A-Za-z]*$|^\S{0,3}[/\\|]\S{0,2}\d\S{0,2}$/;
/** Cards print at most two dates; a few more pieces to re-read allow for a misfit or two. */
const MAX_DATE_REREADS = 4;

/** Geometry, in units of the height of the text concerned (the number's, a date's, a row's). */
const GEOMETRY = {
  /** Words on one row overlap vertically by at least this share of the smaller height… */
  rowOverlap: 0.5,
  /** …and are at most this many times taller or shorter than their neighbour. */
  rowHeightRatio: 2.5,
  /** A gap wider than this splits a row into separate segments (e.g. the holder's name and a network mark). */
  segmentGap: 2.5,
  /** Digit groups of one number are at most this far apart. */
  maxGroupGap: 4,
  /** The number band read again: this much margin around the run of groups. */
  bandMarginX: 2,
  bandMarginY: 0.35,
  /** A date's label ends at most this far left of it, or sits at most this far above it. */
  maxLabelGap: 3,
  maxLabelAbove: 1.5,
  /** The holder's name is printed larger than labels: segments under this share of the largest are not it. */
  minHolderHeight: 0.6,
  /** Text much taller than the number is artwork (chip, logo), not the bank's name. */
  maxBankHeight: 1.3,
} as const;

/** Glyph heights (px) at which the re-reads work best; crops are upscaled towards them, never downscaled. */
const TARGET_HEIGHT = { number: 44, date: 36, text: 36 } as const;

/** Below this, words above the number are more likely artwork read as letters than a bank's name. */
const MIN_BANK_CONFIDENCE = 0.5;
/** Fields with nothing to check them by (dates, holder, bank) never reach 0.9. */
const UNCHECKED_CAP = 0.89;
/** A holder or bank read with less confidence than this gets a second, closer look. */
const REREAD_BELOW = 0.85;

// ---------------------------------------------------------------------------------------------------------------
// The result

const FieldConfidence = Type.Number({ minimum: 0, maximum: 1 });

export const BankCardResultSchema = Type.Object({
  type: Type.Union([Type.Literal('Visa'), Type.Literal('MasterCard'), Type.Literal('Unrecognized')], {
    description: 'From the number prefix: 4 Visa; 51–55 and 2221–2720 MasterCard',
  }),
  card_number: Type.String({ description: 'Grouped in 4s from the left: "6225 7687 0000 8243"' }),
  issue_date: Type.String({ description: 'MM/YY, or "" when not printed' }),
  expiry_date: Type.String({ description: 'MM/YY' }),
  card_holder: Type.String({ description: 'The name line, in capitals' }),
  bank_name: Type.String({ description: 'As printed, or "" when not printed' }),
  confidence: Type.Object(
    {
      type: FieldConfidence,
      card_number: FieldConfidence,
      issue_date: FieldConfidence,
      expiry_date: FieldConfidence,
      card_holder: FieldConfidence,
      bank_name: FieldConfidence,
    },
    { description: '0..1 per field; 0 for an empty field' },
  ),
});

export type BankCardResult = Static<typeof BankCardResultSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Rows

interface Row {
  words: OcrWord[];
  bbox: BoundingBox;
  /** Median word height: the row's text size. */
  height: number;
  text: string;
  confidence: number;
}

const heightOf = (box: BoundingBox) => box.y1 - box.y0;
const round = (value: number) => Math.round(value * 1000) / 1000;
const meanOf = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const meanConfidence = (words: readonly OcrWord[]) => meanOf(words.map((w) => w.confidence));
const stripEdges = (text: string) => text.replace(/^[^A-Za-z0-9&]+|[^A-Za-z0-9.&]+$/g, '');

function union(boxes: readonly BoundingBox[]): BoundingBox {
  return {
    x0: Math.min(...boxes.map((b) => b.x0)),
    y0: Math.min(...boxes.map((b) => b.y0)),
    x1: Math.max(...boxes.map((b) => b.x1)),
    y1: Math.max(...boxes.map((b) => b.y1)),
  };
}

/**
 * The median of a read's symbol confidences: under a whitelist tesseract reports some words (those after a gap)
 * with a confidence near 0 although every symbol in them is sure.
 */
function symbolConfidence(words: readonly OcrWord[]): number {
  const symbols = words.flatMap((w) => w.symbols.map((s) => s.confidence));
  return symbols.length ? median(symbols) : meanConfidence(words);
}

function makeRow(words: OcrWord[]): Row {
  const sorted = [...words].sort((a, b) => a.bbox.x0 - b.bbox.x0 || a.bbox.y0 - b.bbox.y0);
  return {
    words: sorted,
    bbox: union(sorted.map((w) => w.bbox)),
    height: median(sorted.map((w) => heightOf(w.bbox))),
    text: sorted.map((w) => w.text).join(' '),
    confidence: meanConfidence(sorted),
  };
}

/**
 * A word's box without the specks a glyph touched: the median top and bottom of its symbols. On textured cards
 * one digit merged with a background stroke can double its word's height.
 */
function coreBox(word: OcrWord): BoundingBox {
  if (word.symbols.length < 3) return word.bbox;
  return { x0: word.bbox.x0, x1: word.bbox.x1, y0: median(word.symbols.map((s) => s.bbox.y0)), y1: median(word.symbols.map((s) => s.bbox.y1)) };
}

/**
 * Words regrouped into visual rows, top to bottom. Segmentation splits a card's rows into several lines or
 * blocks (the number's last group often lands in its own block), so lines are not trusted as rows. A word joins
 * the row whose nearest word to its left overlaps it vertically, so that a slightly tilted row stays one row.
 */
function toRows(lines: readonly OcrLine[]): Row[] {
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
      const similar = ratio < GEOMETRY.rowHeightRatio && ratio > 1 / GEOMETRY.rowHeightRatio;
      if (similar && shared >= GEOMETRY.rowOverlap && (!best || shared > best.overlap)) best = { group, overlap: shared };
    }
    if (best) best.group.push(word);
    else groups.push([word]);
  }
  return groups.map(makeRow).sort((a, b) => a.bbox.y0 - b.bbox.y0);
}

/** A row cut where the gap between words is wide: separate items that happen to share a baseline. */
function segments(row: Row): Row[] {
  const parts: OcrWord[][] = [];
  for (const word of row.words) {
    const last = parts.at(-1);
    const previous = last?.at(-1);
    if (last && previous && word.bbox.x0 - previous.bbox.x1 <= GEOMETRY.segmentGap * row.height) last.push(word);
    else parts.push([word]);
  }
  return parts.map(makeRow);
}

function toRegion(image: PreparedImage, box: BoundingBox): Region {
  const x0 = Math.max(0, box.x0);
  const y0 = Math.max(0, box.y0);
  const x1 = Math.min(image.width, box.x1);
  const y1 = Math.min(image.height, box.y1);
  return { left: x0 / image.width, top: y0 / image.height, width: Math.max(1, x1 - x0) / image.width, height: Math.max(1, y1 - y0) / image.height };
}

/** Upscaling towards a glyph height, within reason. */
const scaleFor = (target: number, height: number) => Math.min(3, Math.max(1, target / Math.max(1, height)));

// ---------------------------------------------------------------------------------------------------------------
// The number

/**
 * The digits of a word that reads as a digit group: mostly real digits, look-alike letters mapped to digits,
 * punctuation and a stray mark dropped ("5382,.6827", "e028"). Undefined for words that are not digit groups
 * (too many letters, or MRZ fillers: a machine-readable zone is never a card number, however many digits it has).
 */
function digitsOfWord(text: string): string | undefined {
  if (text.includes('<')) return undefined;
  const chars = [...text];
  const real = chars.filter((c) => /\d/.test(c)).length;
  const letters = chars.filter((c) => /[A-Za-z]/.test(c)).length;
  if (real === 0 || real < (real + letters) * 0.6 || letters > Math.max(1, 0.15 * chars.length)) return undefined;
  return chars.map((c) => (/\d/.test(c) ? c : (DIGIT_LOOKALIKES[c] ?? ''))).join('');
}

function readingOfWords(words: readonly OcrWord[]): DigitReading {
  let digits = '';
  const confidences: number[] = [];
  for (const word of words) {
    const symbols = word.symbols.length ? word.symbols : [{ text: word.text, confidence: word.confidence }];
    for (const symbol of symbols) {
      for (const char of symbol.text) {
        const digit = /\d/.test(char) ? char : DIGIT_LOOKALIKES[char];
        if (!digit) continue;
        digits += digit;
        // A look-alike letter is weaker evidence than a digit read as a digit.
        confidences.push(symbol.confidence * (digit === char ? 1 : 0.6));
      }
    }
  }
  return { digits, confidences };
}

interface NumberCandidate {
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
  const stacks: Row[][] = [];
  let stack: Row[] = [];
  for (const row of rows) {
    const group = groupOfRow(row);
    const previous = stack.at(-1);
    const fits =
      group !== undefined &&
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
        candidates.push({ row: makeRow(words), words, bbox, span: union(whole.map((r) => r.bbox)), reading: omitted ? { ...reading, weight: 0.5 } : reading, omitted, stacked: part });
      }
    }
  }
  return candidates;
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
    2 * (LENGTH_PRIOR[c.reading.digits.length] ?? 0) -
    2 * c.omitted +
    (luhnValid(c.reading.digits) ? 0.2 : 0) +
    lineHeight(c) / tallest +
    0.5 * meanOf(c.reading.confidences);
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
 * Groups as card numbers are printed (4-4-4-4, 4-4-4-4-3, 4-6-5, …): what a digit-whitelist read of a whole page
 * must show before a run counts as a number, since such a read turns any text into digits.
 */
function printedInGroups(candidate: NumberCandidate): boolean {
  const sizes = groupSizes(candidate.words);
  return sizes.length >= 3 && sizes.every((n) => n >= 3 && n <= 6) && sizes.filter((n) => n === 4).length >= 2;
}

interface FoundNumber {
  candidate: NumberCandidate;
  /** Found only by the whitelist read of the whole page: weaker evidence that the image is a card at all. */
  fromFallback: boolean;
}

async function findNumber(image: PreparedImage, engine: OcrEngine, rows: readonly Row[], lookHarder: boolean): Promise<FoundNumber | undefined> {
  const candidate = bestCandidate(numberCandidates(rows));
  if (candidate) return { candidate, fromFallback: false };
  if (!lookHarder) return undefined;
  // Nothing looked like a number: embossed digits sometimes only read under a digit whitelist.
  const page = await engine.recognize({ image: await image.page({ invert: 'auto' }), psm: PageSegmentation.sparse, whitelist: DIGITS });
  const fallback = bestCandidate(numberCandidates(toRows(page.lines)).filter(printedInGroups));
  return fallback ? { candidate: fallback, fromFallback: true } : undefined;
}

/** The number's run read again, alone and under a digit whitelist: a second, independent reading. */
async function readNumberBand(image: PreparedImage, engine: OcrEngine, candidate: NumberCandidate, binarize = true): Promise<DigitReading | undefined> {
  const h = Math.max(8, median(candidate.words.map((w) => heightOf(w.bbox))));
  const { span } = candidate;
  const marginX = candidate.stacked ? 0.6 : GEOMETRY.bandMarginX;
  const box = {
    x0: span.x0 - marginX * h,
    x1: span.x1 + marginX * h,
    y0: span.y0 - GEOMETRY.bandMarginY * h,
    y1: span.y1 + GEOMETRY.bandMarginY * h,
  };
  const result = await engine.recognize({
    image: await image.region(toRegion(image, box), { scale: scaleFor(TARGET_HEIGHT.number, h), invert: 'auto', binarize }),
    psm: candidate.stacked ? PageSegmentation.singleBlock : PageSegmentation.singleLine,
    whitelist: DIGITS,
  });
  const words = result.lines.flatMap((l) => l.words);
  return words.length ? readingOfWords(words) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Dates

const isDateWord = (word: OcrWord) => findDateTokens([{ text: word.text }]).length > 0;

/** Neighbouring words that may be pieces of one date: a digit or a slash, close together ("99 128" is "09/28"). */
function datePieces(row: Row): OcrWord[][] {
  const pieces: OcrWord[][] = [];
  let piece: OcrWord[] = [];
  for (const word of row.words) {
    const part = /[\d/\\|]/.test(word.text) && word.text.length <= 9;
    const previous = piece.at(-1);
    if (part && previous && word.bbox.x0 - previous.bbox.x1 <= heightOf(word.bbox)) {
      piece.push(word);
      continue;
    }
    if (piece.length) pieces.push(piece);
    piece = part ? [word] : [];
  }
  if (piece.length) pieces.push(piece);
  const text = (p: OcrWord[]) => p.map((w) => w.text).join(' ');
  return pieces.filter((p) => DATE_LIKE.test(text(p).replace(/\s+/g, '')) || /[/\\|]\s?\d/.test(text(p)));
}

/** One whitelist read of a date piece: its MM/YY (by the same month rules as the page read) and its confidence. */
async function readDatePiece(image: PreparedImage, engine: OcrEngine, bbox: BoundingBox, binarize: boolean): Promise<{ value?: string; confidence: number }> {
  const h = heightOf(bbox);
  const box = { x0: bbox.x0 - h * 0.4, x1: bbox.x1 + h * 0.4, y0: bbox.y0 - h * 0.3, y1: bbox.y1 + h * 0.3 };
  const result = await engine.recognize({
    image: await image.region(toRegion(image, box), { scale: scaleFor(TARGET_HEIGHT.date, h), invert: 'auto', binarize }),
    psm: PageSegmentation.singleLine,
    whitelist: `${DIGITS}/`,
  });
  const token = findDateTokens([{ text: result.text.replace(/\s+/g, '') }])[0];
  return { ...(token ? { value: token.value } : {}), confidence: symbolConfidence(result.lines.flatMap((l) => l.words)) };
}

/**
 * Whatever may be a date, read again with a digit-and-slash whitelist, to settle digits the page read got wrong
 * (even confidently: embossed 5 and 8, 0 and 6 fool it). When the page read and the re-read agree, or the page read held
 * no date, that settles it; when they disagree, a third read (binarised) decides by majority.
 */
async function rereadDates(image: PreparedImage, engine: OcrEngine, rows: readonly Row[], numberRow: Row): Promise<Row[]> {
  const pieces = rows
    .filter((r) => r !== numberRow)
    .flatMap(datePieces)
    .slice(0, MAX_DATE_REREADS);
  const replaced = new Map<OcrWord, OcrWord | undefined>();
  await Promise.all(
    pieces.map(async (words) => {
      const bbox = union(words.map((w) => w.bbox));
      const page = findDateTokens([{ text: words.map((w) => w.text).join(' ') }])[0]?.value;
      const grey = await readDatePiece(image, engine, bbox, false);
      let value = grey.value ?? page;
      let confidence = grey.value ? grey.confidence : symbolConfidence(words);
      if (page && grey.value && page !== grey.value) {
        const binary = await readDatePiece(image, engine, bbox, true);
        // Two of three agreeing wins; three different readings leave the page's.
        value = binary.value === grey.value ? grey.value : page;
        confidence = Math.min(grey.confidence, binary.confidence, symbolConfidence(words)) * 0.9;
      }
      const [first, ...rest] = words;
      if (!first || !value) return;
      replaced.set(first, { text: value, confidence, bbox, symbols: [] });
      for (const word of rest) replaced.set(word, undefined);
    }),
  );
  return rows.map((row) => makeRow(row.words.flatMap((w) => (replaced.has(w) ? [replaced.get(w)].filter((r): r is OcrWord => r !== undefined) : [w]))));
}

/**
 * How far a label word is from a date it may introduce, in units of the date's height, or undefined when it
 * cannot be its label: labels sit just left of the date (inline, or stacked in two small lines) or just above it.
 */
function labelDistance(label: BoundingBox, date: BoundingBox): number | undefined {
  const h = Math.max(1, heightOf(date));
  const centreY = (label.y0 + label.y1) / 2;
  // Stacked labels ("VALID" over "THRU") reach a little above and below the date.
  if (centreY >= date.y0 - 0.6 * h && centreY <= date.y1 + 0.6 * h && label.x1 <= date.x0 + 0.3 * h) {
    const gap = (date.x0 - label.x1) / h;
    return gap <= GEOMETRY.maxLabelGap ? gap : undefined;
  }
  if (label.y1 <= date.y0 + 0.3 * h && label.x0 < date.x1 + h && label.x1 > date.x0 - h) {
    const gap = (date.y0 - label.y1) / h;
    return gap <= GEOMETRY.maxLabelAbove ? gap : undefined;
  }
  return undefined;
}

/**
 * Each date on the card with the label words nearest to it, as one text line ("VALID THRU 05/27"), so that the
 * date picker sees labels beside their dates whatever the layout. `orphanLabel`: a date label was read whose
 * date was not.
 */
function dateLines(rows: readonly Row[], numberRow: Row): { lines: TextLine[]; orphanLabel: boolean } {
  const words = rows.filter((r) => r !== numberRow).flatMap((r) => r.words);
  const dates = words.filter(isDateWord);
  const labels = words.filter((w) => DATE_LABEL_WORD.test(stripEdges(w.text)));
  const owner = new Map<OcrWord, OcrWord>();
  for (const label of labels) {
    let best: { date: OcrWord; distance: number } | undefined;
    for (const date of dates) {
      const distance = labelDistance(label.bbox, date.bbox);
      // A label never reaches past one date to the next.
      const blocked = dates.some(
        (other) => other !== date && other.bbox.x0 >= label.bbox.x1 && other.bbox.x1 <= date.bbox.x0 && labelDistance(label.bbox, other.bbox) !== undefined,
      );
      if (distance !== undefined && !blocked && (!best || distance < best.distance)) best = { date, distance };
    }
    if (best) owner.set(label, best.date);
  }
  const readingOrder = (a: OcrWord, b: OcrWord) => (Math.abs(a.bbox.y0 - b.bbox.y0) < 0.5 * heightOf(a.bbox) ? a.bbox.x0 - b.bbox.x0 : a.bbox.y0 - b.bbox.y0);
  const lines = [...dates].sort(readingOrder).map((date) => ({
    text: [...labels.filter((l) => owner.get(l) === date).sort(readingOrder), date].map((w) => w.text).join(' '),
    confidence: date.confidence,
  }));
  const orphans = labels
    .filter((l) => !owner.has(l))
    .map((l) => l.text)
    .join(' ');
  return { lines, orphanLabel: DATE_LABELS.expiry.test(orphans) || DATE_LABELS.issue.test(orphans) };
}

/**
 * When the page read found no expiry, or a label without its date: everything below the number, read with a
 * digit-and-slash whitelist, upscaled for print about half the number's size. Labels are lost this way.
 */
async function readDateZone(image: PreparedImage, engine: OcrEngine, numberRow: Row): Promise<TextLine[]> {
  const top = numberRow.bbox.y1 + numberRow.height * 0.1;
  if (top >= image.height - 4) return [];
  const result = await engine.recognize({
    image: await image.region(toRegion(image, { x0: 0, x1: image.width, y0: top, y1: image.height }), {
      scale: scaleFor(TARGET_HEIGHT.date, numberRow.height * 0.5),
      invert: 'auto',
      binarize: true,
    }),
    psm: PageSegmentation.sparse,
    whitelist: `${DIGITS}/`,
  });
  return toRows(result.lines).map((r) => ({ text: r.text, confidence: symbolConfidence(r.words) }));
}

/** What the page read found stands; another read only fills what is missing, in time order. */
function fillMissingDates(found: CardDates, extra: CardDates): CardDates {
  const expiry = found.expiry_date ?? extra.expiry_date;
  const extraIssue = extra.issue_date && (!expiry || chronological(extra.issue_date.value) < chronological(expiry.value)) ? extra.issue_date : undefined;
  const issue = found.issue_date ?? extraIssue;
  return { ...(issue ? { issue_date: issue } : {}), ...(expiry ? { expiry_date: expiry } : {}) };
}

async function findDates(image: PreparedImage, engine: OcrEngine, rows: readonly Row[], numberRow: Row): Promise<CardDates> {
  const { lines, orphanLabel } = dateLines(rows, numberRow);
  const dates = pickCardDates(lines);
  if (dates.expiry_date && !orphanLabel) return dates;
  return fillMissingDates(dates, pickCardDates([...lines, ...(await readDateZone(image, engine, numberRow))]));
}

// ---------------------------------------------------------------------------------------------------------------
// Holder and bank

interface TextField {
  text: string;
  confidence: number;
  /** Where it was read, for a second look. */
  bbox: BoundingBox;
}

const isMark = (text: string) => NETWORK_WORD.test(text) || TIER_WORD.test(text);

/**
 * A name word in capitals: letters (mostly capitals, as names are embossed or printed so), with inner
 * apostrophes, hyphens and dots; a digit among letters is a misread capital.
 */
function nameWord(text: string): string | undefined {
  const word = stripEdges(text);
  const letters = word.replace(/[^A-Za-z]/g, '');
  if (letters.length === 0 || letters.length < word.replace(/[^A-Za-z0-9]/g, '').length * 0.6) return undefined;
  const mapped = [...word].map((c) => LETTER_LOOKALIKES[c] ?? c).join('');
  if (!/^[A-Za-z][A-Za-z'.-]*$/.test(mapped)) return undefined;
  const capitals = mapped.replace(/[^A-Z]/g, '').length;
  if (capitals < mapped.replace(/[^A-Za-z]/g, '').length * 0.7) return undefined;
  return mapped.toUpperCase();
}

/**
 * Which of a segment's words make the holder's name: specks and marks at either end (a stray glyph, the network's
 * name) are dropped; what is left must be two or more name words, none of them a label.
 */
function nameSpan(texts: readonly string[]): { start: number; end: number } | undefined {
  let start = 0;
  let end = texts.length;
  const dropped = (text: string | undefined) => text === undefined || nameWord(text) === undefined || isMark(stripEdges(text));
  while (start < end && dropped(texts[start])) start++;
  while (end > start && dropped(texts[end - 1])) end--;
  const kept = texts.slice(start, end);
  if (kept.length < 2 || kept.some((t) => nameWord(t) === undefined || LABEL_WORD.test(stripEdges(t)))) return undefined;
  if (kept.join('').replace(/[^A-Za-z]/g, '').length < 4) return undefined;
  return { start, end };
}

function acceptName(text: string): string | undefined {
  const texts = text.split(/\s+/).filter(Boolean);
  const span = nameSpan(texts);
  return span ? texts.slice(span.start, span.end).map((t) => nameWord(t)).join(' ') : undefined;
}

/**
 * The holder: the nearest segment below the number made of capitalised name words, among the largest such print
 * (smaller print below the number is labels and fine print, however it reads).
 */
function findHolder(rows: readonly Row[], numberRow: Row): TextField | undefined {
  const found: TextField[] = [];
  for (const row of rows.filter((r) => r.bbox.y0 >= numberRow.bbox.y1 - numberRow.height * 0.2)) {
    for (const segment of segments(row)) {
      // Digit groups make it the dates row (a digit inside a name is a misread letter).
      if (segment.words.some((w) => digitsOfWord(w.text) !== undefined)) continue;
      const span = nameSpan(segment.words.map((w) => w.text));
      if (!span) continue;
      const name = segment.words.slice(span.start, span.end);
      found.push({ text: name.map((w) => nameWord(w.text)).join(' '), confidence: meanConfidence(name), bbox: union(name.map((w) => w.bbox)) });
    }
  }
  const largest = Math.max(...found.map((f) => heightOf(f.bbox)));
  return found.find((f) => heightOf(f.bbox) >= GEOMETRY.minHolderHeight * largest);
}

/** A bank-name word as printed: letters, `&`, inner dots, apostrophes, hyphens; a word of capitals stays capitals. */
function bankWord(text: string): string | undefined {
  const word = stripEdges(text);
  if (word === '&') return word;
  if (!/^[A-Za-z][A-Za-z'.-]+$/.test(word)) return undefined;
  // A capital misread as lower case in a word of capitals ("QUORvA").
  const letters = word.replace(/[^A-Za-z]/g, '');
  const capitals = letters.replace(/[^A-Z]/g, '').length;
  return letters.length >= 3 && capitals < letters.length && capitals >= 0.7 * letters.length ? word.toUpperCase() : word;
}

/** Words that can be a bank's name: all bank words, not only network or tier marks, four letters at least. */
function acceptBankName(text: string): string | undefined {
  const words = text.split(/\s+/).filter(Boolean).map(bankWord);
  if (words.length === 0 || words.some((w) => w === undefined) || words.every((w) => isMark(w ?? ''))) return undefined;
  const name = words.join(' ');
  return name.replace(/[^A-Za-z]/g, '').length >= 4 ? name : undefined;
}

/** The bank: a text segment above the number, not artwork, not only marks; one naming an institution first. */
function findBank(rows: readonly Row[], numberRow: Row): TextField | undefined {
  const found: TextField[] = [];
  for (const row of rows.filter((r) => r.bbox.y1 <= numberRow.bbox.y0 + numberRow.height * 0.2)) {
    if (row.height > GEOMETRY.maxBankHeight * numberRow.height) continue;
    for (const segment of segments(row)) {
      const text = acceptBankName(segment.text);
      const confidence = meanConfidence(segment.words);
      if (text && confidence >= MIN_BANK_CONFIDENCE) found.push({ text, confidence, bbox: segment.bbox });
    }
  }
  return found.find((f) => BANK_WORD.test(f.text)) ?? found[0];
}

/**
 * A second, closer look at a text field the page read was unsure of: its segment alone, upscaled, in grey (the
 * page's binarisation can eat thin strokes), as one line. The more confident reading wins.
 */
async function rereadText(
  image: PreparedImage,
  engine: OcrEngine,
  field: TextField | undefined,
  accept: (text: string) => string | undefined,
  whitelist?: string,
): Promise<TextField | undefined> {
  if (!field || field.confidence >= REREAD_BELOW) return field;
  const { bbox } = field;
  const h = heightOf(bbox);
  const result = await engine.recognize({
    image: await image.region(toRegion(image, { x0: bbox.x0 - h, x1: bbox.x1 + h, y0: bbox.y0 - 0.4 * h, y1: bbox.y1 + 0.4 * h }), {
      scale: scaleFor(TARGET_HEIGHT.text, h),
      invert: 'auto',
    }),
    psm: PageSegmentation.singleLine,
    ...(whitelist ? { whitelist } : {}),
  });
  const words = result.lines.flatMap((l) => l.words);
  const text = accept(words.map((w) => w.text).join(' '));
  const confidence = meanConfidence(words);
  return text && confidence > field.confidence ? { text, confidence, bbox } : field;
}

// ---------------------------------------------------------------------------------------------------------------

interface PageReading {
  image: PreparedImage;
  rows: Row[];
  found: FoundNumber | undefined;
}

/** One page read of a card: its rows, and the number found on them (looking harder only when `lookHarder`). */
async function readPage(image: PreparedImage, engine: OcrEngine, lookHarder: boolean): Promise<PageReading> {
  const page = await engine.recognize({ image: await image.page({ invert: 'auto', binarize: true }), psm: PageSegmentation.sparse });
  const rows = toRows(page.lines);
  return { image, rows, found: await findNumber(image, engine, rows, lookHarder) };
}

/**
 * The card's page read, upright: when the page as sent shows no number, it is read again turned (a quarter turn
 * either way, or half), and the first turn that shows one is taken. Only a page with no number anywhere costs
 * the extra reads.
 */
async function readUpright(image: PreparedImage, engine: OcrEngine): Promise<PageReading> {
  const first = await readPage(image, engine, false);
  if (first.found) return first;
  // A card photographed at a slant: its print levelled by the angle the blobs show.
  const levelled = await straightened(image);
  if (levelled !== image) {
    const level = await readPage(levelled, engine, false);
    if (level.found) return level;
  }
  for (const turns of turnsToTry(image)) {
    const turned = await readPage(await turnedPage(image, turns), engine, false);
    if (turned.found) return turned;
  }
  return readPage(image, engine, true);
}

async function recognizeBankCard({ image: sent, engine }: RecognitionInput): Promise<BankCardResult> {
  const { image, rows: pageRows, found } = await readUpright(sent, engine);
  if (!found) return withoutNumber(image, engine, pageRows);
  const { candidate } = found;
  // A number printed over several lines counts as one row: the rows it spans give way to it.
  const numberRow = candidate.row;
  const cardRows = candidate.stacked
    ? [...pageRows.filter((r) => !candidate.stacked?.includes(r)), numberRow].sort((a, b) => a.bbox.y0 - b.bbox.y0)
    : pageRows;

  const [band, rows] = await Promise.all([readNumberBand(image, engine, candidate), rereadDates(image, engine, cardRows, numberRow)]);
  let number = chooseCardNumber([candidate.reading, ...(band ? [band] : [])]);
  if (!number.luhnValid) {
    // Failing Luhn may be what is printed, or both reads may share a misreading of the binarised band (embossed
    // 5 as 3): a third reading, in grey, may settle it among the digits actually read.
    const grey = await readNumberBand(image, engine, candidate, false);
    if (grey) number = chooseCardNumber([candidate.reading, ...(band ? [band] : []), grey]);
  }
  const dates = await findDates(image, engine, rows, numberRow);
  // A card front shows a number and an expiry date. A number found only by the whitelist page read (which turns
  // any text into digits), failing Luhn, with no expiry date: no evidence that this is a card at all.
  if (!number.digits || (found.fromFallback && !number.luhnValid && !dates.expiry_date)) throw ApiError.of('AIS.0104');

  const [holder, bank] = await Promise.all([
    rereadText(image, engine, findHolder(rows, numberRow), acceptName, NAME_WHITELIST),
    rereadText(image, engine, findBank(rows, numberRow), acceptBankName),
  ]);

  // Text without a check of its own has the OCR's confidence, capped below certainty (0.9): only a number whose
  // check digit holds and whose readings agree is reported sure. An empty field has 0.
  const textConfidence = (field: TextField | undefined) => round(field ? Math.min(UNCHECKED_CAP, field.confidence) : 0);
  return {
    type: cardTypeOf(number.digits),
    card_number: groupInFours(number.digits),
    issue_date: dates.issue_date?.value ?? '',
    expiry_date: dates.expiry_date?.value ?? '',
    card_holder: holder?.text ?? '',
    bank_name: bank?.text ?? '',
    confidence: {
      type: number.confidence,
      card_number: number.confidence,
      issue_date: dates.issue_date?.confidence ?? 0,
      expiry_date: dates.expiry_date?.confidence ?? 0,
      card_holder: textConfidence(holder),
      bank_name: textConfidence(bank),
    } satisfies Record<BankCardField, number>,
  };
}

/**
 * A card whose number could not be read at all (a typeface the engine does not know): what else it shows is
 * still returned, anchored on an expiry date (labelled, or with the holder's name under it), with an empty number. Without one, nothing says the image
 * is a card: AIS.0104.
 */
async function withoutNumber(image: PreparedImage, engine: OcrEngine, rows: readonly Row[]): Promise<BankCardResult> {
  // A date with its expiry label beside or above it, or with a holder's name below it: the marks of a card front.
  const labelled = rows.find(
    (row, i) => row.words.some(isDateWord) && (DATE_LABELS.expiry.test(`${rows[i - 1]?.text ?? ''} ${row.text}`) || findHolder(rows, row) !== undefined),
  );
  if (!labelled) throw ApiError.of('AIS.0104');
  const reread = await rereadDates(image, engine, rows, labelled);
  const dates = pickCardDates(dateLines(reread, { ...labelled, words: [] }).lines);
  if (!dates.expiry_date) throw ApiError.of('AIS.0104');
  const [holder, bank] = await Promise.all([
    rereadText(image, engine, findHolder(rows, labelled), acceptName, NAME_WHITELIST),
    rereadText(image, engine, findBank(rows, labelled), acceptBankName),
  ]);
  const textConfidence = (field: TextField | undefined) => round(field ? Math.min(UNCHECKED_CAP, field.confidence) : 0);
  return {
    type: 'Unrecognized',
    card_number: '',
    issue_date: dates.issue_date?.value ?? '',
    expiry_date: dates.expiry_date.value,
    card_holder: holder?.text ?? '',
    bank_name: bank?.text ?? '',
    confidence: {
      type: 0,
      card_number: 0,
      issue_date: dates.issue_date?.confidence ?? 0,
      expiry_date: dates.expiry_date.confidence,
      card_holder: textConfidence(holder),
      bank_name: textConfidence(bank),
    } satisfies Record<BankCardField, number>,
  };
}

export const bankcard: DocumentType<BankCardResult> = {
  api: 'bankcard',
  title: 'bankcard',
  limits: { maxSide: 8192, formats: FORMATS },
  requestFields: {},
  resultSchema: BankCardResultSchema,
  recognize: recognizeBankCard,
};
