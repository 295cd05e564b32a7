/**
 * Emirates ID card, front and back: the fields each side answers with, and how a page is turned upright and its
 * side told. Fields are found by what they look like and by their labels (labels.ts), never by where one
 * particular layout prints them:
 * - the back (back.ts) carries a TD1 MRZ (`IL` + `ARE` + card number + the 15-digit ID number), read and corrected
 *   by its check digits as for passports, with the ID number's own Luhn digit as an extra check;
 * - the front (front.ts) carries the ID number (id-number.ts: 784-YYYY-NNNNNNN-C, Luhn-checked) anywhere on the
 *   card, and labelled fields in English and Arabic (arabic.ts); the Arabic name is checked against the spellings
 *   the English name allows (arabic-name.ts).
 * See docs/recognition.md, "Emirates ID card".
 */
import { Type, type TOptional, type TString } from '@sinclair/typebox';
import { ApiError } from '../../errors/catalogue.js';
import { ALL_FORMATS } from '../../image/intake.js';
import type { PreparedImage, Region } from '../../image/prepare.js';
import { PageSegmentation, type OcrLine, type OcrResult } from '../../ocr/engine.js';
import type { Confidence, DocumentType, RecognitionInput } from '../document.js';
import { union } from '../geometry.js';
import { regionOf } from '../toolkit/crop.js';
import { straightened } from '../toolkit/orientation.js';
import { estimateSkew } from '../toolkit/page-skew.js';
import { locateTd1, recognizeBack } from './back.js';
import { recognizeFront } from './front.js';
import { detectSide, gatherEvidence, showsSide, type Side, type SideEvidence } from './side.js';

export type { Side } from './side.js';

/** Table 3-11 of the reference, in its order, plus `laser_number` from the back example. */
export const EMIRATES_ID_FIELDS = [
  'side',
  'id_number',
  'name_arabic',
  'name',
  'nationality_arabic',
  'nationality',
  'sex',
  'date_of_birth',
  'expiry_date',
  'card_number',
  'country_code',
  'machinecode1',
  'machinecode2',
  'machinecode3',
  'laser_number',
] as const;
export type Field = (typeof EMIRATES_ID_FIELDS)[number];

/**
 * The fields a result carries for each side, as the reference's examples do: a front answers with the front's
 * fields, a back with the back's, each with its confidence (0 and `""` when the side shows it but it was not read).
 */
export const SIDE_FIELDS: Readonly<Record<Side, readonly Exclude<Field, 'side'>[]>> = {
  front: ['id_number', 'name_arabic', 'name', 'nationality_arabic', 'nationality', 'sex', 'date_of_birth', 'expiry_date'],
  back: ['id_number', 'name', 'nationality', 'sex', 'date_of_birth', 'expiry_date', 'card_number', 'country_code', 'machinecode1', 'machinecode2', 'machinecode3', 'laser_number'],
};

export const EmiratesIdResultSchema = Type.Object({
  side: Type.Union([Type.Literal('front'), Type.Literal('back')]),
  ...(Object.fromEntries(EMIRATES_ID_FIELDS.filter((f) => f !== 'side').map((f) => [f, Type.Optional(Type.String())])) as Record<Exclude<Field, 'side'>, TOptional<TString>>),
  confidence: Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 })),
});

export type EmiratesIdResult = Partial<Record<Exclude<Field, 'side'>, string>> & { side: Side; confidence: Confidence };

/** What one side's reader found: values and their confidences, by field. */
export interface Values {
  values: Partial<Record<Field, string>>;
  confidence: Partial<Record<Field, number>>;
}

/** A slant of a degree already costs the ID card's small print; the page is levelled from there. */
const LEVEL_FROM = 1;

const round = (value: number) => Math.round(value * 1000) / 1000;

/** The side the request names; `""` (or none) asks for automatic detection. */
function requestedSide(options: Record<string, unknown>): Side | undefined {
  return options.side === 'front' || options.side === 'back' ? options.side : undefined;
}

/**
 * Where the card is when it fills a small part of the frame (its text within about half the frame's width and
 * two thirds of its height): the box of the confidently read words, widened to take in the card's edges (photo,
 * Arabic, margins), as a region of the page. Undefined otherwise.
 */
function textFocus(lines: readonly OcrLine[], image: PreparedImage): Region | undefined {
  const words = lines.flatMap((l) => l.words).filter((w) => w.confidence >= 0.8 && /^[A-Za-z0-9/-]{2,}$/.test(w.text));
  if (words.length < 3) return undefined;
  const box = union(words.map((w) => w.bbox));
  const width = box.x1 - box.x0;
  if (width >= 0.55 * image.width || box.y1 - box.y0 >= 0.65 * image.height) return undefined;
  const padX = Math.max(width * 0.4, 40);
  const padY = Math.max((box.y1 - box.y0) * 0.35, 40);
  return regionOf(image, box, padX, padY);
}

/** The page levelled (a photo taken at an angle), then, if it shows nothing, turned over or the other quarter. */
async function* uprightPages(image: PreparedImage): AsyncGenerator<PreparedImage> {
  if (estimateSkew(image.pixels, image.width, image.height).vertical) {
    yield await straightened(await image.turned(-90), LEVEL_FROM);
    yield await straightened(await image.turned(90), LEVEL_FROM);
    return;
  }
  const levelled = await straightened(image, LEVEL_FROM);
  yield levelled;
  yield await levelled.turned(180);
}

async function recognizeEmiratesId({ image: received, engine, now, options }: RecognitionInput): Promise<EmiratesIdResult> {
  const requested = requestedSide(options);
  // One block rather than automatic layout: page layout analysis drops or truncates English lines that sit
  // close under Arabic ones, while a single block keeps every line (columns are split by gaps later).
  let image = received;
  let page: OcrResult | undefined;
  let evidence: SideEvidence | undefined;
  for await (const candidate of uprightPages(received)) {
    image = candidate;
    page = await engine.recognize({ image: image.png, psm: PageSegmentation.singleBlock });
    evidence = gatherEvidence(page.lines);
    if (detectSide(evidence) || (requested && showsSide(evidence, requested))) break;
  }
  if (!page || !evidence) throw ApiError.of('AIS.0104');
  // A card photographed from afar (on a table, in a hand) fills a small part of the frame: its small print reads
  // better cut out and enlarged, at the cost of one more page read, only then.
  const focus = textFocus(page.lines, image);
  if (focus) {
    const cropped = await image.turned(0, focus);
    const closer = await engine.recognize({ image: cropped.png, psm: PageSegmentation.singleBlock });
    const closerEvidence = gatherEvidence(closer.lines);
    if (detectSide(closerEvidence) || (requested && showsSide(closerEvidence, requested))) {
      image = cropped;
      page = closer;
      evidence = closerEvidence;
    }
  }
  // A side the request names is the side read. An image that plainly shows the other side (and nothing of the
  // side asked for) has none of the fields asked for: AIS.0104, as for any image without them.
  // A TD1 MRZ on the pixels shows a back whatever OCR made of the page.
  const seen = detectSide(evidence) ?? (locateTd1(received) ? 'back' : undefined);
  const side = requested ?? seen;
  if (!side) throw ApiError.of('AIS.0104');
  if (requested && seen && seen !== requested && !showsSide(evidence, requested)) throw ApiError.of('AIS.0104');

  let read: Values | undefined;
  if (side === 'back') {
    read = await recognizeBack(image, engine, page, evidence, now);
  } else {
    read = await recognizeFront(image, engine, page, evidence);
    // Refused only when no field at all was found.
    if (!SIDE_FIELDS.front.some((f) => read?.values[f])) read = undefined;
  }
  if (!read) throw ApiError.of('AIS.0104');

  const fields: Partial<Record<Field, string>> = {};
  const confidence: Confidence = {};
  for (const field of SIDE_FIELDS[side]) {
    const value = read.values[field] ?? '';
    fields[field] = value;
    confidence[field] = value ? round(read.confidence[field] ?? 0) : 0;
  }
  return { ...fields, side, confidence };
}

export const emiratesIdCard: DocumentType<EmiratesIdResult> = {
  api: 'emirates-id-card',
  title: 'emirates-id-card',
  limits: { maxSide: 8192, formats: ALL_FORMATS },
  requestFields: { side: Type.Optional(Type.Union([Type.Literal('front'), Type.Literal('back'), Type.Literal('')])) },
  resultSchema: EmiratesIdResultSchema,
  recognize: recognizeEmiratesId,
};
