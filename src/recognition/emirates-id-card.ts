/**
 * Emirates ID card, front and back. Fields are found by what they look like and by their labels in the OCR
 * output, never by where one particular layout prints them:
 * - the back carries a TD1 MRZ (`IL` + `ARE` + card number + the 15-digit ID number), read and corrected by its
 *   check digits as for passports, with the ID number's own Luhn digit as an extra check;
 * - the front carries the ID number (784-YYYY-NNNNNNN-C, Luhn-checked) anywhere on the card, and labelled fields in
 *   English and Arabic. The Arabic model reads only the strips the English pass could not read near the English
 *   name and nationality, and the Arabic name is checked against the spellings the English name allows.
 * See docs/recognition.md, "Emirates ID card".
 */
import { Type, type TOptional, type TString } from '@sinclair/typebox';
import { parse as parseMrz } from 'mrz';
import { ApiError } from '../errors/catalogue.js';
import type { PreparedImage, Region } from '../image/prepare.js';
import { ALL_FORMATS } from '../image/intake.js';
import { PageSegmentation, type BoundingBox, type OcrEngine, type OcrLine, type OcrResult, type OcrSymbol, type OcrWord } from '../ocr/engine.js';
import type { Confidence, DocumentType, RecognitionInput } from './document.js';
import { CAP_HEIGHT_GLYPH, fitLine, mean, median, union } from './geometry.js';
import { estimateSkew } from './toolkit/page-skew.js';
import { associateLabels, findLabelHits, labelWordsOf, type FoundValue, type LabelHit, type LabelledField } from './toolkit/labelled-values.js';
import { luhnValid } from './luhn.js';
import { checkDigit } from './mrz/check-digit.js';
import { correctMrz, type MrzHints, type MrzReading } from './mrz/correct.js';
import { birthDateToIso, expiryDateToIso } from './mrz/dates.js';
import { sharedFrame, symbolsToCells, textToCells, type Cell } from './mrz/grid.js';
import { TD1, TD1_UAE } from './mrz/layouts.js';
import { locateMrz, type LocatedMrz } from './mrz/locate.js';
import { bandCells, cellsFromLines, MRZ_WHITELIST, ON_PAGE, readingScore, readRightWayUp, type Placement } from './mrz/band.js';
import { arabicKey, editDistance, matchArabicNationality, matchEnglishNationality, type NationalityMatch } from './nationalities.js';

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
type Field = (typeof EMIRATES_ID_FIELDS)[number];
export type Side = 'front' | 'back';

/** English labels of the fields read from the printed zone. */
const LABELS = {
  // OCR reads "ID" as "1D", "lD" or "10" often enough to allow for it.
  id_number: /\b(?:I\.?D\.?|[1l]D|10|Identity)\s*(?:Number|No\.?|Card\s*No\.?)/i,
  name: /\bName\b/i,
  // Small label print: "Nationatny", "RATIONALITY".
  nationality: /\bNationality\b|\bNational\w*\b|\b[NR]ation[a-z]{2,}\b|\bNat\w*ality\b/i,
  // Small label print loses letters: "Date of Beth" is still the birth date, "Explry" still the expiry.
  date_of_birth: /\bDate\s*[o0]f\s*(?!Iss|Exp)\w+|\bBirth\s*Date\b|\bD\.?O\.?B\.?(?=\s|:|$)/i,
  expiry_date: /\bExp[a-z]{2,}(?:\s*Date)?\b|\bDate\s*[o0]f\s*Exp\w*/i,
  sex: /\bS[ea][xrkn]\b|\bGender\b/i,
  card_number: /\bCard\s*(?:Number|No\.?)/i,
  laser_number: /\bLaser\s*(?:No\.?|Number|#)?/i,
} as const;

/** Labels that end another label's value on the same line, though their fields are not returned. */
const OTHER_LABELS = [/\bIssu(?:ing|e)\s*(?:Date|Place)\b|\bDate\s*of\s*Issue\b/i, /\bOccupation\b/i, /\bEmployer\b/i, /\bSignature\b/i];
const ALL_LABELS: readonly RegExp[] = [...Object.values(LABELS), ...OTHER_LABELS];

/** The Arabic labels of the fields read from Arabic print. */
const ARABIC_LABELS = { name: 'الاسم', nationality: 'الجنسية' } as const;
/** Every Arabic label a card prints, as `arabicKey` spells them: an Arabic value is found by the label before it. */
const ARABIC_LABEL_SPELLINGS: readonly [keyof typeof ARABIC_LABELS | 'other', readonly string[]][] = [
  ['name', ['الاسم', 'الاسمالكامل']],
  ['nationality', ['الجنسية']],
  ['other', ['رقمالهوية', 'تاريخالميلاد', 'الجنس', 'تاريخالانتهاء', 'تاريخالاصدار', 'المهنة', 'جهةالعمل', 'مكانالاصدار', 'رقمالبطاقة', 'التوقيع']],
];

/** What OCR reads for a digit in numbers printed on the card. */
const DIGIT_LOOKALIKES: Record<string, string> = {
  O: '0', o: '0', D: '0', Q: '0', U: '0', I: '1', l: '1', '|': '1', i: '1', '!': '1', L: '1', J: '1',
  Z: '2', z: '2', S: '5', s: '5', $: '5', G: '6', b: '6', T: '7', B: '8', g: '9', q: '9', A: '4',
};
/** Digits OCR mistakes for one another, likeliest first. */
const DIGIT_CONFUSIONS: Record<string, string> = {
  '0': '8690', '1': '74', '2': '73', '3': '8952', '4': '19', '5': '639', '6': '580', '7': '12', '8': '30695', '9': '8035',
};
const DASHES = /[-‐‑‒–—―_~.]/;

/**
 * How English spellings of names map to Arabic letters, for checking the Arabic name OCR read against the
 * English name printed beside it. Longest spellings first; the likeliest Arabic letters first. Short vowels may
 * be unwritten ('').
 */
const NAME_SPELLINGS: readonly (readonly [latin: string, arabic: readonly string[]])[] = [
  ['sh', ['ش']], ['kh', ['خ']], ['gh', ['غ']], ['th', ['ث', 'ت', 'ذ']], ['dh', ['ذ', 'ض', 'ظ']], ['ch', ['تش', 'ش']], ['ph', ['ف']],
  ['aa', ['ا', 'ع', 'اء']], ['ee', ['ي']], ['ii', ['ي']], ['oo', ['و']], ['ou', ['و']], ['uu', ['و']], ['ow', ['و', 'او']],
  ['ai', ['ي', 'اي', 'ائ']], ['ay', ['اي', 'ي']], ['ei', ['ي']], ['ie', ['ي', 'يا', 'يي']], ['ae', ['ا']], ['oa', ['و']],
  ['b', ['ب']], ['p', ['ب']], ['t', ['ت', 'ط']], ['j', ['ج']], ['h', ['ه', 'ح']], ['d', ['د', 'ض']], ['r', ['ر']], ['z', ['ز', 'ظ', 'ذ']],
  ['s', ['س', 'ص', 'ز']], ['f', ['ف']], ['v', ['ف']], ['q', ['ق', 'ك']], ['k', ['ك', 'ق']], ['c', ['ك', 'س']], ['g', ['ج', 'غ', 'ق']],
  ['l', ['ل']], ['m', ['م']], ['n', ['ن']], ['w', ['و']], ['y', ['ي']], ['x', ['كس']],
  ['a', ['', 'ا', 'ع', 'ى']], ['e', ['', 'ي', 'ا', 'ع']], ['i', ['', 'ي', 'ا', 'ئ']], ['o', ['', 'و', 'ا']], ['u', ['', 'و', 'ا', 'ع']],
];
/** A vowel opening a word is written with an alef (with or without hamza) or an ain. */
const NAME_INITIAL_VOWELS: Readonly<Record<string, readonly string[]>> = {
  a: ['ا', 'أ', 'ع', 'آ'], e: ['إ', 'ا', 'أ', 'ع'], i: ['إ', 'ا', 'ي'], o: ['أ', 'ا', 'ع', 'و'], u: ['أ', 'ا', 'ع', 'و'],
};
/** A word's last vowel: long vowels and the feminine ending. */
const NAME_FINAL_VOWELS: Readonly<Record<string, readonly string[]>> = {
  a: ['ا', 'ة', 'ى', 'ه', ''], ah: ['ة', 'ه', 'اه', 'ا'], e: ['', 'ي', 'ه', 'ة'], i: ['ي', 'ى'], o: ['و', ''], u: ['و', ''], y: ['ي'],
};
/** Arabic letters that differ only in their dots, the commonest OCR confusion. */
const ARABIC_SAME_SKELETON = ['بتثنيىئ', 'جحخ', 'دذ', 'رز', 'سش', 'صض', 'طظ', 'عغ', 'فق', 'هة', 'اأإآل', 'وؤ'];
/** Other pairs OCR confuses in a naskh face such as Amiri. */
const ARABIC_LOOKALIKES = ['هب', 'مه', 'كل', 'فغ', 'قو', 'عه', 'يا'];

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

const round = (value: number) => Math.round(value * 1000) / 1000;
const height = (box: BoundingBox) => box.y1 - box.y0;
const centreY = (box: BoundingBox) => (box.y0 + box.y1) / 2;

// ---- the ID number: pattern, Luhn ----

export interface IdNumberReading {
  /** 15 digits. */
  digits: string;
  /** Whether the Luhn digit holds (after corrections). */
  valid: boolean;
  corrections: number;
  confidence: number;
  /** Where it was read, for a second look. */
  bbox?: BoundingBox;
}

/** `784199012345671` → `784-1990-1234567-1`. */
export function formatIdNumber(digits: string): string {
  return /^\d{15}$/.test(digits) ? `${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7, 14)}-${digits.slice(14)}` : '';
}

/**
 * Makes 15 OCR digits pass the Luhn check with the likeliest single substitution (digit confusions, costlier where
 * OCR was confident), the `784` country prefix being fixed. Luhn catches every single-digit error but corrects
 * only what the confusion table allows; a number it cannot repair is returned as read and marked invalid.
 */
export function correctIdNumber(digits: string, confidences: readonly number[] = []): IdNumberReading {
  const ocr = mean(confidences.length ? [...confidences] : [0.9]);
  const prefixFixes = [...'784'].filter((d, i) => digits[i] !== d).length;
  const fixed = `784${digits.slice(3)}`;
  if (luhnValid(fixed)) {
    const confidence = prefixFixes === 0 ? 0.9 + 0.1 * ocr : Math.min(0.89, 0.6 + 0.3 * ocr);
    return { digits: fixed, valid: true, corrections: prefixFixes, confidence };
  }
  let best: { digits: string; cost: number } | undefined;
  for (let i = 3; i < 15; i++) {
    const read = fixed[i] as string;
    [...(DIGIT_CONFUSIONS[read] ?? '')].forEach((alternative, rank) => {
      const candidate = fixed.slice(0, i) + alternative + fixed.slice(i + 1);
      if (!luhnValid(candidate)) return;
      // The year after 784 is a plausible year; a substitution that breaks that is unlikely to be the fix.
      const yearPenalty = /^784(19|20)\d\d/.test(candidate) ? 0 : 1;
      const cost = (confidences[i] ?? 0.5) + rank * 0.05 + yearPenalty;
      if (!best || cost < best.cost) best = { digits: candidate, cost };
    });
  }
  if (!best) return { digits: fixed, valid: false, corrections: prefixFixes, confidence: Math.min(ocr, 0.5) };
  return { digits: best.digits, valid: true, corrections: prefixFixes + 1, confidence: Math.min(0.89, 0.6 + 0.3 * ocr) };
}

interface CharRun {
  chars: string;
  confidences: number[];
  boxes: BoundingBox[];
}

/** A line's symbols as one string, digit look-alikes turned into digits, with each character's confidence and box. */
function numericRun(line: OcrLine): CharRun {
  const run: CharRun = { chars: '', confidences: [], boxes: [] };
  line.words.forEach((word, w) => {
    if (w > 0) {
      run.chars += ' ';
      run.confidences.push(1);
      run.boxes.push(word.bbox);
    }
    const symbols = word.symbols.length ? word.symbols : [...word.text].map((text) => ({ text, confidence: word.confidence, bbox: word.bbox }));
    for (const symbol of symbols) {
      for (const char of symbol.text) {
        run.chars += DASHES.test(char) ? '-' : (DIGIT_LOOKALIKES[char] ?? char);
        run.confidences.push(symbol.confidence);
        run.boxes.push(symbol.bbox);
      }
    }
  });
  return run;
}

/** 784, four digits, seven digits and one, grouped by dashes or spaces, or run together. */
const ID_NUMBER_PATTERN = /(?<![0-9])([0-9]{3})\s?-?\s?([0-9]{4})\s?-?\s?([0-9]{7})\s?-?\s?([0-9])(?![0-9])/g;

/** Every ID-number-shaped sequence in the lines, best first: grouped like the card prints it, starting 784. */
export function findIdNumbers(lines: readonly OcrLine[]): (IdNumberReading & { grouped: boolean })[] {
  const found: (IdNumberReading & { grouped: boolean; score: number })[] = [];
  for (const line of lines) {
    const run = numericRun(line);
    for (const match of run.chars.matchAll(ID_NUMBER_PATTERN)) {
      const prefix = match[1] ?? '';
      // A misread prefix is still the ID number when the rest is grouped like one; a plain 15-digit run must say 784.
      const grouped = /-/.test(match[0]);
      const prefixErrors = [...'784'].filter((d, i) => prefix[i] !== d).length;
      if (prefixErrors > (grouped ? 1 : 0)) continue;
      const positions = [...match[0]].flatMap((c, i) => (/[0-9]/.test(c) ? [(match.index ?? 0) + i] : []));
      const digits = positions.map((p) => run.chars[p]).join('');
      const confidences = positions.map((p) => run.confidences[p] ?? 0.5);
      const reading = correctIdNumber(digits, confidences);
      const bbox = union(positions.map((p) => run.boxes[p] as BoundingBox));
      found.push({ ...reading, bbox, grouped, score: (grouped ? 2 : 0) + (reading.valid ? 1 : 0) - reading.corrections * 0.1 });
    }
  }
  return found.sort((a, b) => b.score - a.score).map(({ score: _score, ...rest }) => rest);
}

// ---- labelled values ----

/** The label's own words (the back's printed fields and the side evidence predate bilingual label phrases). */
const findLabels = (lines: readonly OcrLine[], label: RegExp, field: string): LabelHit[] => findLabelHits(lines, label, field, { otherScript: false });

type ValueKind = 'text' | 'date' | 'sex' | 'number';

/** Words a value of this kind may consist of; the value ends at the first that fails. */
const VALUE_WORD: Record<ValueKind, RegExp> = {
  text: /^[A-Za-z][A-Za-z'’.-]*,?$/,
  date: /^[0-9OoIlSBZ|/.\-]+$/,
  sex: /^(?:[MF][mf]?|[mf][MF]|MALE|FEMALE|Male|Female)$/,
  number: /^[0-9OoIlSBZ|\-.–—]+$/,
};

export interface LabelledValue {
  text: string;
  confidence: number;
  bbox: BoundingBox;
}

/**
 * Leading colons, slashes and dashes that separate a label from its value; a bar ending a capitalised word is
 * its last I.
 */
const cleanWord = (word: OcrWord): OcrWord => ({
  ...word,
  text: word.text
    .replace(/^[:;/.\-|]+/, '')
    .replace(/(?<=[A-Z]{2})\|$/, 'I')
    .replace(/[:;|]+$/, ''),
});

function takeValue(words: readonly OcrWord[], kind: ValueKind, lineHeight: number, minConfidence = 0.3): OcrWord[] {
  const value: OcrWord[] = [];
  for (const raw of words) {
    const cleaned = cleanWord(raw);
    // A lone letter picks up specks as symbols ("™M"): only its letters count.
    const word = kind === 'sex' ? { ...cleaned, text: cleaned.text.replace(/[^A-Za-z]/g, '') } : cleaned;
    if (word.text === '') continue;
    const previous = value.at(-1);
    // A wide gap ends the value: what follows belongs to another column (often the Arabic half of the row).
    if (previous && word.bbox.x0 - previous.bbox.x1 > 2.2 * lineHeight) break;
    // A capitalised word of plain letters is kept however unsure OCR was of it (names end in a bar read for I);
    // anything else must be read with some confidence.
    const plainLetters = kind === 'text' && /^[A-Z][A-Za-z]+$/.test(word.text);
    if (!VALUE_WORD[kind].test(word.text) || (word.confidence < minConfidence && !plainLetters)) break;
    value.push(word);
    if (kind === 'sex') break;
  }
  return value;
}

/**
 * The value of a labelled field: the words after the label on its line (up to the next label or a wide gap), or
 * else the words under the label on the nearest line below, within the label's column (which ends where the next
 * label on the label's row begins).
 */
export function findLabelledValue(lines: readonly OcrLine[], field: keyof typeof LABELS, kind: ValueKind): LabelledValue | undefined {
  const allHits = ALL_LABELS.flatMap((label, i) => findLabels(lines, label, String(i)));
  for (const hit of findLabels(lines, LABELS[field], field)) {
    const lineHeight = height(hit.bbox);
    const nextOnLine = allHits
      .filter((h) => h.line === hit.line && h.first > hit.last)
      .reduce((min, h) => Math.min(min, h.first), hit.line.words.length);
    const sameLine = takeValue(hit.line.words.slice(hit.last + 1, nextOnLine), kind, lineHeight);
    if (sameLine.length) return toValue(sameLine);

    const rowEnd = allHits
      .filter((h) => h.bbox.x0 > hit.bbox.x1 && Math.abs((h.bbox.y0 + h.bbox.y1) / 2 - (hit.bbox.y0 + hit.bbox.y1) / 2) < lineHeight)
      .reduce((min, h) => Math.min(min, h.bbox.x0), Infinity);
    const below = lines
      .filter((l) => l !== hit.line && centreY(l.bbox) > centreY(hit.bbox) + lineHeight * 0.6 && l.bbox.y0 - hit.bbox.y1 < lineHeight * 2.5)
      .map((l) => l.words.filter((w) => w.bbox.x1 > hit.bbox.x0 - lineHeight && w.bbox.x0 < rowEnd - lineHeight * 0.5))
      .filter((words) => words.length > 0)
      .sort((a, b) => (a[0]?.bbox.y0 ?? 0) - (b[0]?.bbox.y0 ?? 0))[0];
    if (below && !allHits.some((h) => h.line.words.includes(below[0] as OcrWord))) {
      const value = takeValue(below, kind, lineHeight);
      if (value.length) return toValue(value);
    }
  }
  return undefined;
}

function toValue(words: readonly OcrWord[]): LabelledValue {
  return {
    text: words.map((w) => cleanWord(w).text).join(' ').trim(),
    confidence: mean(words.map((w) => w.confidence)),
    bbox: union(words.map((w) => w.bbox)),
  };
}

const asDigits = (text: string) => [...text].map((c) => DIGIT_LOOKALIKES[c] ?? c).join('');

/** A printed card date, DD/MM/YYYY (or run together), to YYYY-MM-DD; undefined when not a date. */
export function parseCardDate(text: string): string | undefined {
  const named = monthNamed(text);
  const t = asDigits(text).replace(/\s+/g, '');
  const m = named ?? /(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})/.exec(t) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(t);
  if (!m) return undefined;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || year > 2200 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** `12 MAY 1990` (or `12MAY1990`, `12 May 1990`) as [, day, month, year]; OCR's 0/O and 1/I are mapped in the numbers. */
function monthNamed(text: string): [string, string, string, string] | undefined {
  const m = /([0-9OoIlSBZ|]{1,2})\s*[-/.]?\s*([A-Za-z]{3})[A-Za-z]*\.?\s*[-/.]?\s*([0-9OoIlSBZ|]{4})/.exec(text);
  if (!m) return undefined;
  const month = MONTH_NAMES.indexOf((m[2] ?? '').toUpperCase().replace(/0/g, 'O'));
  if (month < 0) return undefined;
  return [m[0], asDigits(m[1] ?? ''), String(month + 1), asDigits(m[3] ?? '')];
}

function parseSex(text: string): string | undefined {
  const first = text.trim().toUpperCase()[0];
  return first === 'M' || first === 'F' ? first : undefined;
}

// ---- side detection ----

/** The start of the back's first MRZ line, `IL` + `ARE`, as OCR tends to read it. */
const UAE_MRZ_START = /^[I1l|][LDC<]?[A4]RE[0-9]/;

/**
 * A line that could be one of the three TD1 lines of the back: about 30 MRZ characters (OCR adds symbols to filler
 * runs and may split a line), with fillers or long digit runs.
 */
function looksLikeTd1Line(line: OcrLine): boolean {
  const compact = line.text.replace(/\s+/g, '');
  if (compact.length < 16 || compact.length > 48) return false;
  const mrzChars = compact.replace(/[^A-Z0-9<«]/g, '').length;
  if (mrzChars / compact.length < 0.85) return false;
  const fillers = (compact.match(/[<«]|KK|LL|KL|LK|CK|KC/g) ?? []).length;
  const digits = (compact.match(/[0-9]/g) ?? []).length;
  return fillers >= 2 || digits >= 12 || UAE_MRZ_START.test(compact);
}

export interface SideEvidence {
  /** MRZ-like lines, top to bottom. */
  mrzLines: OcrLine[];
  idNumbers: ReturnType<typeof findIdNumbers>;
  /** Front labels seen (English). */
  frontLabels: number;
}

export function gatherEvidence(lines: readonly OcrLine[]): SideEvidence {
  const mrzLines = lines.filter(looksLikeTd1Line);
  const idNumbers = findIdNumbers(lines.filter((l) => !mrzLines.includes(l)));
  const frontLabels = (['id_number', 'name', 'nationality'] as const).filter((f) => findLabels(lines, LABELS[f], f).length > 0).length;
  return { mrzLines, idNumbers, frontLabels };
}

/** The side the OCR text shows, or undefined when it shows neither. */
export function detectSide(evidence: SideEvidence): Side | undefined {
  if (evidence.mrzLines.length >= 2 || evidence.mrzLines.some((l) => UAE_MRZ_START.test(l.text.replace(/\s+/g, '')))) return 'back';
  if (evidence.idNumbers.some((n) => n.grouped) || evidence.frontLabels >= 2) return 'front';
  if (evidence.idNumbers.length > 0) return 'front';
  return undefined;
}

// ---- front ----

/** Print on every front that is never a field's value: the card's titles and the specimen notice. */
const HEADING_WORDS = /^(?:UNITED|ARAB|EMIRATES|IDENTITY|IDENTIFICATION|CARD|RESIDENT|STATE|GOVERNMENT|FEDERAL|AUTHORITY|SYNTHETIC|SPECIMEN|DOCUMENT|NOT|AN)$/i;
const NAME_WORD = /^[A-Za-z][A-Za-z'’.-]*,?$/;

/** A name from the start of some words: plain words, however unsure OCR was of capitalised ones. */
function takeName(words: readonly OcrWord[]): { text: string; used: number } | undefined {
  const h = median(words.map((w) => height(w.bbox)));
  let start = 0;
  // A short lower-case word before capitalised ones is a remnant of a label in the other script ("al", "awl").
  while (start < words.length - 1 && /^[a-z]{1,4}$/.test(words[start]?.text ?? '') && /^[A-Z]/.test(words[start + 1]?.text ?? '')) start++;
  const value: OcrWord[] = [];
  for (const word of words.slice(start)) {
    const previous = value.at(-1);
    if (previous && word.bbox.x0 - previous.bbox.x1 > 2.2 * h) break;
    const capitalised = /^[A-Z][A-Za-z]+$/.test(word.text);
    if (!NAME_WORD.test(word.text) || (word.confidence < 0.3 && !capitalised)) break;
    value.push(word);
  }
  if (value.length === 0 || value.every((w) => HEADING_WORDS.test(w.text))) return undefined;
  return { text: value.map((w) => w.text).join(' '), used: start + value.length };
}

/** A nationality: the one to three words that come closest to a table entry, else the plain words as read. */
function takeNationality(words: readonly OcrWord[]): { text: string; used: number } | undefined {
  let best: { text: string; used: number; distance: number } | undefined;
  for (let end = 1; end <= Math.min(3, words.length); end++) {
    const text = words.slice(0, end).map((w) => w.text).join(' ');
    const match = matchEnglishNationality(text);
    if (match && (!best || match.distance < best.distance)) best = { text, used: end, distance: match.distance };
  }
  return best ?? takeName(words);
}

/** A date: the fewest words from the start that read as a card date. */
function takeDate(words: readonly OcrWord[]): { text: string; used: number } | undefined {
  for (let end = 1; end <= Math.min(4, words.length); end++) {
    const text = words.slice(0, end).map((w) => w.text).join(' ');
    if (parseCardDate(text)) return { text, used: end };
  }
  return undefined;
}

function takeSex(words: readonly OcrWord[]): { text: string; used: number } | undefined {
  const text = (words[0]?.text ?? '').replace(/[^A-Za-z]/g, '');
  return VALUE_WORD.sex.test(text) ? { text, used: 1 } : undefined;
}

/** The front's labelled fields; the other labels only end values. */
const FRONT_FIELDS: readonly LabelledField[] = [
  { field: 'name', label: LABELS.name, take: takeName },
  { field: 'nationality', label: LABELS.nationality, take: takeNationality },
  { field: 'date_of_birth', label: LABELS.date_of_birth, take: takeDate, distinctive: true },
  { field: 'expiry_date', label: LABELS.expiry_date, take: takeDate, distinctive: true },
  { field: 'sex', label: LABELS.sex, take: takeSex, distinctive: true },
];
const FRONT_OTHER_LABELS: readonly RegExp[] = [LABELS.id_number, LABELS.card_number, ...OTHER_LABELS];

/** The front's labelled values found on the page's lines, whatever the design does with its labels. */
export function associateFront(lines: readonly OcrLine[]): Map<string, FoundValue> {
  return associateLabels(lines, FRONT_FIELDS, FRONT_OTHER_LABELS);
}

/** A nationality no label vouches for: one to three words, off the card's title, that name a table entry almost exactly. */
function unlabelledNationality(lines: readonly OcrLine[], claimed: ReadonlySet<BoundingBox>): LabelledValue | undefined {
  let best: { value: LabelledValue; distance: number } | undefined;
  for (const line of lines) {
    if (line.words.some((w) => /^(?:IDENTITY|CARD|RESIDENT)$/i.test(w.text))) continue;
    const words = line.words.map(cleanWord);
    for (let start = 0; start < words.length; start++) {
      for (let end = start + 1; end <= Math.min(words.length, start + 3); end++) {
        const run = words.slice(start, end);
        if (run.some((w) => claimed.has(w.bbox) || w.confidence < 0.8 || HEADING_WORDS.test(w.text))) continue;
        const value = toValue(run);
        const match = matchEnglishNationality(value.text);
        if (match && match.distance <= 0.12 && (!best || match.distance < best.distance)) best = { value: { ...value, confidence: Math.min(0.8, value.confidence) }, distance: match.distance };
      }
    }
  }
  return best?.value;
}

/** Every date on the page that no label claimed, earliest first. */
function unlabelledDates(lines: readonly OcrLine[], claimed: ReadonlySet<BoundingBox>): { iso: string; year: number; confidence: number }[] {
  const dates: { iso: string; year: number; confidence: number }[] = [];
  for (const line of lines) {
    const words = line.words.map(cleanWord);
    for (let i = 0; i < words.length; i++) {
      for (const length of [1, 3]) {
        const run = words.slice(i, i + length);
        if (run.length < length || run.some((w) => claimed.has(w.bbox))) continue;
        const iso = parseCardDate(run.map((w) => w.text).join(' '));
        if (iso && (length === 1 ? /^[0-9OoIlSBZ|]{1,2}[/.\-]/.test(run[0]?.text ?? '') : true)) {
          dates.push({ iso, year: Number(iso.slice(0, 4)), confidence: mean(run.map((w) => w.confidence)) });
          i += length - 1;
          break;
        }
      }
    }
  }
  return dates.sort((a, b) => a.iso.localeCompare(b.iso));
}

/**
 * The name on a card that prints no label for it: the largest print of two or more capitalised name words that
 * no label claimed and that is neither a heading nor a nationality.
 */
function unlabelledName(lines: readonly OcrLine[], claimed: ReadonlySet<BoundingBox>, labelWords: ReadonlySet<OcrWord>): LabelledValue | undefined {
  const candidates: { value: LabelledValue; size: number }[] = [];
  for (const line of lines) {
    const h = height(line.bbox);
    let run: OcrWord[] = [];
    const flush = () => {
      const words = run;
      run = [];
      if (words.length < 2 || words.some((w) => claimed.has(w.bbox) || labelWords.has(w) || HEADING_WORDS.test(w.text))) return;
      if (!words.every((w) => /^[A-Z][A-Za-z'’-]*$/.test(w.text) && w.confidence >= 0.7)) return;
      const value = toValue(words);
      const nationality = matchEnglishNationality(value.text);
      if (nationality && nationality.distance < 0.25) return;
      candidates.push({ value, size: median(words.map((w) => height(w.bbox))) });
    };
    for (const word of line.words) {
      const previous = run.at(-1);
      if (previous && word.bbox.x0 - previous.bbox.x1 > 2.2 * Math.min(h, height(word.bbox) * 1.5)) flush();
      if (NAME_WORD.test(word.text)) run.push(word);
      else flush();
    }
    flush();
  }
  const largest = Math.max(0, ...candidates.map((c) => c.size));
  return candidates.filter((c) => c.size >= largest * 0.85).sort((a, b) => a.value.bbox.y0 - b.value.bbox.y0)[0]?.value;
}

interface Values {
  values: Partial<Record<Field, string>>;
  confidence: Partial<Record<Field, number>>;
}

const ARABIC_WORD = /^[\u0621-\u064A]+$/;

/**
 * Words the English pass could not read as English. Arabic text comes out of it as low-confidence Latin
 * garbage, which is how the Arabic regions are found without reading the whole card twice.
 */
function isForeignWord(word: OcrWord): boolean {
  return word.confidence < 0.6 || !/^[A-Za-z0-9:/.,'’()\-]+$/.test(word.text);
}

/** A word read as English beyond doubt: it ends a run of foreign words. */
function isSureEnglish(word: OcrWord): boolean {
  return word.confidence >= 0.85 && /^[A-Za-z0-9:/.,'’()\-]+$/.test(word.text);
}

/**
 * Runs of foreign words in the English pass: where the card prints something other than English. Garbage read
 * from Arabic now and then looks like a short English word, so only sure English words (or a wide gap) end a run.
 */
export function foreignStrips(lines: readonly OcrLine[]): BoundingBox[] {
  const strips: BoundingBox[] = [];
  for (const line of lines) {
    let run: OcrWord[] = [];
    const flush = () => {
      // A "word" far taller than its neighbours is a picture (the photo) that OCR took for text.
      const typical = [...run.map((w) => height(w.bbox))].sort((a, b) => a - b)[Math.floor(run.length / 2)] ?? 0;
      const text = run.filter((w) => height(w.bbox) <= 1.8 * typical);
      if (text.some(isForeignWord)) {
        const box = union(text.map((w) => w.bbox));
        // OCR's word boxes for script it cannot read often stop short of the line's ends; the line box does not.
        if (height(line.bbox) <= 1.5 * height(box)) {
          if (run[0] === line.words[0]) box.x0 = Math.min(box.x0, line.bbox.x0);
          if (run.at(-1) === line.words.at(-1)) box.x1 = Math.max(box.x1, line.bbox.x1);
        }
        strips.push(box);
      }
      run = [];
    };
    for (const word of line.words) {
      const previous = run.at(-1);
      if (isSureEnglish(word) || (previous && word.bbox.x0 - previous.bbox.x1 > 3 * height(line.bbox))) flush();
      if (!isSureEnglish(word)) run.push(word);
    }
    flush();
  }
  return strips.filter((b) => height(b) >= 8 && b.x1 - b.x0 >= height(b));
}

/** An Arabic OCR reading of one strip, tokens in reading order (right to left), punctuation removed. */
interface ArabicStrip {
  bbox: BoundingBox;
  tokens: { text: string; colon: boolean; confidence: number; bbox: BoundingBox }[];
}

function arabicTokens(lines: readonly OcrLine[]): ArabicStrip['tokens'] {
  // A colon (the end of a label) becomes a token of its own, even when OCR joined it to the next word.
  return lines.flatMap((line) =>
    line.words.flatMap((word) =>
      word.text
        .split(/([:؛])/)
        .map((part) => ({
          // A bar, an exclamation mark or an Arabic-Indic one is how OCR often reads a lone alef.
          text: part.replace(/[\u064B-\u0652\u0640؛،.:\s\p{Cf}]/gu, '').replace(/^[|!١]$/, 'ا'),
          colon: /^[:؛]$/.test(part),
          confidence: word.confidence,
          bbox: word.bbox,
        }))
        .filter((t) => t.text.length > 0 || t.colon),
    ),
  );
}

type ArabicLabel = keyof typeof ARABIC_LABELS | 'other';

/** The label a run of tokens most resembles, if it resembles one closely enough for a short, noisy read. */
function classifyArabicLabel(text: string, tolerance: number): ArabicLabel | undefined {
  const key = arabicKey(text).replace(/[^\u0621-\u064A]/g, '');
  if (key.length < 2) return undefined;
  let best: { label: ArabicLabel; distance: number } | undefined;
  for (const [label, spellings] of ARABIC_LABEL_SPELLINGS) {
    for (const spelling of spellings) {
      const distance = editDistance(key, spelling) / Math.max(key.length, spelling.length);
      if (!best || distance < best.distance) best = { label, distance };
    }
  }
  return best && best.distance <= tolerance ? best.label : undefined;
}

/**
 * Where a strip's label ends and which label it is: the words before a colon near the strip's start (OCR
 * garbles Amiri's stacked "الاسم", but rarely the colon), or else a word that is nearly a label.
 */
function stripLabel(strip: ArabicStrip): { label: ArabicLabel; end: number } | undefined {
  const colon = strip.tokens.findIndex((t) => t.colon);
  if (colon >= 0 && colon <= 3) {
    const label = classifyArabicLabel(strip.tokens.slice(0, colon).map((t) => t.text).join(''), 0.6);
    if (label) return { label, end: colon + 1 };
  }
  for (let i = 0; i < Math.min(3, strip.tokens.length); i++) {
    const label = classifyArabicLabel(strip.tokens[i]?.text ?? '', 0.25);
    if (label) return { label, end: i + 1 };
  }
  return undefined;
}

interface ArabicValue {
  text: string;
  confidence: number;
  bbox: BoundingBox;
}

function arabicValue(tokens: ArabicStrip['tokens']): ArabicValue | undefined {
  // Reading order runs right to left: a wide gap leftwards ends the value (the English half of the row follows).
  const value: ArabicStrip['tokens'] = [];
  for (const token of tokens) {
    if (!ARABIC_WORD.test(token.text)) {
      if (value.length) break;
      continue;
    }
    const previous = value.at(-1);
    if (previous && previous.bbox.x0 - token.bbox.x1 > 2.5 * height(previous.bbox)) break;
    value.push(token);
  }
  const text = value.map((t) => t.text).join(' ');
  // A lone letter is a speck or a stroke of the label, not a value; nor is a label read on its own.
  if (text.length < 2 || classifyArabicLabel(text, 0.2)) return undefined;
  return { text, confidence: mean(value.map((t) => t.confidence)), bbox: union(value.map((t) => t.bbox)) };
}

/**
 * The Arabic value of a labelled field among the strips read: the rest of the label's strip, or else the next
 * strip to its left on the same row, or the strip below it. Failing a label, the unlabelled strip nearest the
 * English value's row.
 */
function findArabicValue(strips: readonly ArabicStrip[], field: keyof typeof ARABIC_LABELS, englishRow: BoundingBox | undefined, english?: string): ArabicValue | undefined {
  const labelled = strips.map((strip) => ({ strip, label: stripLabel(strip) }));
  for (const { strip, label } of labelled) {
    if (label?.label !== field) continue;
    const rest = arabicValue(strip.tokens.slice(label.end));
    if (rest) return rest;
    // A label alone: its value is the nearest unlabelled strip on its row (either side: a bilingual English label
    // puts the English between them), or else the strip just below it.
    const labelBox = strip.tokens[label.end - 1]?.bbox ?? strip.bbox;
    const h = height(labelBox);
    const unlabelled = labelled.filter((l) => l.strip !== strip && !l.label).map((l) => l.strip);
    const sameRow = unlabelled
      .filter((s) => Math.abs(centreY(s.bbox) - centreY(labelBox)) < h)
      .sort((a, b) => Math.min(Math.abs(a.bbox.x0 - labelBox.x1), Math.abs(labelBox.x0 - a.bbox.x1)) - Math.min(Math.abs(b.bbox.x0 - labelBox.x1), Math.abs(labelBox.x0 - b.bbox.x1)));
    const below = unlabelled.filter((s) => s.bbox.y0 > labelBox.y0 + h * 0.5 && s.bbox.y0 - labelBox.y1 < 2 * h).sort((a, b) => a.bbox.y0 - b.bbox.y0);
    for (const next of [...sameRow, ...below]) {
      const value = arabicValue(next.tokens);
      if (value) return value;
    }
  }
  if (!englishRow) return undefined;
  // No label read: among the unlabelled strips, the one whose reading fits the field (a nationality in the table,
  // a spelling of the English name), else the nearest to the English value's row.
  const values = labelled
    .filter(({ label }) => !label)
    .map(({ strip }) => ({ strip, value: arabicValue(strip.tokens.slice(strip.tokens.findIndex((t) => t.colon) + 1)) }))
    .filter((v): v is { strip: ArabicStrip; value: ArabicValue } => v.value !== undefined)
    .filter(({ value }) => field !== 'name' || value.text.split(' ').length >= 2 || value.text.length >= 4);
  const distance = (strip: ArabicStrip) => Math.abs(centreY(strip.bbox) - centreY(englishRow)) / Math.max(1, height(englishRow));
  const fit = ({ strip, value }: { strip: ArabicStrip; value: ArabicValue }): number => {
    if (field === 'nationality') {
      const match = matchArabicNationality(value.text);
      return (match && match.distance <= 0.4 ? match.distance : 1) + distance(strip) * 0.05;
    }
    const words = Math.max(1, (english ?? '').split(/\s+/).length);
    const spelling = english ? closestSpelling(nameSpellings(english), cleanArabicName(value.text)).cost / words : 0;
    // A nationality is not a name.
    const nationality = matchArabicNationality(value.text);
    return Math.min(spelling, 3) / 3 + (nationality && nationality.distance < 0.2 ? 1 : 0) + distance(strip) * 0.05;
  };
  const best = values.map((v) => ({ value: v.value, fit: fit(v) })).sort((a, b) => a.fit - b.fit)[0];
  return best && (field !== 'nationality' || best.fit < 1) ? best.value : undefined;
}

/** Reads a strip with the Arabic model, as one line. */
async function readArabicStrip(image: PreparedImage, engine: OcrEngine, bbox: BoundingBox): Promise<ArabicStrip> {
  const h = height(bbox);
  const crop = await image.region(regionOf(image, bbox, h * 0.6, h * 0.35));
  const result = await engine.recognize({ image: crop, lang: 'ara', psm: PageSegmentation.singleLine });
  // Word boxes come back in the crop's coordinates; the strip's origin puts them on the page.
  const x0 = Math.max(0, Math.round(bbox.x0 - h * 0.6));
  const y0 = Math.max(0, Math.round(bbox.y0 - h * 0.35));
  const shift = (b: BoundingBox): BoundingBox => ({ x0: b.x0 + x0, x1: b.x1 + x0, y0: b.y0 + y0, y1: b.y1 + y0 });
  return { bbox, tokens: arabicTokens(result.lines).map((t) => ({ ...t, bbox: shift(t.bbox) })) };
}

/**
 * The Arabic strips worth reading: those on or next to the rows of the English name and nationality, nearest
 * first (the Arabic name is printed beside, above or below the English one on every layout seen).
 */
function stripsNear(strips: readonly BoundingBox[], anchors: readonly BoundingBox[]): BoundingBox[] {
  const distance = (strip: BoundingBox) =>
    Math.min(...anchors.map((a) => Math.abs(centreY(strip) - centreY(a)) / height(a)));
  return strips
    .filter((s) => distance(s) < 3.6)
    .sort((a, b) => distance(a) - distance(b))
    .slice(0, 4);
}

/** Keeps the case the card prints: a capitalised reading snaps to the table's spelling in capitals. */
function inPrintedCase(read: string, canonical: string): string {
  return read === read.toUpperCase() ? canonical.toUpperCase() : canonical;
}

function nationalityValues(english: LabelledValue | undefined, arabic: ArabicValue | undefined): Values {
  const englishMatch: NationalityMatch | undefined = english ? matchEnglishNationality(english.text) : undefined;
  const arabicMatch: NationalityMatch | undefined = arabic ? matchArabicNationality(arabic.text) : undefined;
  const values: Values = { values: {}, confidence: {} };
  const snapped = (match: NationalityMatch, ocr: number) => Math.min(0.95, ocr) * (1 - match.distance);
  if (englishMatch && english) {
    values.values.nationality = inPrintedCase(english.text, englishMatch.nationality.english);
    values.confidence.nationality = snapped(englishMatch, english.confidence);
  } else if (english) {
    values.values.nationality = english.text;
    values.confidence.nationality = Math.min(0.7, english.confidence);
  }
  if (arabicMatch && arabic && (!englishMatch || arabicMatch.nationality === englishMatch.nationality)) {
    values.values.nationality_arabic = arabicMatch.nationality.arabic;
    // Both scripts naming the same nationality is strong evidence.
    values.confidence.nationality_arabic = Math.min(0.95, snapped(arabicMatch, arabic.confidence) + (englishMatch ? 0.1 : 0));
  } else if (englishMatch) {
    // Unreadable (or contradicting) Arabic: the table's Arabic name for what the English says, less certain.
    values.values.nationality_arabic = englishMatch.nationality.arabic;
    values.confidence.nationality_arabic = Math.min(0.6, values.confidence.nationality ?? 0);
  } else if (arabicMatch && arabic) {
    values.values.nationality_arabic = arabicMatch.nationality.arabic;
    values.confidence.nationality_arabic = snapped(arabicMatch, arabic.confidence);
    if (!english) {
      values.values.nationality = arabicMatch.nationality.english;
      values.confidence.nationality = Math.min(0.6, values.confidence.nationality_arabic);
    }
  } else if (arabic) {
    values.values.nationality_arabic = arabic.text;
    values.confidence.nationality_arabic = Math.min(0.5, arabic.confidence);
  }
  return values;
}

/** Pixel box → fractional region of the page, padded. */
function regionOf(image: PreparedImage, box: BoundingBox, padX: number, padY: number): Region {
  const x0 = Math.max(0, box.x0 - padX);
  const y0 = Math.max(0, box.y0 - padY);
  const x1 = Math.min(image.width, box.x1 + padX);
  const y1 = Math.min(image.height, box.y1 + padY);
  return { left: x0 / image.width, top: y0 / image.height, width: (x1 - x0) / image.width, height: (y1 - y0) / image.height };
}

async function readIdNumber(image: PreparedImage, engine: OcrEngine, lines: readonly OcrLine[], evidence: SideEvidence): Promise<IdNumberReading | undefined> {
  let best = evidence.idNumbers[0];
  if (best?.valid && best.corrections === 0) return best;
  // A second look with digits only: at the number if one was seen, else under the ID number label.
  const labelBox = findLabels(lines, LABELS.id_number, 'id_number')[0]?.bbox;
  const box = best?.bbox ?? (labelBox ? { ...labelBox, x1: labelBox.x0 + 24 * height(labelBox), y1: labelBox.y1 + 3 * height(labelBox) } : undefined);
  if (!box) return best;
  const lineHeight = height(box);
  const crop = await image.region(regionOf(image, box, lineHeight, lineHeight * 0.6), { scale: 1.5 });
  const second = await engine.recognize({ image: crop, psm: PageSegmentation.singleLine, whitelist: '0123456789-' });
  const reread = findIdNumbers(second.lines)[0];
  if (reread && (!best || rank(reread) > rank(best))) best = { ...reread, bbox: best?.bbox ?? box };
  return best;
}

const rank = (r: IdNumberReading) => (r.valid ? 2 : 0) - r.corrections * 0.5 + r.confidence * 0.1;

/** The confidence of a value found only by a second look, when tesseract rates its whitelisted reading lower. */
const REREAD_CONFIDENCE = 0.5;
/** What a second look at a value may read. */
const REREAD_ALPHABET: Partial<Record<ValueKind, string>> = { sex: 'MF', date: '0123456789/' };

/** Whether a box holds any print: a blank crop is not worth an OCR call (and makes tesseract log noise). */
function hasInk(image: PreparedImage, box: BoundingBox): boolean {
  const x0 = Math.max(0, Math.floor(box.x0));
  const x1 = Math.min(image.width - 1, Math.ceil(box.x1));
  const y0 = Math.max(0, Math.floor(box.y0));
  const y1 = Math.min(image.height - 1, Math.ceil(box.y1));
  const levels: number[] = [];
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) levels.push(image.pixels[y * image.width + x] ?? 255);
  if (levels.length === 0) return false;
  const paper = median(levels);
  const ink = levels.filter((level) => level < paper - 60).length;
  return ink >= Math.max(6, levels.length * 0.005);
}

/**
 * A labelled value the page pass did not read (a lone letter dropped by segmentation, blurred digits): the spot
 * where it must be, after the label on its line or under it, read again on its own with the value's alphabet.
 */
async function rereadLabelled(
  image: PreparedImage,
  engine: OcrEngine,
  lines: readonly OcrLine[],
  field: 'sex' | 'date_of_birth' | 'expiry_date',
  kind: ValueKind,
  labelsUnder = false,
): Promise<LabelledValue | undefined> {
  const label = findLabels(lines, LABELS[field], field)[0];
  if (!label) return undefined;
  const h = height(label.bbox);
  const width = kind === 'sex' ? 4 * h : 14 * h;
  // On the label's line when something other than another label follows it closely there; else under it.
  const after = label.line.words.slice(label.last + 1);
  const rest = after.map((w) => w.text).join(' ');
  const inline =
    (after[0]?.bbox.x0 ?? Infinity) - label.bbox.x1 < 3 * h && !ALL_LABELS.some((l) => new RegExp(`^\\W*(?:${l.source})`, 'i').test(rest));
  const beside = { x0: label.bbox.x1, x1: label.bbox.x1 + width, y0: label.bbox.y0 - h * 0.4, y1: label.bbox.y1 + h * 0.4 };
  const under = { x0: label.bbox.x0 - h, x1: label.bbox.x0 + width, y0: label.bbox.y1, y1: label.bbox.y1 + 2.4 * h };
  const overLabel = { x0: label.bbox.x0 - h, x1: label.bbox.x0 + width, y0: label.bbox.y0 - 2.4 * h, y1: label.bbox.y0 };
  // The likelier spot first; the other only if that one holds no value.
  for (const box of inline ? [beside, under] : labelsUnder ? [overLabel, beside] : [under, beside]) {
    if (!hasInk(image, box)) continue;
    // Binarised: tesseract's own threshold loses a lone letter on a small, noisy crop.
    const result = await engine.recognize({
      image: await image.region(regionOf(image, box, 0, 0), { binarize: true }),
      psm: PageSegmentation.singleLine,
      ...(REREAD_ALPHABET[kind] ? { whitelist: REREAD_ALPHABET[kind] } : {}),
    });
    // Read with the value's alphabet where the value must be, even a reading tesseract rates at 0 (as it does a
    // whitelisted lone letter) is the value; its confidence is then that of the place, not of the glyph.
    const words = takeValue(result.lines.flatMap((l) => l.words), kind, h, 0);
    const value = words.length ? toValue(words) : undefined;
    if (value && (kind !== 'date' || parseCardDate(value.text))) return { ...value, confidence: Math.max(value.confidence, REREAD_CONFIDENCE) };
  }
  return undefined;
}

/** The rows around English values (three line heights either side), read with the Arabic model as a block. */
async function readArabicAround(image: PreparedImage, engine: OcrEngine, anchors: readonly BoundingBox[]): Promise<ArabicStrip[]> {
  const h = Math.max(...anchors.map(height));
  const box = { x0: 0, x1: image.width, y0: Math.min(...anchors.map((a) => a.y0)) - 3.5 * h, y1: Math.max(...anchors.map((a) => a.y1)) + 3.5 * h };
  const region = regionOf(image, box, 0, 0);
  const result = await engine.recognize({ image: await image.region(region), lang: 'ara', psm: PageSegmentation.singleBlock });
  const top = Math.round(region.top * image.height);
  const shift = (b: BoundingBox): BoundingBox => ({ ...b, y0: b.y0 + top, y1: b.y1 + top });
  return result.lines.map((line) => ({ bbox: shift(line.bbox), tokens: arabicTokens([line]).map((t) => ({ ...t, bbox: shift(t.bbox) })) }));
}

async function readArabicPage(image: PreparedImage, engine: OcrEngine): Promise<ArabicStrip[]> {
  const page = await engine.recognize({ image: image.png, lang: 'ara', psm: PageSegmentation.auto });
  return page.lines.map((line) => ({ bbox: line.bbox, tokens: arabicTokens([line]) }));
}

async function recognizeFront(image: PreparedImage, engine: OcrEngine, page: OcrResult, evidence: SideEvidence): Promise<Values> {
  const lines = page.lines;
  const out: Values = { values: {}, confidence: {} };
  const set = (field: Field, value: string | undefined, confidence: number) => {
    if (!value) return;
    out.values[field] = value;
    out.confidence[field] = confidence;
  };

  const found = associateFront(lines);
  const labelled = (field: string): LabelledValue | undefined => {
    const value = found.get(field);
    return value && { text: value.text, confidence: value.confidence, bbox: value.bbox };
  };
  // Labels over their values rather than under (or beside): where a second look at a missing value goes.
  const placements = [...found.values()].map((v) => v.placement);
  const over = placements.filter((p) => p === 'above').length > placements.filter((p) => p === 'below').length;
  const labelledName = labelled('name');
  const claimed = new Set([...found.values()].flatMap((v) => v.words.map((w) => w.bbox)));
  const name = labelledName ?? unlabelledName(lines, claimed, labelWordsOf(lines, [...FRONT_FIELDS.map((f) => f.label), ...FRONT_OTHER_LABELS]));
  const englishNationality = labelled('nationality') ?? unlabelledNationality(lines, claimed);
  const nameAnchor = name?.bbox ?? findLabels(lines, LABELS.name, 'name')[0]?.bbox;
  const nationalityAnchor = englishNationality?.bbox ?? findLabels(lines, LABELS.nationality, 'nationality')[0]?.bbox;
  const anchors = [nameAnchor, nationalityAnchor].filter((b): b is BoundingBox => b !== undefined);
  // Arabic runs on its own worker: read the Arabic strips while the English worker takes any second looks.
  const arabicStrips = Promise.all(stripsNear(foreignStrips(lines), anchors).map((box) => readArabicStrip(image, engine, box)));
  arabicStrips.catch(() => undefined);
  const orReread = (field: 'sex' | 'date_of_birth' | 'expiry_date', kind: ValueKind) => {
    const value = labelled(field);
    return value ? Promise.resolve(value) : rereadLabelled(image, engine, lines, field, kind, over);
  };
  const [id, sex, birth, expiry] = await Promise.all([
    readIdNumber(image, engine, lines, evidence),
    orReread('sex', 'sex'),
    orReread('date_of_birth', 'date'),
    orReread('expiry_date', 'date'),
  ]);

  if (id) set('id_number', formatIdNumber(id.digits), id.confidence);
  // A name no label vouches for is less certain than a labelled one.
  if (name) set('name', name.text, Math.min(labelledName ? 0.95 : 0.85, name.confidence));
  if (birth) set('date_of_birth', parseCardDate(birth.text), Math.min(0.9, birth.confidence));
  if (expiry) set('expiry_date', parseCardDate(expiry.text), Math.min(0.9, expiry.confidence));
  if (sex) set('sex', parseSex(sex.text), Math.min(0.9, sex.confidence));
  // No label for them read at all: dates and sex known by their shape, less certain than labelled ones.
  const dateLabels = [LABELS.date_of_birth, LABELS.expiry_date, OTHER_LABELS[0] as RegExp].some((l) => findLabels(lines, l, 'date').length > 0);
  if (!dateLabels && !birth && !expiry) {
    const dates = unlabelledDates(lines, claimed);
    const first = dates[0];
    const last = dates.at(-1);
    if (first && first.year <= 2015) set('date_of_birth', first.iso, Math.min(0.7, first.confidence));
    if (last && dates.length >= 2 && last.year >= 2010) set('expiry_date', last.iso, Math.min(0.7, last.confidence));
  }
  if (!sex && findLabels(lines, LABELS.sex, 'sex').length === 0) {
    const lone = lines.flatMap((l) => l.words).filter((w) => /^[MF]$/.test(w.text) && w.confidence >= 0.6 && !claimed.has(w.bbox));
    if (lone.length === 1 && lone[0]) set('sex', lone[0].text, Math.min(0.7, lone[0].confidence));
  }

  const strips = await arabicStrips;
  let arabicName = findArabicValue(strips, 'name', nameAnchor, name?.text);
  let arabicNationality = findArabicValue(strips, 'nationality', nationalityAnchor);
  // An Arabic line the English pass missed altogether: read the rows around the English value, and only then
  // the whole card.
  // The Arabic nationality is only worth more OCR when the English one does not name a nationality in the table.
  const needNationality = !arabicNationality && !(englishNationality && matchEnglishNationality(englishNationality.text));
  const missing = [...(arabicName ? [] : [nameAnchor]), ...(needNationality ? [nationalityAnchor] : [])];
  if (missing.length && missing.every((a) => a !== undefined)) {
    const around = await readArabicAround(image, engine, missing as BoundingBox[]);
    arabicName ??= findArabicValue(around, 'name', nameAnchor, name?.text);
    if (needNationality) arabicNationality ??= findArabicValue(around, 'nationality', nationalityAnchor);
  }
  if (!arabicName || (needNationality && !arabicNationality)) {
    const page = await readArabicPage(image, engine);
    arabicName ??= findArabicValue(page, 'name', undefined);
    arabicNationality ??= findArabicValue(page, 'nationality', undefined);
  }
  const nationality = nationalityValues(englishNationality, arabicNationality);
  Object.assign(out.values, nationality.values);
  Object.assign(out.confidence, nationality.confidence);

  if (arabicName) {
    const corrected = correctArabicName(arabicName, out.values.name ?? '');
    set('name_arabic', corrected.text, corrected.confidence);
  }
  return out;
}

// ---- the Arabic name, checked against the English one ----

const skeletonOf = new Map<string, number>(ARABIC_SAME_SKELETON.flatMap((group, i) => [...group].map((c) => [c, i] as const)));
const lookalikes = new Set(ARABIC_LOOKALIKES.flatMap((pair) => [pair, [...pair].reverse().join('')]));

/** What it costs to believe OCR read `read` where `meant` was printed. */
function substitutionCost(meant: string, read: string): number {
  if (meant === read) return 0;
  if (meant === ' ' || read === ' ') return 1;
  const skeleton = skeletonOf.get(meant);
  if (skeleton !== undefined && skeleton === skeletonOf.get(read)) return 0.3;
  return lookalikes.has(meant + read) ? 0.6 : 1;
}
/** A letter OCR dropped or added; alef and spaces (thin, or misjudged gaps) cost least. */
const gapCost = (char: string) => (char === ' ' || char === 'ا' ? 0.35 : 0.7);

interface SpellingOption {
  text: string;
  cost: number;
}
/** One position of a name's possible spellings: the Arabic letters one English letter or digraph may be. */
type SpellingSlot = readonly SpellingOption[];

const ranked = (letters: readonly string[]): SpellingSlot => letters.map((text, rank) => ({ text, cost: rank * 0.02 }));
const VOWEL = /[aeiou]/;

/** The Arabic spellings one English name word may have. */
function wordSpellings(word: string): SpellingSlot[] {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  const slots: SpellingSlot[] = [];
  let i = 0;
  while (i < w.length) {
    const rest = w.slice(i);
    const char = w[i] as string;
    if (i === 0 && VOWEL.test(char) && !VOWEL.test(w[1] ?? '')) {
      slots.push(ranked(NAME_INITIAL_VOWELS[char] ?? []));
      i += 1;
    } else if (i > 0 && NAME_FINAL_VOWELS[rest]) {
      slots.push(ranked(NAME_FINAL_VOWELS[rest] ?? []));
      break;
    } else if (w[i + 1] === char && !VOWEL.test(char)) {
      // A doubled consonant is written once (the shadda unwritten) or, in some transliterations, twice.
      const single = NAME_SPELLINGS.find(([latin]) => latin === char)?.[1] ?? [];
      slots.push([...ranked(single), ...single.map((a) => ({ text: a + a, cost: 0.05 }))]);
      i += 2;
    } else if (char === 'c' && /[eiy]/.test(w[i + 1] ?? '')) {
      // A soft c, as in Maricel.
      slots.push(ranked(['س', 'ك']));
      i += 1;
    } else {
      const spelling = NAME_SPELLINGS.find(([latin]) => rest.startsWith(latin));
      if (spelling) slots.push(ranked(spelling[1]));
      i += spelling?.[0].length ?? 1;
    }
  }
  return slots;
}

/** The spellings of a whole name; a separate "Al" is the article, written joined to the next word. */
export function nameSpellings(english: string): SpellingSlot[] {
  const words = english.trim().split(/[\s-]+/).filter(Boolean);
  return words.flatMap((word, k) => {
    if (/^(al|el)$/i.test(word) && k + 1 < words.length) return [[{ text: 'ال', cost: 0 }]];
    return [...wordSpellings(word), ...(k + 1 < words.length ? [[{ text: ' ', cost: 0 }]] : [])];
  });
}

/**
 * The spelling closest to what OCR read, by an edit distance weighted for OCR's Arabic mistakes (dots, dropped
 * letters), found by dynamic programming over the slots: for each slot and each OCR position, the cheapest way
 * to have spelled the slots so far as that much of the OCR text.
 */
export function closestSpelling(slots: readonly SpellingSlot[], read: string): { text: string; cost: number } {
  const o = [...read];
  const n = o.length;
  interface Step { cost: number; option: number; from: number }
  let row: Step[] = [];
  for (let j = 0, acc = 0; j <= n; acc += gapCost(o[j] ?? ''), j++) row.push({ cost: acc, option: -1, from: 0 });
  const table: Step[][] = [row];
  for (const slot of slots) {
    const next: Step[] = Array.from({ length: n + 1 }, () => ({ cost: Infinity, option: -1, from: -1 }));
    slot.forEach((option, index) => {
      // Cost of spelling the option's letters so far, ending at each OCR position, and where the option began.
      let e = row.map((step, j) => ({ cost: step.cost, from: j }));
      for (let j = 1; j <= n; j++) {
        const extra = (e[j - 1]?.cost ?? Infinity) + gapCost(o[j - 1] ?? '');
        if (extra < (e[j]?.cost ?? Infinity)) e[j] = { cost: extra, from: e[j - 1]?.from ?? 0 };
      }
      for (const letter of option.text) {
        const f: { cost: number; from: number }[] = [{ cost: (e[0]?.cost ?? Infinity) + gapCost(letter), from: e[0]?.from ?? 0 }];
        for (let j = 1; j <= n; j++) {
          const dropped = { cost: (e[j]?.cost ?? Infinity) + gapCost(letter), from: e[j]?.from ?? 0 };
          const added = { cost: (f[j - 1]?.cost ?? Infinity) + gapCost(o[j - 1] ?? ''), from: f[j - 1]?.from ?? 0 };
          const read = { cost: (e[j - 1]?.cost ?? Infinity) + substitutionCost(letter, o[j - 1] ?? ''), from: e[j - 1]?.from ?? 0 };
          f.push([dropped, added, read].reduce((a, b) => (b.cost < a.cost ? b : a)));
        }
        e = f;
      }
      e.forEach((cell, j) => {
        if (cell.cost + option.cost < (next[j]?.cost ?? Infinity)) next[j] = { cost: cell.cost + option.cost, option: index, from: cell.from };
      });
    });
    table.push(next);
    row = next;
  }
  const parts: string[] = [];
  for (let k = slots.length, j = n; k > 0; k--) {
    const step = table[k]?.[j];
    parts.unshift(slots[k - 1]?.[step?.option ?? -1]?.text ?? '');
    j = step?.from ?? 0;
  }
  return { text: parts.join(''), cost: table[slots.length]?.[n]?.cost ?? Infinity };
}

/** OCR's Arabic made comparable: no diacritics, tatweel, bidi marks or stray symbols; a split article rejoined. */
export function cleanArabicName(text: string): string {
  return text
    .replace(/[\u064B-\u0652\u0640\u200E\u200F]/g, '')
    .replace(/[١|!]/g, 'ا')
    .replace(/[^\u0621-\u064A\s]/g, '')
    .replace(/(^|\s)ا\s+ل(?=\S)/g, '$1ال')
    .replace(/(^|\s)ال\s+/g, '$1ال')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Beyond this much correction per word, the Arabic and English names are taken to be spelt independently. */
const MAX_SPELLING_COST_PER_WORD = 1.3;

/**
 * The Arabic name as OCR read it, corrected toward a spelling of the English name when the two are close: OCR
 * drops and confuses letters of a naskh face (Amiri's stacked ligatures especially) far more often than a card
 * spells a name unlike its own transliteration. A reading far from every spelling is kept as read.
 */
export function reconcileArabicName(read: string, english: string): { text: string; agreement: 'spelling' | 'corrected' | 'none' } {
  const cleaned = cleanArabicName(read);
  const words = english.trim().split(/\s+/).filter((w) => w && !/^(al|el)$/i.test(w)).length;
  if (!cleaned || words === 0) return { text: cleaned, agreement: 'none' };
  const closest = closestSpelling(nameSpellings(english), cleaned);
  if (closest.text === cleaned) return { text: cleaned, agreement: 'spelling' };
  if (closest.cost > MAX_SPELLING_COST_PER_WORD * words) return { text: cleaned, agreement: 'none' };
  return { text: closest.text, agreement: 'corrected' };
}

/** Confidence caps: a reading that spells the English name is well attested; a corrected one less; a lone one least. */
const ARABIC_NAME_CONFIDENCE = { spelling: 0.92, corrected: 0.8, none: 0.6 } as const;

function correctArabicName(read: ArabicValue, english: string): { text: string; confidence: number } {
  const { text, agreement } = reconcileArabicName(read.text, english);
  return { text, confidence: Math.min(ARABIC_NAME_CONFIDENCE[agreement], read.confidence + 0.05) };
}

// ---- back ----

/** An MRZ reading, with whether its composite digit was recomputed rather than read. */
interface BackReading extends MrzReading {
  compositeRepaired: boolean;
}

/**
 * The composite digit ends line 2, right after a long filler run, where OCR often reads it as a letter. When every
 * other check holds (three check digits and the ID number's Luhn digit), a composite cell that was not read as a
 * confident digit is recomputed rather than trusted.
 */
function repairComposite(reading: MrzReading, cells: readonly Cell[][]): BackReading {
  const { line, position, spans } = TD1_UAE.composite;
  const cell = cells[line]?.[position];
  const othersHold = readingScore(reading) === 3 && luhnValid(reading.lines[0]?.slice(15, 30) ?? '');
  if (reading.compositeValid || !othersHold || (cell && /[0-9]/.test(cell.char) && cell.confidence >= 0.75)) {
    return { ...reading, compositeRepaired: false };
  }
  const covered = spans.map((s) => reading.lines[s.line]?.slice(s.start, s.start + s.length) ?? '').join('');
  const lines = [...reading.lines];
  const row = lines[line] ?? '';
  lines[line] = row.slice(0, position) + checkDigit(covered) + row.slice(position + 1);
  return { ...reading, lines, compositeValid: true, compositeRepaired: true };
}

/** An MRZ of an Emirates ID: issued by ARE (allowing one misread letter), or an ID card code with checks holding. */
function isEmiratesMrz(reading: MrzReading): boolean {
  const state = stripFillers(reading.fields.issuingState?.raw ?? '');
  const code = reading.fields.documentCode?.raw ?? '';
  return (state.length === 3 && editDistance(state, 'ARE') <= 1 && readingScore(reading) >= 1) || (code.startsWith('I') && readingScore(reading) >= 2);
}

/** Field checks, the Luhn digit and known country codes: how believable a reading of the back is. */
function backQuality(reading: BackReading): number {
  const parsed = safeParse(reading.lines);
  const knownStates = ['nationality', 'issuingState'].filter((f) => parsed?.details.find((d) => d.field === f)?.valid !== false).length;
  return readingScore(reading) + (luhnValid(reading.lines[0]?.slice(15, 30) ?? '') ? 1 : 0) + knownStates * 0.5 - (reading.compositeRepaired ? 0.2 : 0);
}
const COMPLETE_QUALITY = 6;
/** Scales for the second and third reading of the MRZ band. */
const BAND_SCALES = [0.75, 1.5] as const;

/** The band holding the MRZ lines found on the page, with room for a line OCR missed above or below. */
function mrzRegion(image: PreparedImage, mrzLines: readonly OcrLine[]): Region {
  if (mrzLines.length === 0) return { left: 0, top: 0.45, width: 1, height: 0.55 };
  const box = union(mrzLines.map((l) => l.bbox));
  const lineHeight = mean(mrzLines.map((l) => height(l.bbox)));
  const missing = Math.max(0, 3 - mrzLines.length);
  const padY = lineHeight * (0.8 + 1.6 * missing);
  return regionOf(image, { ...box, x0: 0, x1: image.width }, 0, padY);
}

/** The 15-digit ID number of line 1, made to pass its Luhn digit and the composite check together. */
function repairIdInMrz(reading: MrzReading): IdNumberReading {
  const line1 = reading.lines[0] ?? '';
  const line2 = reading.lines[1] ?? '';
  const raw = line1.slice(15, 30);
  const composite = () => checkDigit(line1.slice(5, 15) + id + line2.slice(0, 7) + line2.slice(8, 15) + line2.slice(18, 29));
  let id = raw;
  const compositeRead = line2[29] ?? '<';
  const ocr = reading.fields.optional1?.confidence ?? 0.5;
  if (luhnValid(raw)) return { digits: raw, valid: true, corrections: 0, confidence: reading.compositeValid ? 0.9 + 0.1 * ocr : Math.min(0.89, 0.6 + 0.3 * ocr) };
  const corrected = correctIdNumber(raw, Array<number>(15).fill(ocr));
  id = corrected.digits;
  // The composite digit covers line 1 too: a repair it confirms is as good as a clean read.
  if (corrected.valid && composite() === compositeRead) return { ...corrected, confidence: Math.min(0.89, 0.75 + 0.14 * ocr) };
  return corrected;
}

function safeParse(lines: string[]): ReturnType<typeof parseMrz> | undefined {
  try {
    return parseMrz(lines);
  } catch {
    return undefined;
  }
}

const stripFillers = (text: string) => text.replace(/</g, ' ').trim().replace(/\s+/g, ' ');

/** `123456789` → `1234-567-89`, the grouping of the reference's example `XXXX-XXX-XX`. */
export function formatCardNumber(digits: string): string {
  return /^\d{9}$/.test(digits) ? `${digits.slice(0, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}` : '';
}

/** 13 digits → `XXXX-XXXXXXX-XX`, the grouping of the reference's example. */
export function formatLaserNumber(digits: string): string {
  return /^\d{13}$/.test(digits) ? `${digits.slice(0, 4)}-${digits.slice(4, 11)}-${digits.slice(11)}` : '';
}

function printedDigits(lines: readonly OcrLine[], field: 'card_number' | 'laser_number', count: number): LabelledValue | undefined {
  const labelled = findLabelledValue(lines, field, 'number');
  const digits = labelled ? asDigits(labelled.text).replace(/\D/g, '') : '';
  if (labelled && digits.length === count) return { ...labelled, text: digits };
  // Unlabelled: a number of the right shape standing alone.
  const shape = count === 9 ? /(?<![0-9-])([0-9]{9})(?![0-9-])/ : /(?<![0-9])([0-9]{4})-?([0-9]{7})-?([0-9]{2})(?![0-9])/;
  for (const line of lines) {
    const match = shape.exec(asDigits(line.text));
    if (match) return { text: match.slice(1).join(''), confidence: line.confidence, bbox: line.bbox };
  }
  return undefined;
}

/**
 * A TD1 MRZ from its cells: by the UAE layout (digits-only numbers, the ID number's Luhn digit) when the issuer
 * reads as ARE, by the plain TD1 rules otherwise, so another country's card keeps its fillers and letters.
 */
function td1FromCells(cells: Cell[][], hints: MrzHints): BackReading {
  const plain = correctMrz(cells, TD1, hints);
  const issuer = stripFillers(plain.fields.issuingState?.raw ?? '');
  if (issuer.length === 3 && editDistance(issuer, 'ARE') <= 1) return repairComposite(correctMrz(cells, TD1_UAE, hints), cells);
  return { ...plain, compositeRepaired: false };
}

/** The three MRZ lines among OCR lines, placed on the grid and corrected. */
function mrzFromLines(image: PreparedImage, lines: readonly OcrLine[], at: Placement, hints: MrzHints): BackReading | undefined {
  const cells = cellsFromLines(image, lines, TD1, at);
  return cells ? td1FromCells(cells, hints) : undefined;
}

/** The TD1 MRZ where the pixels show one, at any angle, cut out upright. */
function locateTd1(image: PreparedImage): LocatedMrz | undefined {
  return locateMrz(image.pixels, image.width, image.height, TD1.lines, TD1.lineLength);
}

/** The located band read on its own, cut out the right way up. */
async function readLocatedTd1(image: PreparedImage, engine: OcrEngine, found: LocatedMrz, hints: MrzHints): Promise<BackReading | undefined> {
  const read = async (band: PreparedImage) => {
    const cells = await bandCells(band, engine, TD1);
    return cells ? td1FromCells(cells, hints) : undefined;
  };
  return readRightWayUp<BackReading>(image, found, TD1, (reading) => (reading ? readingScore(reading) : -1), read, read);
}

async function recognizeBack(image: PreparedImage, engine: OcrEngine, page: OcrResult, evidence: SideEvidence, now: number): Promise<Values | undefined> {
  const printedLines = page.lines.filter((l) => !evidence.mrzLines.includes(l));
  const printedCard = printedDigits(printedLines, 'card_number', 9);
  const hints: MrzHints = printedCard ? { documentNumber: [{ text: printedCard.text, confidence: printedCard.confidence }] } : {};

  // The page pass often reads the MRZ well enough. If not, the band is read again with the MRZ alphabet, first
  // reduced (sharp print reads best a little smaller) and then enlarged (blurred print reads best larger).
  const located = locateTd1(image);
  let reading = located ? await readLocatedTd1(image, engine, located, hints) : undefined;
  if (evidence.mrzLines.length === 3 && !(reading && backQuality(reading) >= COMPLETE_QUALITY)) {
    const fromPage = mrzFromLines(image, evidence.mrzLines, ON_PAGE, hints);
    if (fromPage && (!reading || backQuality(fromPage) > backQuality(reading))) reading = fromPage;
  }
  for (const scale of BAND_SCALES) {
    if (reading && backQuality(reading) >= COMPLETE_QUALITY) break;
    const region = mrzRegion(image, evidence.mrzLines);
    const band = await engine.recognize({
      image: await image.region(region, { scale }),
      psm: PageSegmentation.singleBlock,
      whitelist: MRZ_WHITELIST,
    });
    const at = { left: Math.round(region.left * image.width), top: Math.round(region.top * image.height), scale };
    const banded = mrzFromLines(image, band.lines, at, hints);
    if (banded && (!reading || backQuality(banded) > backQuality(reading))) reading = banded;
  }
  if (!reading || !isEmiratesMrz(reading)) return undefined;

  const f = reading.fields;
  const field = (name: string) => f[name] ?? { raw: '', valid: undefined, confidence: 0, corrections: 0 };
  const parsed = safeParse(reading.lines);
  const unchecked = (c: number) => Math.min(0.95, c * (reading.compositeValid ? 1 : 0.85));
  const knownCountry = (name: string) => (parsed?.details.find((d) => d.field === name)?.valid === false ? 0.5 : 1);
  // The 15-digit identity number is the UAE's use of the optional data; other issuers put other things there.
  const uae = stripFillers(field('issuingState').raw) === 'ARE';
  const id = uae ? repairIdInMrz(reading) : { digits: '', valid: false, corrections: 0, confidence: 0 };
  const sex = field('sex').raw;
  const out: Values = {
    values: {
      card_number: formatCardNumber(field('documentNumber').raw),
      id_number: formatIdNumber(id.digits),
      date_of_birth: birthDateToIso(field('birthDate').raw, now),
      sex: sex === '<' ? '' : sex,
      expiry_date: expiryDateToIso(field('expirationDate').raw, now),
      nationality: stripFillers(field('nationality').raw),
      country_code: stripFillers(field('issuingState').raw),
      name: [parsed?.fields.firstName, parsed?.fields.lastName].filter(Boolean).join(' '),
      machinecode1: reading.lines[0] ?? '',
      machinecode2: reading.lines[1] ?? '',
      machinecode3: reading.lines[2] ?? '',
    },
    confidence: {
      card_number: field('documentNumber').confidence,
      id_number: id.confidence,
      date_of_birth: field('birthDate').confidence,
      sex: unchecked(field('sex').confidence),
      expiry_date: field('expirationDate').confidence,
      nationality: unchecked(field('nationality').confidence) * knownCountry('nationality'),
      country_code: unchecked(field('issuingState').confidence) * knownCountry('issuingState'),
      name: unchecked(field('name').confidence),
      // The machine lines are as good as their weakest check.
      machinecode1: Math.min(field('documentNumber').confidence, id.confidence),
      machinecode2: Math.min(field('birthDate').confidence, field('expirationDate').confidence, reading.compositeValid ? (reading.compositeRepaired ? 0.85 : 1) : 0.5),
      machinecode3: unchecked(field('name').confidence),
    },
  };

  // The printed fields check the MRZ: a failed check digit gives way to the printed value.
  if (printedCard && field('documentNumber').valid === false) {
    out.values.card_number = formatCardNumber(printedCard.text);
    out.confidence.card_number = Math.min(0.8, printedCard.confidence);
  }
  crossCheckDate(out, printedLines, 'date_of_birth', field('birthDate').valid);
  crossCheckDate(out, printedLines, 'expiry_date', field('expirationDate').valid);
  const printedSex = findLabelledValue(printedLines, 'sex', 'sex');
  const printedSexValue = printedSex && parseSex(printedSex.text);
  if (printedSexValue && printedSexValue !== out.values.sex) {
    out.values.sex = printedSexValue;
    out.confidence.sex = Math.min(0.7, printedSex.confidence);
  }
  const laser = printedDigits(printedLines, 'laser_number', 13);
  if (laser) {
    out.values.laser_number = formatLaserNumber(laser.text);
    out.confidence.laser_number = Math.min(0.9, laser.confidence);
  }
  return out;
}

function crossCheckDate(out: Values, lines: readonly OcrLine[], field: 'date_of_birth' | 'expiry_date', mrzValid: boolean | undefined): void {
  const printed = findLabelledValue(lines, field, 'date');
  const date = printed && parseCardDate(printed.text);
  if (!printed || !date || date === out.values[field]) return;
  if (mrzValid) {
    // Both read, and they disagree: the check digit vouches for the MRZ, but less than when they agree.
    out.confidence[field] = Math.min(out.confidence[field] ?? 0, 0.8);
  } else {
    out.values[field] = date;
    out.confidence[field] = Math.min(0.85, printed.confidence);
  }
}

// ---- the document type ----

/** The side the request names; `""` (or none) asks for automatic detection. */
function requestedSide(options: Record<string, unknown>): Side | undefined {
  return options.side === 'front' || options.side === 'back' ? options.side : undefined;
}

/** Whether the page shows anything of `side`: an MRZ line for the back; the ID number or a front label for the front. */
function showsSide(evidence: SideEvidence, side: Side): boolean {
  return side === 'back' ? evidence.mrzLines.length > 0 : evidence.idNumbers.length > 0 || evidence.frontLabels > 0;
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
  const level = async (page: PreparedImage) => {
    const skew = estimateSkew(page.pixels, page.width, page.height);
    return Math.abs(skew.angle) >= 1 ? page.turned(-skew.angle) : page;
  };
  const skew = estimateSkew(image.pixels, image.width, image.height);
  if (skew.vertical) {
    yield await level(await image.turned(-90));
    yield await level(await image.turned(90));
    return;
  }
  const levelled = Math.abs(skew.angle) >= 1 ? await image.turned(-skew.angle) : image;
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
