/**
 * The holder's name and the bank's, found relative to the number (the holder below it, the bank above it) and by
 * what they look like, and read again closer when the page read was unsure of them.
 */
import type { PreparedImage } from '../../image/prepare.js';
import { PageSegmentation, type BoundingBox, type OcrEngine } from '../../ocr/engine.js';
import { union } from '../geometry.js';
import { LETTER_LOOKALIKES } from '../toolkit/characters.js';
import { reread, scaleFor } from '../toolkit/crop.js';
import { heightOf, meanConfidence, segments, stripEdges, type Row } from '../toolkit/text-lines.js';
import { digitsOfWord } from './number.js';

/** Network marks, printed on cards but neither the bank nor the holder. */
const NETWORK_WORD = /^(VISA|MASTERCARD|MASTER|MAESTRO|CIRRUS|AMEX|AMERICAN|EXPRESS|DISCOVER|JCB|UNIONPAY|DINERS|CLUB|ELECTRON|\w*PAY)$/i;
/** Product tiers, likewise. */
const TIER_WORD =
  /^(PLATINUM|GOLD|SILVER|CLASSIC|STANDARD|WORLD|ELITE|SIGNATURE|INFINITE|BUSINESS|CORPORATE|DEBIT|CREDIT|PREPAID|TITANIUM|PREMIER|REWARDS|ELECTRONIC|INTERNATIONAL|CONTACTLESS|PLUS|CARD)$/i;
/** Small print that labels a field: never part of a name. */
const LABEL_WORD = /^(VALID|THRU|THROUGH|FROM|GOOD|EXPIRES?|EXPIRY|EXP|END|DATE|MEMBER|SINCE|UNTIL|MONTH|YEAR|CARDHOLDER|HOLDER|NAME|SIGNATURE|AUTHORIZED)$/i;
/** A word that names an institution: of several lines above the number, the bank's is the one that has it. */
const BANK_WORD = /\b(BANK|BANCO|BANQUE|FINANCE|FINANCIAL|TRUST|SAVINGS|CREDIT\s+UNION|CAPITAL)\b/i;
/** Names are printed in capitals; their re-read may return nothing else. */
const NAME_WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ .'-";

/** In units of the number's height (or the largest name's). */
const GEOMETRY = {
  /** The holder's name is printed larger than labels: segments under this share of the largest are not it. */
  minHolderHeight: 0.6,
  /** Text much taller than the number is artwork (chip, logo), not the bank's name. */
  maxBankHeight: 1.3,
} as const;

/** Glyph height (px) at which text re-reads work best. */
const TARGET_HEIGHT = 36;
/** Below this, words above the number are more likely artwork read as letters than a bank's name. */
const MIN_BANK_CONFIDENCE = 0.5;
/** A holder or bank read with less confidence than this gets a second, closer look. */
const REREAD_BELOW = 0.85;

export interface TextField {
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
  return span
    ? texts
        .slice(span.start, span.end)
        .map((t) => nameWord(t))
        .join(' ')
    : undefined;
}

/**
 * The holder: the nearest segment below the number made of capitalised name words, among the largest such print
 * (smaller print below the number is labels and fine print, however it reads).
 */
export function findHolder(rows: readonly Row[], numberRow: Row): TextField | undefined {
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
  const result = await reread(image, engine, bbox, { padX: h, padY: 0.4 * h, scale: scaleFor(TARGET_HEIGHT, h), invert: 'auto', psm: PageSegmentation.singleLine, whitelist });
  const words = result.lines.flatMap((l) => l.words);
  const text = accept(words.map((w) => w.text).join(' '));
  const confidence = meanConfidence(words);
  return text && confidence > field.confidence ? { text, confidence, bbox } : field;
}

/** The holder below the anchor row (the number's, or a date's) and the bank above it, each read closer if unsure. */
export async function readHolderAndBank(image: PreparedImage, engine: OcrEngine, rows: readonly Row[], anchor: Row): Promise<{ holder?: TextField; bank?: TextField }> {
  const [holder, bank] = await Promise.all([
    rereadText(image, engine, findHolder(rows, anchor), acceptName, NAME_WHITELIST),
    rereadText(image, engine, findBank(rows, anchor), acceptBankName),
  ]);
  return { ...(holder ? { holder } : {}), ...(bank ? { bank } : {}) };
}
