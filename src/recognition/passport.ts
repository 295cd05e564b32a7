/**
 * Passport (ICAO TD3): the MRZ gives the identity fields, corrected by its check digits; the printed zone gives
 * the fields the MRZ does not carry (issue date, places, authority), best effort.
 */
import { Type, type Static, type TString } from '@sinclair/typebox';
import { parse as parseMrz } from 'mrz';
import { ApiError } from '../errors/catalogue.js';
import { ALL_FORMATS } from '../image/intake.js';
import { PageSegmentation } from '../ocr/engine.js';
import type { Confidence, DocumentType, RecognitionInput } from './document.js';
import { birthDateToIso, expiryDateToIso } from './mrz/dates.js';
import { TD3 } from './mrz/layouts.js';
import { readMrz, readingScore } from './mrz/read.js';
import type { MrzReading } from './mrz/correct.js';
import { findLabelledValue, parsePrintedDate, type LabelledValue } from './visual-zone.js';

export const PASSPORT_FIELDS = [
  'passport_type',
  'country_code',
  'passport_number',
  'nationality',
  'surname',
  'given_name',
  'sex',
  'date_of_birth',
  'date_of_expiry',
  'date_of_issue',
  'place_of_birth',
  'place_of_issue',
  'issuing_authority',
] as const;
type PassportField = (typeof PASSPORT_FIELDS)[number];

/** Printed-zone labels, English first as most passports print them; other languages may follow a slash. */
const VISUAL_LABELS = {
  date_of_issue: /date\s*of\s*issue|issue\s*date|date\s*de\s*d[ée]livrance/i,
  place_of_birth: /place\s*of\s*birth|lieu\s*de\s*naissance/i,
  place_of_issue: /place\s*of\s*issue|issued\s*at/i,
  issuing_authority: /authority|autorit[ée]|issued\s*by/i,
} as const satisfies Partial<Record<PassportField, RegExp>>;

const ANY_LABEL =
  /surname|given|name|nationality|date|sex|place|authority|passport|type|code|no\.|number|birth|expiry|issue/i;

export const PassportResultSchema = Type.Object({
  ...(Object.fromEntries(PASSPORT_FIELDS.map((f) => [f, Type.String()])) as Record<PassportField, TString>),
  confidence: Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1 })),
  extra_info: Type.Record(Type.String(), Type.Unknown()),
});

export type PassportResult = Record<PassportField, string> & {
  confidence: Confidence;
  extra_info: Record<string, unknown>;
};

const stripFillers = (text: string) => text.replace(/</g, ' ').trim().replace(/\s+/g, ' ');

const round = (value: number) => Math.round(value * 1000) / 1000;

/** mrz throws only on lines of the wrong shape, which corrected lines never are; stay safe anyway. */
function safeParse(lines: string[]): ReturnType<typeof parseMrz> | undefined {
  try {
    return parseMrz(lines);
  } catch {
    return undefined;
  }
}

function fromMrz(reading: MrzReading, now: number): { values: Partial<Record<PassportField, string>>; confidence: Confidence } {
  const f = reading.fields;
  const field = (name: string) => f[name] ?? { raw: '', valid: undefined, confidence: 0, corrections: 0 };
  // The mrz package is the reference parser: it splits the name and knows which country codes exist.
  const parsed = safeParse(reading.lines);
  const detail = (name: string) => parsed?.details.find((d) => d.field === name);
  const knownCountry = (name: string) => (detail(name)?.valid === false ? 0.5 : 1);
  const sex = field('sex').raw;
  const values: Partial<Record<PassportField, string>> = {
    passport_type: stripFillers(field('documentCode').raw),
    country_code: stripFillers(field('issuingState').raw),
    passport_number: stripFillers(field('documentNumber').raw),
    nationality: stripFillers(field('nationality').raw),
    surname: parsed?.fields.lastName ?? '',
    given_name: parsed?.fields.firstName ?? '',
    sex: sex === '<' ? 'X' : sex,
    date_of_birth: birthDateToIso(field('birthDate').raw, now),
    date_of_expiry: expiryDateToIso(field('expirationDate').raw, now),
  };
  // Fields without a check digit of their own gain from the composite check holding, and lose from it failing.
  const unchecked = (c: number) => Math.min(0.95, c * (reading.compositeValid ? 1 : 0.85));
  const confidence: Confidence = {
    passport_type: unchecked(field('documentCode').confidence),
    country_code: unchecked(field('issuingState').confidence) * knownCountry('issuingState'),
    passport_number: field('documentNumber').confidence,
    nationality: unchecked(field('nationality').confidence) * knownCountry('nationality'),
    surname: unchecked(field('name').confidence),
    given_name: unchecked(field('name').confidence),
    sex: unchecked(field('sex').confidence),
    date_of_birth: field('birthDate').confidence,
    date_of_expiry: field('expirationDate').confidence,
  };
  return { values, confidence };
}

async function recognizePassport({ image, engine, now }: RecognitionInput): Promise<PassportResult> {
  const page = await engine.recognize({ image: image.png, psm: PageSegmentation.auto });
  let reading = await readMrz(image, engine, TD3, page.lines);
  if (!reading || readingScore(reading) < 2) {
    // The band may have been misplaced: read the whole page with the MRZ whitelist instead.
    const whole = await readMrz(image, engine, TD3, []);
    if (whole && (!reading || readingScore(whole) > readingScore(reading))) reading = whole;
  }
  if (!reading || readingScore(reading) === 0) throw ApiError.of('AIS.0104');

  const { values, confidence } = fromMrz(reading, now);
  const isLabel = (text: string) => ANY_LABEL.test(text) && text.length < 40;
  for (const [field, label] of Object.entries(VISUAL_LABELS) as [PassportField, RegExp][]) {
    const found: LabelledValue | undefined = findLabelledValue(page.lines, label, isLabel);
    const value = found && field === 'date_of_issue' ? parsePrintedDate(found.text) : found?.text.toUpperCase();
    values[field] = value ?? '';
    // Printed-zone fields have no check digit: their confidence is the OCR's, capped below certainty.
    confidence[field] = value ? Math.min(0.9, found?.confidence ?? 0) : 0;
  }

  const result = Object.fromEntries(PASSPORT_FIELDS.map((f) => [f, values[f] ?? ''])) as Record<PassportField, string>;
  return {
    ...result,
    confidence: Object.fromEntries(PASSPORT_FIELDS.map((f) => [f, round(confidence[f] ?? 0)])),
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
