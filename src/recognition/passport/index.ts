/**
 * Passport (ICAO TD3): the MRZ gives the identity fields, corrected by its check digits; the printed zone gives
 * the fields the MRZ does not carry (issue date, places, authority), best effort.
 */
import { Type, type Static, type TString } from '@sinclair/typebox';
import { ApiError } from '../../errors/catalogue.js';
import { ALL_FORMATS } from '../../image/intake.js';
import { PreparedImage } from '../../image/prepare.js';
import { PageSegmentation, type OcrEngine, type OcrResult } from '../../ocr/engine.js';
import type { Confidence, DocumentType, RecognitionInput } from '../document.js';
import { mrzCellsInBand, readMrz } from '../mrz/read.js';
import { correctMrz, type MrzReading } from '../mrz/correct.js';
import { readingScore } from '../mrz/band.js';
import { TD3 } from '../mrz/layouts.js';
import { locateMrz } from '../mrz/locate.js';
import { PASSPORT_FIELDS, type PassportField } from './fields.js';
import { reread } from '../toolkit/crop.js';
import { readLocated, type Located } from './located.js';
import { fromMrz, reconcileName, settleSex } from './mrz-fields.js';
import { issueDate, printedBirthYear, printedFields, printedHints, unlabelledIssueDate, valuelessLabels, valueUnderLabel, type LabelledValue } from './printed-zone.js';

export { PASSPORT_FIELDS } from './fields.js';

/** Fields only the printed zone carries. */
const VISUAL_ONLY: readonly PassportField[] = ['date_of_issue', 'place_of_birth', 'place_of_issue', 'issuing_authority'];

export const PassportResultSchema = Type.Object({
  ...(Object.fromEntries(PASSPORT_FIELDS.map((f) => [f, Type.String()])) as Record<PassportField, TString>),
  confidence: Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 })),
  extra_info: Type.Record(Type.String(), Type.Unknown()),
});

export type PassportResult = Record<PassportField, string> & {
  confidence: Confidence;
  extra_info: Record<string, unknown>;
};

const round = (value: number) => Math.round(value * 1000) / 1000;

/**
 * Automatic layout analysis sometimes drops a whole label line (small light print beside large values): the
 * printed zone read again as sparse text, whose lines come in any order, gives the visual-only fields the first
 * look missed. Only then: it costs about a second.
 */
async function withSparseLook(
  found: Located,
  engine: OcrEngine,
  printed: (field: PassportField) => LabelledValue | undefined,
): Promise<(field: PassportField) => LabelledValue | undefined> {
  const sparseLines = (await engine.recognize({ image: found.zone, psm: PageSegmentation.sparse })).lines;
  const sparse = printedFields(sparseLines);
  const both = (field: PassportField) => printed(field) ?? (VISUAL_ONLY.includes(field) ? sparse(field) : undefined);
  // A label either read found with no value after it: the value line itself was dropped. Read under the label.
  const gaps = valuelessLabels(
    [...found.page.lines, ...sparseLines],
    VISUAL_ONLY.filter((field) => !both(field)),
  );
  if (gaps.length === 0) return both;
  const zone = await PreparedImage.fromPng(found.zone);
  const underLabels = new Map(
    await Promise.all(gaps.map(async ({ field, box }) => [field, valueUnderLabel(field, (await reread(zone, engine, box, { psm: PageSegmentation.singleBlock })).lines)] as const)),
  );
  return (field) => both(field) ?? underLabels.get(field);
}

async function recognizePassport({ image, engine, now }: RecognitionInput): Promise<PassportResult> {
  const located = locateMrz(image.pixels, image.width, image.height, TD3.lines, TD3.lineLength);
  const found = located ? await readLocated(image, engine, located) : undefined;
  let page: OcrResult;
  let reading: MrzReading | undefined;
  let printed: (field: PassportField) => LabelledValue | undefined;
  if (found) {
    page = found.page;
    printed = printedFields(page.lines);
    reading = correctMrz(found.cells, TD3, printedHints(printed));
  } else {
    // No MRZ shape on the pixels (a crop, heavy clutter): read the page as it lies and look for the MRZ in it.
    page = await engine.recognize({ image: image.png, psm: PageSegmentation.auto });
    printed = printedFields(page.lines);
    const hints = printedHints(printed);
    reading = await readMrz(image, engine, TD3, page.lines, hints);
    if (!reading || readingScore(reading) < 2) {
      // The band may have been misplaced: read the whole page with the MRZ whitelist instead.
      const whole = await mrzCellsInBand(image, engine, TD3, { left: 0, top: 0, width: 1, height: 1 });
      const wholeReading = whole ? correctMrz(whole, TD3, hints) : undefined;
      if (wholeReading && (!reading || readingScore(wholeReading) > readingScore(reading))) reading = wholeReading;
    }
  }
  if (!reading || readingScore(reading) === 0) throw ApiError.of('AIS.0104');
  if (found && VISUAL_ONLY.some((field) => !printed(field))) printed = await withSparseLook(found, engine, printed);

  reconcileName(reading, printed('surname'), printed('given_name'));
  settleSex(reading, printed('sex'));
  const { values, confidence } = fromMrz(reading, now, printedBirthYear(page.lines, reading.fields.birthDate?.raw ?? ''));
  for (const field of VISUAL_ONLY) {
    const found = printed(field);
    const value = found && field === 'date_of_issue' ? issueDate(found.text, values.date_of_birth ?? '', values.date_of_expiry ?? '', now) : found?.text.toUpperCase();
    values[field] = value ?? '';
    // Printed-zone fields have no check digit: their confidence is the OCR's, capped below certainty.
    confidence[field] = value ? Math.min(0.85, found?.confidence ?? 0) : 0;
  }
  if (!values.date_of_issue) {
    const issued = unlabelledIssueDate(page.lines, values.date_of_birth ?? '', values.date_of_expiry ?? '', now);
    if (issued) {
      values.date_of_issue = issued.date;
      confidence.date_of_issue = Math.min(0.7, issued.confidence);
    }
  }

  const result = Object.fromEntries(PASSPORT_FIELDS.map((f) => [f, values[f] ?? ''])) as Record<PassportField, string>;
  return {
    ...result,
    // Nothing returned, nothing vouched for.
    confidence: Object.fromEntries(PASSPORT_FIELDS.map((f) => [f, result[f] ? round(confidence[f] ?? 0) : 0])),
    extra_info: {},
  };
}

export const passport: DocumentType<PassportResult> = {
  api: 'passport',
  title: 'passport',
  limits: { maxSide: 4096, formats: ALL_FORMATS },
  requestFields: {},
  resultSchema: PassportResultSchema,
  recognize: recognizePassport,
};

export type PassportResultStatic = Static<typeof PassportResultSchema>;
