/**
 * The card's dates where they are printed: pieces that may be dates (even garbled) read again with a digit-and-
 * slash whitelist, each date paired with the label words nearest it, and, failing an expiry, the zone under the
 * number read as a whole. Which date is which is mm-yy.ts's.
 */
import type { PreparedImage } from '../../image/prepare.js';
import { PageSegmentation, type BoundingBox, type OcrEngine, type OcrWord } from '../../ocr/engine.js';
import { union } from '../geometry.js';
import { DIGITS } from '../toolkit/characters.js';
import { reread, scaleFor } from '../toolkit/crop.js';
import { heightOf, makeRow, stripEdges, symbolConfidence, toRows, type Row } from '../toolkit/text-lines.js';
import { chronological, DATE_LABELS, findDateTokens, pickCardDates, type CardDates, type TextLine } from './mm-yy.js';

/** One word of a date label: "VALID THRU", "EXPIRES END", "MEMBER SINCE", stacked or inline. */
const DATE_LABEL_WORD = /^(VALID|THRU|THROUGH|FROM|GOOD|EXPIRES?|EXPIRY|EXP|END|UNTIL|TILL|MEMBER|SINCE|ISSUED?|DATE)$/i;

/**
 * Text that may be a date the page read garbled: a few digits (or look-alikes) around an optional separator,
 * e.g. "12:19", "3/27", "81/24", "07724" (the slash read as 7), "§§/26".
 */
const DATE_LIKE = /^[^0-9A-Za-z@]*(?=(?:.*\d){2})[0-9OoDQ@IlSB]{1,2}[/\\|:;,.]?[0-9OoDQIlSB]{2,3}[^0-9A-Za-z]*$|^\S{0,3}[/\\|]\S{0,2}\d\S{0,2}$/;
/** Cards print at most two dates; a few more pieces to re-read allow for a misfit or two. */
const MAX_DATE_REREADS = 4;

/** A date's label ends at most this far left of it, or sits at most this far above it (in the date's heights). */
const LABEL_REACH = { left: 3, above: 1.5 } as const;

/** Glyph height (px) at which date re-reads work best; crops are upscaled towards it, never downscaled. */
const TARGET_HEIGHT = 36;

export const isDateWord = (word: OcrWord) => findDateTokens([{ text: word.text }]).length > 0;

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
  const result = await reread(image, engine, box, { scale: scaleFor(TARGET_HEIGHT, h), invert: 'auto', binarize, psm: PageSegmentation.singleLine, whitelist: `${DIGITS}/` });
  const token = findDateTokens([{ text: result.text.replace(/\s+/g, '') }])[0];
  return { ...(token ? { value: token.value } : {}), confidence: symbolConfidence(result.lines.flatMap((l) => l.words)) };
}

/**
 * Whatever may be a date, read again with a digit-and-slash whitelist, to settle digits the page read got wrong
 * (even confidently: embossed 5 and 8, 0 and 6 fool it). When the page read and the re-read agree, or the page read held
 * no date, that settles it; when they disagree, a third read (binarised) decides by majority.
 */
export async function rereadDates(image: PreparedImage, engine: OcrEngine, rows: readonly Row[], numberRow: Row): Promise<Row[]> {
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
    return gap <= LABEL_REACH.left ? gap : undefined;
  }
  if (label.y1 <= date.y0 + 0.3 * h && label.x0 < date.x1 + h && label.x1 > date.x0 - h) {
    const gap = (date.y0 - label.y1) / h;
    return gap <= LABEL_REACH.above ? gap : undefined;
  }
  return undefined;
}

/**
 * Each date on the card with the label words nearest to it, as one text line ("VALID THRU 05/27"), so that the
 * date picker sees labels beside their dates whatever the layout. `orphanLabel`: a date label was read whose
 * date was not.
 */
export function dateLines(rows: readonly Row[], numberRow: Row): { lines: TextLine[]; orphanLabel: boolean } {
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
  const result = await reread(
    image,
    engine,
    { x0: 0, x1: image.width, y0: top, y1: image.height },
    {
      scale: scaleFor(TARGET_HEIGHT, numberRow.height * 0.5),
      invert: 'auto',
      binarize: true,
      psm: PageSegmentation.sparse,
      whitelist: `${DIGITS}/`,
    },
  );
  return toRows(result.lines).map((r) => ({ text: r.text, confidence: symbolConfidence(r.words) }));
}

/** What the page read found stands; another read only fills what is missing, in time order. */
function fillMissingDates(found: CardDates, extra: CardDates): CardDates {
  const expiry = found.expiry_date ?? extra.expiry_date;
  const extraIssue = extra.issue_date && (!expiry || chronological(extra.issue_date.value) < chronological(expiry.value)) ? extra.issue_date : undefined;
  const issue = found.issue_date ?? extraIssue;
  return { ...(issue ? { issue_date: issue } : {}), ...(expiry ? { expiry_date: expiry } : {}) };
}

export async function findDates(image: PreparedImage, engine: OcrEngine, rows: readonly Row[], numberRow: Row): Promise<CardDates> {
  const { lines, orphanLabel } = dateLines(rows, numberRow);
  const dates = pickCardDates(lines);
  if (dates.expiry_date && !orphanLabel) return dates;
  return fillMissingDates(dates, pickCardDates([...lines, ...(await readDateZone(image, engine, numberRow))]));
}
