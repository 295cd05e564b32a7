/**
 * The passport's printed (visual) zone: its labels as phrases, the shape of each value, and what the zone adds to
 * the MRZ: the visual-only fields, hints the check digits can weigh, the birth year's century.
 */
import type { BoundingBox, OcrLine, OcrWord } from '../../ocr/engine.js';
import type { MrzHint } from '../mrz/correct.js';
import { parseDayMonthYear } from '../toolkit/dates.js';
import { associateLabels, closestClaims, labelHits, type LabelledField } from '../toolkit/labelled-values.js';
import { heightOf } from '../toolkit/text-lines.js';
import type { PassportField } from './fields.js';

/** A printed value's words, in capitals as data pages print them (OCR may drop a letter to lower case). */
const isCapitalsWord = (text: string) => {
  const letters = text.replace(/[^\p{L}]/gu, '');
  return letters.length > 0 && /^[\p{L}'’.-]+$/u.test(text) && letters.replace(/\p{Lu}/gu, '').length <= letters.length / 5;
};

/**
 * The first words of a run that are capitals, as one value (a place, an authority, a name). Distinctive enough
 * that a word OCR was unsure of ("ILOILO" at 0.5) is still taken: another script's print, read by the English
 * model, does not come out as words of capitals.
 */
function capitals(words: readonly OcrWord[]): { text: string; used: number } | undefined {
  let used = 0;
  while (used < Math.min(6, words.length) && isCapitalsWord((words[used] as OcrWord).text)) used++;
  if (used === 0 || (words[0] as OcrWord).text.replace(/[^\p{L}]/gu, '').length < 2) return undefined;
  return {
    text: words
      .slice(0, used)
      .map((w) => w.text)
      .join(' '),
    used,
  };
}

/** The fewest first words that read as a printed date, as printed. */
function printedDate(words: readonly OcrWord[]): { text: string; used: number } | undefined {
  for (let used = 1; used <= Math.min(5, words.length); used++) {
    const text = words
      .slice(0, used)
      .map((w) => w.text)
      .join(' ');
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
  {
    field: 'passport_number',
    label: ['passport no', 'passport number', 'document no', 'document number', 'no du passeport', 'numero du passeport', 'pasaporte no', 'numero de pasaporte'],
    take: documentNumber,
    distinctive: true,
  },
  { field: 'surname', label: ['surname', 'last name', 'family name', 'nom', 'apellidos'], take: capitals, distinctive: true },
  { field: 'given_name', label: ['given names', 'given name', 'first names', 'forenames', 'prenoms', 'nombres'], take: capitals, distinctive: true },
  { field: 'sex', label: ['sex', 'sexe', 'sexo'], take: sexLetter, distinctive: true },
  { field: 'date_of_birth', label: ['date of birth', 'birth date', 'date de naissance', 'fecha de nacimiento'], take: printedDate, distinctive: true },
  { field: 'place_of_birth', label: ['place of birth', 'birth place', 'birthplace', 'lieu de naissance', 'lugar de nacimiento'], take: capitals, distinctive: true },
  {
    field: 'date_of_issue',
    label: ['date of issue', 'issue date', 'date of issuance', 'date de delivrance', 'fecha de expedicion', 'fecha de emision'],
    take: printedDate,
    distinctive: true,
  },
  { field: 'place_of_issue', label: ['place of issue', 'issued at', 'lieu de delivrance', 'lugar de expedicion', 'lugar de emision'], take: capitals, distinctive: true },
  {
    field: 'date_of_expiry',
    label: ['date of expiry', 'expiry date', 'date of expiration', 'expiration date', "date d'expiration", 'fecha de caducidad', 'fecha de vencimiento'],
    take: printedDate,
    distinctive: true,
  },
  { field: 'issuing_authority', label: ['issuing authority', 'authority', 'issued by', 'autorite', 'autoridad'], take: capitals, distinctive: true },
];

/** Labels of fields the MRZ alone answers: they end other values' columns and are never values. */
const OTHER_LABELS: readonly (readonly string[])[] = [
  ['type', 'tipo'],
  ['code', 'country code', 'code of issuing state', 'code du pays', 'codigo'],
  ['nationality', 'nationalite', 'nacionalidad'],
];

/** A printed value: its text and the OCR's confidence in it. */
export interface LabelledValue {
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
export function printedFields(lines: readonly OcrLine[]): (field: PassportField) => LabelledValue | undefined {
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

/** Where a value printed under its label is looked for again: label heights below and right of the label's start. */
const UNDER_LABEL = { left: 0.5, right: 22, below: 2.6 } as const;
/** A value read alone under its label, without the layout analysis that dropped it, is vouched for this much at most. */
const UNDER_LABEL_CONFIDENCE = 0.6;
/** …and is taken only when OCR read it at least this surely. */
const UNDER_LABEL_SURE = 0.6;

/**
 * Fields whose label some read found but whose value none gave (layout analysis drops a value line now and
 * then, most often on a tilted photo): the box under each such label, where data pages print the value.
 */
export function valuelessLabels(lines: readonly OcrLine[], fields: readonly PassportField[]): { field: PassportField; box: BoundingBox }[] {
  // Every field's label competes for the words, so that "Date of issue" is not taken for a missing "Place of issue".
  const hits = closestClaims([...PRINTED_FIELDS.flatMap((f) => labelHits(lines, f.label, f.field)), ...OTHER_LABELS.flatMap((label, i) => labelHits(lines, label, `other:${i}`))]);
  return fields.flatMap((field) => {
    const hit = hits.find((h) => h.field === field);
    if (!hit) return [];
    const h = Math.max(4, heightOf(hit.bbox));
    return [{ field, box: { x0: hit.bbox.x0 - UNDER_LABEL.left * h, x1: hit.bbox.x0 + UNDER_LABEL.right * h, y0: hit.bbox.y1, y1: hit.bbox.y1 + UNDER_LABEL.below * h } }];
  });
}

/** The value read alone in the box under its label: the field's value shape, from the first line that has it. */
export function valueUnderLabel(field: PassportField, read: readonly OcrLine[]): LabelledValue | undefined {
  const spec = PRINTED_FIELDS.find((f) => f.field === field);
  for (const line of read) {
    const words = line.words.filter((w) => w.text.trim() !== '');
    const took = spec?.take(words);
    const used = words.slice(0, took?.used ?? 0);
    const confidence = used.reduce((sum, w) => sum + w.confidence, 0) / Math.max(1, used.length);
    // Read without its label beside it, a value must at least read surely: an absent field's spot holds only noise.
    if (took && confidence >= UNDER_LABEL_SURE) return { text: took.text, confidence: Math.min(UNDER_LABEL_CONFIDENCE, confidence) };
  }
  return undefined;
}

/** A printed issue date, when it is one: after birth, before expiry, not after today (else another date was taken). */
export function issueDate(text: string, birth: string, expiry: string, now: number): string | undefined {
  const date = parseDayMonthYear(text, { twoDigitYears: true });
  return date && mayBeIssueDate(date, birth, expiry, now) ? date : undefined;
}

/** A document is issued after its holder's birth, before it expires, and not after today (unknown ends left open). */
function mayBeIssueDate(date: string, birth: string, expiry: string, now: number): boolean {
  return date <= new Date(now).toISOString().slice(0, 10) && (!birth || date > birth) && (!expiry || date < expiry);
}

/**
 * The issue date when no label reads (small label print blurs first): a data page prints three dates, and the MRZ
 * has vouched for two of them. The one printed date that is neither, and lies between birth and expiry and not
 * after today, is the issue date.
 */
export function unlabelledIssueDate(lines: readonly OcrLine[], birth: string, expiry: string, now: number): { date: string; confidence: number } | undefined {
  if (!birth || !expiry) return undefined;
  const found = new Map<string, number>();
  for (const line of lines) {
    for (const match of line.text.matchAll(PRINTED_DATE)) {
      const date = parseDayMonthYear(match[0]);
      if (date && mayBeIssueDate(date, birth, expiry, now)) found.set(date, line.confidence);
    }
  }
  if (found.size !== 1) return undefined;
  const [date, confidence] = [...found][0] as [string, number];
  return { date, confidence };
}

/** A printed date in any of the usual forms: `12 AUG 1974`, `12 AOU/AUG 1974`, `12.08.1974`, `12/08/1974`. */
const PRINTED_DATE = /\d{1,2}\s*[ /.-]?\s*[A-Z0-9]{2,4}[^\s]*(?:\s*[/]\s*[A-Z]{3,4})?\s*[ /.-]?\s*\d{4}/gi;

/**
 * The four-digit birth year the printed zone shows for the MRZ's YYMMDD, wherever it is printed: the MRZ alone
 * cannot tell 1911 from 2011.
 */
export function printedBirthYear(lines: readonly OcrLine[], yymmdd: string): number | undefined {
  if (!/^\d{6}$/.test(yymmdd)) return undefined;
  for (const line of lines) {
    for (const match of line.text.matchAll(PRINTED_DATE)) {
      const iso = parseDayMonthYear(match[0]);
      if (iso && iso.slice(2).replace(/-/g, '') === yymmdd) return Number(iso.slice(0, 4));
    }
  }
  return undefined;
}

/** YYMMDD of a printed date, for checking it against the MRZ. */
const printedDateToMrz = (text: string | undefined) => parseDayMonthYear(text ?? '')?.replace(/^\d\d(\d\d)-(\d\d)-(\d\d)$/, '$1$2$3');

/** The printed zone repeats the number and dates in another font: a second opinion the check digits can weigh. */
export function printedHints(printed: (field: PassportField) => LabelledValue | undefined): Record<string, MrzHint[]> {
  const hints: Record<string, MrzHint[]> = {};
  const number = printed('passport_number');
  const numberText = number?.text
    .toUpperCase()
    .replace(/€/g, 'C')
    .replace(/\$/g, 'S')
    .replace(/[^A-Z0-9]/g, '');
  if (number && numberText && numberText.length <= 9) hints.documentNumber = [{ text: numberText, confidence: number.confidence }];
  for (const [field, mrzField] of [
    ['date_of_birth', 'birthDate'],
    ['date_of_expiry', 'expirationDate'],
  ] as const) {
    const date = printed(field);
    const text = printedDateToMrz(date?.text);
    if (date && text) hints[mrzField] = [{ text, confidence: date.confidence }];
  }
  return hints;
}
