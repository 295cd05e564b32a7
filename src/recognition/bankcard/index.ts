/**
 * Bank card fronts: the fields they answer with, and the order of reading. One page read (binarised, sparse text)
 * gives every word with its box; the words are regrouped into visual rows. The number (number.ts) is the row's
 * run of digit groups of a card number's length, read again alone with a digit whitelist, read once more by its
 * glyphs' shapes (toolkit/glyph-shapes.ts), and chosen from these readings by the Luhn check (card-number.ts); the
 * type follows from its prefix. Dates (dates.ts, mm-yy.ts), holder and bank
 * (holder-and-bank.ts) are found relative to the number and by what they look like, never by fixed coordinates,
 * so that cards of any design read.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ApiError } from '../../errors/catalogue.js';
import type { ImageFormat } from '../../image/intake.js';
import type { PreparedImage } from '../../image/prepare.js';
import { PageSegmentation, type OcrEngine } from '../../ocr/engine.js';
import type { DocumentType, RecognitionInput } from '../document.js';
import { rounded } from '../toolkit/confidence.js';
import { straightened, turnedPage, turnsToTry } from '../toolkit/orientation.js';
import { toRows, type Row } from '../toolkit/text-lines.js';
import { cardTypeOf, chooseCardNumber, groupInFours, type ChosenNumber } from './card-number.js';
import { dateLines, findDates, isDateWord, rereadDates } from './dates.js';
import { findHolder, readHolderAndBank, type TextField } from './holder-and-bank.js';
import { DATE_LABELS, pickCardDates, type CardDates } from './mm-yy.js';
import { findNumber, readNumberBand, readNumberShapes, type FoundNumber } from './number.js';

export const BANK_CARD_FIELDS = ['type', 'card_number', 'issue_date', 'expiry_date', 'card_holder', 'bank_name'] as const;
type BankCardField = (typeof BANK_CARD_FIELDS)[number];

/** The contract lists JPG, PNG, BMP and TIFF for bank cards (JPEG and JPG are one format to the intake). */
const FORMATS: readonly ImageFormat[] = ['jpg', 'png', 'bmp', 'tiff'];

/** Fields with nothing to check them by (dates, holder, bank) never reach 0.9. */
const UNCHECKED_CAP = 0.89;

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

interface PageReading {
  image: PreparedImage;
  rows: Row[];
  found: FoundNumber | undefined;
}

/** One page read of a card: its rows, and the number found on them (looking harder only when `lookHarder`). */
async function readPage(image: PreparedImage, engine: OcrEngine, lookHarder: boolean, lookalikes = lookHarder): Promise<PageReading> {
  const page = await engine.recognize({ image: await image.page({ invert: 'auto', binarize: true }), psm: PageSegmentation.sparse });
  const rows = toRows(page.lines);
  return { image, rows, found: await findNumber(image, engine, rows, lookHarder, lookalikes) };
}

/**
 * The card's page read, upright: when the page as sent shows no number, it is read again turned (a quarter turn
 * either way, or half), and the first turn that shows one is taken. Only a page with no number anywhere costs
 * the extra reads.
 */
async function readUpright(image: PreparedImage, engine: OcrEngine): Promise<PageReading> {
  // Rows shaped like a number are read again on the page as sent (and the last look), not on every turn tried.
  const first = await readPage(image, engine, false, true);
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
  const cardRows = candidate.stacked ? [...pageRows.filter((r) => !candidate.stacked?.includes(r)), numberRow].sort((a, b) => a.bbox.y0 - b.bbox.y0) : pageRows;

  // Readings taken while finding the number already weighed its glyphs' shapes; else they are read here: a reading
  // independent of the engine's model, for faces it misreads.
  const shapes = found.readings ? undefined : readNumberShapes(image, candidate);
  const [engineReadings, rows] = await Promise.all([
    found.readings ?? readNumberBand(image, engine, candidate).then((reading) => [candidate.reading, ...(reading ? [reading] : [])]),
    rereadDates(image, engine, cardRows, numberRow),
  ]);
  const band = shapes ? [...engineReadings, shapes] : engineReadings;
  let number = chooseCardNumber(band);
  if (!number.luhnValid && !found.readings) {
    // Failing Luhn may be what is printed, or both reads may share a misreading of the binarised band (embossed
    // 5 as 3): a third reading, in grey, may settle it among the digits actually read.
    const grey = await readNumberBand(image, engine, candidate, false);
    if (grey) number = chooseCardNumber([...band, grey]);
  }
  const dates = await findDates(image, engine, rows, numberRow);
  // A card front shows a number and an expiry date. A number found only by the whitelist page read (which turns
  // any text into digits), failing Luhn, with no expiry date: no evidence that this is a card at all.
  if (!number.digits || (found.fromFallback && !number.luhnValid && !dates.expiry_date)) throw ApiError.of('AIS.0104');

  return result(number, dates, await readHolderAndBank(image, engine, rows, numberRow));
}

/**
 * A card whose number could not be read at all (a typeface the engine does not know): what else it shows is
 * still returned, anchored on an expiry date (labelled, or with the holder's name under it), with an empty number. Without one, nothing says the image
 * is a card: AIS.0104.
 */
async function withoutNumber(image: PreparedImage, engine: OcrEngine, rows: readonly Row[]): Promise<BankCardResult> {
  // A date with its expiry label beside or above it, or with a holder's name below it: the marks of a card front.
  const labelled = rows.find((row, i) => row.words.some(isDateWord) && (DATE_LABELS.expiry.test(`${rows[i - 1]?.text ?? ''} ${row.text}`) || findHolder(rows, row) !== undefined));
  if (!labelled) throw ApiError.of('AIS.0104');
  const reread = await rereadDates(image, engine, rows, labelled);
  const dates = pickCardDates(dateLines(reread, { ...labelled, words: [] }).lines);
  if (!dates.expiry_date) throw ApiError.of('AIS.0104');
  return result(undefined, dates, await readHolderAndBank(image, engine, rows, labelled));
}

/**
 * The result: the number's confidence is its own (Luhn and agreeing readings); text without a check of its own
 * has the OCR's confidence, capped below certainty (0.9). An empty field has 0.
 */
function result(number: ChosenNumber | undefined, dates: CardDates, { holder, bank }: { holder?: TextField; bank?: TextField }): BankCardResult {
  const textConfidence = (field: TextField | undefined) => rounded(field ? Math.min(UNCHECKED_CAP, field.confidence) : 0);
  return {
    type: number ? cardTypeOf(number.digits) : 'Unrecognized',
    card_number: number ? groupInFours(number.digits) : '',
    issue_date: dates.issue_date?.value ?? '',
    expiry_date: dates.expiry_date?.value ?? '',
    card_holder: holder?.text ?? '',
    bank_name: bank?.text ?? '',
    confidence: {
      type: number?.confidence ?? 0,
      card_number: number?.confidence ?? 0,
      issue_date: dates.issue_date?.confidence ?? 0,
      expiry_date: dates.expiry_date?.confidence ?? 0,
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
