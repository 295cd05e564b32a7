/**
 * Passport (ICAO TD3): the MRZ gives the identity fields, corrected by its check digits; the printed zone gives
 * the fields the MRZ does not carry (issue date, places, authority), best effort.
 */
import { Type, type Static, type TString } from '@sinclair/typebox';
import { parse as parseMrz } from 'mrz';
import { ApiError } from '../errors/catalogue.js';
import { ALL_FORMATS } from '../image/intake.js';
import type { PreparedImage } from '../image/prepare.js';
import { PageSegmentation, type OcrEngine, type OcrLine, type OcrResult, type OcrWord } from '../ocr/engine.js';
import type { Confidence, DocumentType, RecognitionInput } from './document.js';
import { birthCenturyUncertain, birthDateToIso, expiryDateToIso } from './mrz/dates.js';
import { TD3 } from './mrz/layouts.js';
import { BAND_PITCH, bandCells, cutOut, readingScore, readRightWayUp } from './mrz/band.js';
import type { Cell } from './mrz/grid.js';
import { locateMrz, quadAbove, squared, type LocatedMrz } from './mrz/locate.js';
import { mrzCellsInBand, readMrz } from './mrz/read.js';
import { correctMrz, type MrzHint, type MrzReading } from './mrz/correct.js';
import { parseDayMonthYear } from './toolkit/dates.js';
import { associateLabels, type LabelledField } from './toolkit/labelled-values.js';

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

/** A printed value's words, in capitals as data pages print them (OCR may drop a letter to lower case). */
const isCapitalsWord = (text: string) => {
  const letters = text.replace(/[^\p{L}]/gu, '');
  return letters.length > 0 && /^[\p{L}'’.-]+$/u.test(text) && letters.replace(/\p{Lu}/gu, '').length <= letters.length / 5;
};

/** The first words of a run that are capitals, as one value (a place, an authority, a name). */
function capitals(words: readonly OcrWord[]): { text: string; used: number } | undefined {
  let used = 0;
  while (used < Math.min(6, words.length) && isCapitalsWord((words[used] as OcrWord).text)) used++;
  if (used === 0 || (words[0] as OcrWord).text.replace(/[^\p{L}]/gu, '').length < 2) return undefined;
  return { text: words.slice(0, used).map((w) => w.text).join(' '), used };
}

/** The fewest first words that read as a printed date, as printed. */
function printedDate(words: readonly OcrWord[]): { text: string; used: number } | undefined {
  for (let used = 1; used <= Math.min(5, words.length); used++) {
    const text = words.slice(0, used).map((w) => w.text).join(' ');
    if (parseDayMonthYear(text, { twoDigitYears: true })) return { text, used };
  }
  return undefined;
}

const sexLetter = (words: readonly OcrWord[]) => {
  const letter = /^([MFX])(?:$|[/|])/i.exec(words[0]?.text ?? '')?.[1];
  return letter ? { text: letter.toUpperCase(), used: 1 } : undefined;
};

/** A document number holds digits (the page's title "PASSPORT" above a name must not pass for one). */
const documentNumber = (words: readonly OcrWord[]) => {
  const text = (words[0]?.text ?? '').toUpperCase();
  return /^(?=.*\d)[A-Z0-9]{5,10}$/.test(text) ? { text, used: 1 } : undefined;
};

/**
 * The printed zone's fields: each label as phrases in English, French and Spanish (ICAO 9303's languages, one of
 * which a data page prints beside its own), and the shape of its value.
 */
const PRINTED_FIELDS: readonly LabelledField[] = [
  { field: 'passport_number', label: ['passport no', 'passport number', 'document no', 'document number', 'no du passeport', 'numero du passeport', 'pasaporte no', 'numero de pasaporte'], take: documentNumber, distinctive: true },
  { field: 'surname', label: ['surname', 'last name', 'family name', 'nom', 'apellidos'], take: capitals },
  { field: 'given_name', label: ['given names', 'given name', 'first names', 'forenames', 'prenoms', 'nombres'], take: capitals },
  { field: 'sex', label: ['sex', 'sexe', 'sexo'], take: sexLetter, distinctive: true },
  { field: 'date_of_birth', label: ['date of birth', 'birth date', 'date de naissance', 'fecha de nacimiento'], take: printedDate, distinctive: true },
  { field: 'place_of_birth', label: ['place of birth', 'birth place', 'birthplace', 'lieu de naissance', 'lugar de nacimiento'], take: capitals },
  { field: 'date_of_issue', label: ['date of issue', 'issue date', 'date of issuance', 'date de delivrance', 'fecha de expedicion', 'fecha de emision'], take: printedDate, distinctive: true },
  { field: 'place_of_issue', label: ['place of issue', 'issued at', 'lieu de delivrance', 'lugar de expedicion', 'lugar de emision'], take: capitals },
  { field: 'date_of_expiry', label: ['date of expiry', 'expiry date', 'date of expiration', 'expiration date', "date d'expiration", 'fecha de caducidad', 'fecha de vencimiento'], take: printedDate, distinctive: true },
  { field: 'issuing_authority', label: ['issuing authority', 'authority', 'issued by', 'autorite', 'autoridad'], take: capitals },
];

/** Labels of fields the MRZ alone answers: they end other values' columns and are never values. */
const OTHER_LABELS: readonly (readonly string[])[] = [
  ['type', 'tipo'],
  ['code', 'country code', 'code of issuing state', 'code du pays', 'codigo'],
  ['nationality', 'nationalite', 'nacionalidad'],
];

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

const stripFillers = (text: string) => text.replace(/</g, ' ').trim().replace(/\s+/g, ' ');

const round = (value: number) => Math.round(value * 1000) / 1000;

/** A printed name in MRZ characters: upper case, anything but A–Z a filler. */
const toMrzCharacters = (text: string) => text.toUpperCase().normalize('NFD').replace(/[\u0300-\u036f']/g, '').replace(/[^A-Z]+/g, '<');

/**
 * The MRZ name has no check digit, and OCR confuses its fillers with K, L or C. When the printed surname and given
 * names spell almost the same MRZ name, they settle the positions where the two disagree.
 */
function reconcileName(reading: MrzReading, surname: LabelledValue | undefined, givenNames: LabelledValue | undefined): void {
  const name = reading.fields.name;
  if (!name || !surname) return;
  const printed = `${toMrzCharacters(surname.text)}<<${givenNames ? toMrzCharacters(givenNames.text) : ''}`
    .slice(0, name.raw.length)
    .padEnd(name.raw.length, '<');
  const differences = [...printed].filter((char, i) => char !== name.raw[i]).length;
  // More disagreement than a few misread characters means the printed text was misread, or is another name.
  if (differences > 3) return;
  const printedConfidence = Math.min(surname.confidence, givenNames?.confidence ?? surname.confidence);
  if (printedConfidence < 0.6) return;
  // Two reads in two fonts that spell the same name vouch for it as a check digit would.
  if (differences === 0) {
    name.confidence = Math.max(name.confidence, 0.93);
    return;
  }
  name.raw = printed;
  name.confidence = Math.min(name.confidence, printedConfidence);
  const line = reading.lines[0] ?? '';
  reading.lines[0] = line.slice(0, 5) + printed;
}

/** An MRZ sex cell OCR could not read is settled by the printed zone's `M` or `F`, when it shows one. */
function settleSex(reading: MrzReading, printed: LabelledValue | undefined): void {
  const sex = reading.fields.sex;
  const letter = /^\s*([MF])\b/i.exec(printed?.text ?? '')?.[1]?.toUpperCase();
  if (!sex || sex.confidence >= 0.5 || !letter || !printed) return;
  sex.raw = letter;
  sex.confidence = Math.min(0.85, printed.confidence);
  const line = reading.lines[1] ?? '';
  reading.lines[1] = line.slice(0, 20) + letter + line.slice(21);
}

/** A printed issue date, when it is one: after birth, before expiry, not after today (else another date was taken). */
function issueDate(text: string, birth: string, expiry: string, now: number): string | undefined {
  const date = parseDayMonthYear(text, { twoDigitYears: true });
  const today = new Date(now).toISOString().slice(0, 10);
  if (!date || date > today || (birth && date <= birth) || (expiry && date >= expiry)) return undefined;
  return date;
}

/**
 * The issue date when no label reads (small label print blurs first): a data page prints three dates, and the MRZ
 * has vouched for two of them. The one printed date that is neither, and lies between birth and expiry and not
 * after today, is the issue date.
 */
function unlabelledIssueDate(lines: readonly OcrLine[], birth: string, expiry: string, now: number): { date: string; confidence: number } | undefined {
  if (!birth || !expiry) return undefined;
  const today = new Date(now).toISOString().slice(0, 10);
  const found = new Map<string, number>();
  for (const line of lines) {
    for (const match of line.text.matchAll(PRINTED_DATE)) {
      const date = parseDayMonthYear(match[0]);
      if (date && date !== birth && date !== expiry && date > birth && date < expiry && date <= today) found.set(date, line.confidence);
    }
  }
  if (found.size !== 1) return undefined;
  const [date, confidence] = [...found][0] as [string, number];
  return { date, confidence };
}

/** A printed date in any of the usual forms: `12 AUG 1974`, `12 AOU/AUG 1974`, `12.08.1974`, `12/08/1974`. */
const PRINTED_DATE = /\d{1,2}\s*[ /.-]?\s*[A-Z0-9]{2,4}[^\s]*(?:\s*[/]\s*[A-Z]{3,4})?\s*[ /.-]?\s*\d{4}/gi;

/** mrz throws only on lines of the wrong shape, which corrected lines never are; stay safe anyway. */
function safeParse(lines: string[]): ReturnType<typeof parseMrz> | undefined {
  try {
    return parseMrz(lines);
  } catch {
    return undefined;
  }
}

/**
 * The four-digit birth year the printed zone shows for the MRZ's YYMMDD, wherever it is printed: the MRZ alone
 * cannot tell 1911 from 2011.
 */
function printedBirthYear(lines: readonly OcrLine[], yymmdd: string): number | undefined {
  if (!/^\d{6}$/.test(yymmdd)) return undefined;
  for (const line of lines) {
    for (const match of line.text.matchAll(PRINTED_DATE)) {
      const iso = parseDayMonthYear(match[0]);
      if (iso && iso.slice(2).replace(/-/g, '') === yymmdd) return Number(iso.slice(0, 4));
    }
  }
  return undefined;
}

function fromMrz(reading: MrzReading, now: number, birthYear?: number): { values: Partial<Record<PassportField, string>>; confidence: Confidence } {
  const f = reading.fields;
  const field = (name: string) => f[name] ?? { raw: '', valid: undefined, confidence: 0, corrections: 0 };
  // The mrz package is the reference parser: it splits the name and knows which country codes exist.
  const parsed = safeParse(reading.lines);
  const detail = (name: string) => parsed?.details.find((d) => d.field === name);
  const knownCountry = (name: string) => (detail(name)?.valid === false ? 0.5 : 1);
  const sex = field('sex').raw;
  const values: Partial<Record<PassportField, string>> = {
    // ICAO 9303: a passport's document code starts with P, whatever OCR made of it.
    passport_type: `P${stripFillers(field('documentCode').raw).slice(1)}`.trim(),
    country_code: stripFillers(field('issuingState').raw),
    passport_number: stripFillers(field('documentNumber').raw),
    nationality: stripFillers(field('nationality').raw),
    surname: parsed?.fields.lastName ?? '',
    given_name: parsed?.fields.firstName ?? '',
    // `<` is X (unspecified) when read as a filler; a cell nobody could read is no answer.
    sex: sex === '<' ? (field('sex').confidence < 0.5 ? '' : 'X') : sex,
    date_of_birth: birthDateToIso(field('birthDate').raw, now, birthYear),
    date_of_expiry: expiryDateToIso(field('expirationDate').raw, now),
  };
  // Fields without a check digit of their own gain from the composite check holding, and lose from it failing.
  const unchecked = (c: number) => Math.min(0.95, c * (reading.compositeValid ? 1 : 0.85));
  const confidence: Confidence = {
    passport_type: field('documentCode').raw.startsWith('P') ? unchecked(field('documentCode').confidence) : 0.7,
    country_code: unchecked(field('issuingState').confidence) * knownCountry('issuingState'),
    passport_number: field('documentNumber').confidence,
    nationality: unchecked(field('nationality').confidence) * knownCountry('nationality'),
    surname: unchecked(field('name').confidence),
    given_name: unchecked(field('name').confidence),
    sex: unchecked(field('sex').confidence),
    // A check digit vouches for the digits, not the century: a guessed one stays below certainty.
    date_of_birth: birthCenturyUncertain(field('birthDate').raw, now, birthYear) ? Math.min(0.85, field('birthDate').confidence) : field('birthDate').confidence,
    date_of_expiry: field('expirationDate').confidence,
  };
  return { values, confidence };
}

/** YYMMDD of a printed date, for checking it against the MRZ. */
const printedDateToMrz = (text: string | undefined) => parseDayMonthYear(text ?? '')?.replace(/^\d\d(\d\d)-(\d\d)-(\d\d)$/, '$1$2$3');

/** The printed zone above a TD3 MRZ is about this share of the MRZ's width high (ICAO 9303 data page). */
const ZONE_ABOVE_MRZ = 0.68;
/** Printed text may run past the MRZ's ends: the zone is this share of the MRZ's width wider on each side. */
const ZONE_WIDEN = 0.1;
/** A page turned less than this (degrees) is read as it lies: tesseract copes, and resampling would blur. */
const SQUARE_ENOUGH = 2;

interface Located {
  cells: Cell[][];
  page: OcrResult;
}

/**
 * The document found from its MRZ: the band and the printed zone above it, cut out upright whatever the page's
 * angle, and read at once. When the fillers could not tell which way up the page lies and the band reads no
 * check digit, the half-turned cut is read too.
 */
async function readLocated(image: PreparedImage, engine: OcrEngine, found: LocatedMrz): Promise<Located | undefined> {
  return readRightWayUp<Located>(
    image,
    found,
    TD3,
    (read) => (read ? readingScore(correctMrz(read.cells, TD3)) : -1),
    async (band, located) => {
      const [cells, page] = await Promise.all([bandCells(band, engine, TD3), engine.recognize({ image: await printedZone(image, located), psm: PageSegmentation.auto })]);
      return cells ? { cells, page } : undefined;
    },
    // The larger look rereads the band only: the printed zone read stands.
    async (band, best) => {
      const cells = best && (await bandCells(band, engine, TD3));
      return best && cells ? { ...best, cells } : undefined;
    },
  );
}

/**
 * The printed zone above the MRZ, as a PNG for OCR: enlarged (never reduced) to the band's scale, where small label
 * print reads; levels kept (light label ink would suffer from a stretch tuned to the MRZ's black). A page within
 * 2° of square is cropped and scaled by sharp (Lanczos: small print stays sharp) and left to tesseract's own
 * deskew; a page turned further is cut out upright.
 */
async function printedZone(image: PreparedImage, located: LocatedMrz): Promise<Buffer> {
  const above = quadAbove(located, ZONE_ABOVE_MRZ, ZONE_WIDEN);
  const pitch = Math.max(located.pitch, BAND_PITCH);
  if (Math.abs(located.angle) >= SQUARE_ENOUGH) return (await cutOut(image, located, above, pitch, { stretch: false })).png;
  const [tl, , br] = squared(above);
  const left = Math.max(0, tl.x);
  const top = Math.max(0, tl.y);
  const region = { left: left / image.width, top: top / image.height, width: (Math.min(image.width, br.x) - left) / image.width, height: (Math.min(image.height, br.y) - top) / image.height };
  return image.region(region, { scale: pitch / located.pitch });
}

/** A printed value: its text and the OCR's confidence in it. */
interface LabelledValue {
  text: string;
  confidence: number;
}

/** A data page may print its values in a column of their own, up to this many label heights (x-heights) right of the labels. */
const BESIDE_GAP = 25;

/** A value found under a label that read only loosely is likelier another field's: never vouched for much. */
const LOOSE_LABEL_CONFIDENCE = 0.55;

/**
 * The printed zone's labelled values, found once. Small label print blurs before the values do: labels that did
 * not read closely are looked for again, loosely, among the lines the first look left over.
 */
function printedFields(lines: readonly OcrLine[]): (field: PassportField) => LabelledValue | undefined {
  const found = associateLabels(lines, PRINTED_FIELDS, OTHER_LABELS, { besideGap: BESIDE_GAP });
  const missing = PRINTED_FIELDS.filter((f) => !found.has(f.field));
  if (missing.length > 0) {
    const foundLabels = PRINTED_FIELDS.filter((f) => found.has(f.field)).map((f) => f.label);
    const taken = new Set([...found.values()].flatMap((v) => v.words.map((w) => w.bbox)));
    for (const [field, value] of associateLabels(lines, missing, [...OTHER_LABELS, ...foundLabels], { loose: true, besideGap: BESIDE_GAP })) {
      if (value.words.some((w) => taken.has(w.bbox))) continue;
      found.set(field, { ...value, confidence: Math.min(value.confidence, LOOSE_LABEL_CONFIDENCE) });
    }
  }
  return (field) => found.get(field);
}

/** The printed zone repeats the number and dates in another font: a second opinion the check digits can weigh. */
function printedHints(printed: (field: PassportField) => LabelledValue | undefined): Record<string, MrzHint[]> {
  const hints: Record<string, MrzHint[]> = {};
  const number = printed('passport_number');
  const numberText = number?.text.toUpperCase().replace(/€/g, 'C').replace(/\$/g, 'S').replace(/[^A-Z0-9]/g, '');
  if (number && numberText && numberText.length <= 9) hints.documentNumber = [{ text: numberText, confidence: number.confidence }];
  for (const [field, mrzField] of [['date_of_birth', 'birthDate'], ['date_of_expiry', 'expirationDate']] as const) {
    const date = printed(field);
    const text = printedDateToMrz(date?.text);
    if (date && text) hints[mrzField] = [{ text, confidence: date.confidence }];
  }
  return hints;
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
