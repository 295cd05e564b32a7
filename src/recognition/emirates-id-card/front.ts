/**
 * The front: the ID number anywhere on the card, labelled fields in English wherever the design puts their
 * labels (beside, under or over), what no label vouches for by its shape, and the Arabic name and nationality
 * near their English ones.
 */
import type { PreparedImage } from '../../image/prepare.js';
import { PageSegmentation, type BoundingBox, type OcrEngine, type OcrLine, type OcrResult, type OcrWord } from '../../ocr/engine.js';
import { mean, median } from '../geometry.js';
import { hasInk, reread } from '../toolkit/crop.js';
import { parseDayMonthYear } from '../toolkit/dates.js';
import { associateLabels, labelWordsOf, type FoundValue, type LabelledField } from '../toolkit/labelled-values.js';
import { matchArabicNationality, matchEnglishNationality, type NationalityMatch } from '../toolkit/nationalities.js';
import { cleanWord, heightOf } from '../toolkit/text-lines.js';
import { correctArabicName } from './arabic-name.js';
import { findArabicValue, foreignStrips, readArabicAround, readArabicPage, readArabicStrip, stripsNear, type ArabicValue } from './arabic.js';
import { formatIdNumber, readIdNumber } from './id-number.js';
import type { Field, Values } from './index.js';
import { ALL_LABELS, findLabels, LABELS, OTHER_LABELS } from './labels.js';
import { parseSex, takeValue, toValue, VALUE_WORD, type LabelledValue, type ValueKind } from './printed-values.js';
import type { SideEvidence } from './side.js';

/** Print on every front that is never a field's value: the card's titles and the specimen notice. */
const HEADING_WORDS = /^(?:UNITED|ARAB|EMIRATES|IDENTITY|IDENTIFICATION|CARD|RESIDENT|STATE|GOVERNMENT|FEDERAL|AUTHORITY|SYNTHETIC|SPECIMEN|DOCUMENT|NOT|AN)$/i;
const NAME_WORD = /^[A-Za-z][A-Za-z'’.-]*,?$/;

/** A name from the start of some words: plain words, however unsure OCR was of capitalised ones. */
function takeName(words: readonly OcrWord[]): { text: string; used: number } | undefined {
  const h = median(words.map((w) => heightOf(w.bbox)));
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
    const text = words
      .slice(0, end)
      .map((w) => w.text)
      .join(' ');
    const match = matchEnglishNationality(text);
    if (match && (!best || match.distance < best.distance)) best = { text, used: end, distance: match.distance };
  }
  return best ?? takeName(words);
}

/** A date: the fewest words from the start that read as a card date. */
function takeDate(words: readonly OcrWord[]): { text: string; used: number } | undefined {
  for (let end = 1; end <= Math.min(4, words.length); end++) {
    const text = words
      .slice(0, end)
      .map((w) => w.text)
      .join(' ');
    if (parseDayMonthYear(text)) return { text, used: end };
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
        if (match && match.distance <= 0.12 && (!best || match.distance < best.distance))
          best = { value: { ...value, confidence: Math.min(0.8, value.confidence) }, distance: match.distance };
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
        const iso = parseDayMonthYear(run.map((w) => w.text).join(' '));
        if (iso && (length === 1 ? /^[0-9OoIlSBZ|]{1,2}[/.-]/.test(run[0]?.text ?? '') : true)) {
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
    const h = heightOf(line.bbox);
    let run: OcrWord[] = [];
    const flush = () => {
      const words = run;
      run = [];
      if (words.length < 2 || words.some((w) => claimed.has(w.bbox) || labelWords.has(w) || HEADING_WORDS.test(w.text))) return;
      if (!words.every((w) => /^[A-Z][A-Za-z'’-]*$/.test(w.text) && w.confidence >= 0.7)) return;
      const value = toValue(words);
      const nationality = matchEnglishNationality(value.text);
      if (nationality && nationality.distance < 0.25) return;
      candidates.push({ value, size: median(words.map((w) => heightOf(w.bbox))) });
    };
    for (const word of line.words) {
      const previous = run.at(-1);
      if (previous && word.bbox.x0 - previous.bbox.x1 > 2.2 * Math.min(h, heightOf(word.bbox) * 1.5)) flush();
      if (NAME_WORD.test(word.text)) run.push(word);
      else flush();
    }
    flush();
  }
  const largest = Math.max(0, ...candidates.map((c) => c.size));
  return candidates.filter((c) => c.size >= largest * 0.85).sort((a, b) => a.value.bbox.y0 - b.value.bbox.y0)[0]?.value;
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
/** The confidence of a value found only by a second look, when tesseract rates its whitelisted reading lower. */
const REREAD_CONFIDENCE = 0.5;
/** What a second look at a value may read. */
const REREAD_ALPHABET: Partial<Record<ValueKind, string>> = { sex: 'MF', date: '0123456789/' };

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
  const h = heightOf(label.bbox);
  const width = kind === 'sex' ? 4 * h : 14 * h;
  // On the label's line when something other than another label follows it closely there; else under it.
  const after = label.line.words.slice(label.last + 1);
  const rest = after.map((w) => w.text).join(' ');
  const inline = (after[0]?.bbox.x0 ?? Infinity) - label.bbox.x1 < 3 * h && !ALL_LABELS.some((l) => new RegExp(`^\\W*(?:${l.source})`, 'i').test(rest));
  const beside = { x0: label.bbox.x1, x1: label.bbox.x1 + width, y0: label.bbox.y0 - h * 0.4, y1: label.bbox.y1 + h * 0.4 };
  const under = { x0: label.bbox.x0 - h, x1: label.bbox.x0 + width, y0: label.bbox.y1, y1: label.bbox.y1 + 2.4 * h };
  const overLabel = { x0: label.bbox.x0 - h, x1: label.bbox.x0 + width, y0: label.bbox.y0 - 2.4 * h, y1: label.bbox.y0 };
  // The likelier spot first; the other only if that one holds no value.
  for (const box of inline ? [beside, under] : labelsUnder ? [overLabel, beside] : [under, beside]) {
    if (!hasInk(image, box)) continue;
    // Binarised: tesseract's own threshold loses a lone letter on a small, noisy crop.
    const result = await reread(image, engine, box, { binarize: true, psm: PageSegmentation.singleLine, whitelist: REREAD_ALPHABET[kind] });
    // Read with the value's alphabet where the value must be, even a reading tesseract rates at 0 (as it does a
    // whitelisted lone letter) is the value; its confidence is then that of the place, not of the glyph.
    const words = takeValue(
      result.lines.flatMap((l) => l.words),
      kind,
      h,
      0,
    );
    const value = words.length ? toValue(words) : undefined;
    if (value && (kind !== 'date' || parseDayMonthYear(value.text))) return { ...value, confidence: Math.max(value.confidence, REREAD_CONFIDENCE) };
  }
  return undefined;
}

export async function recognizeFront(image: PreparedImage, engine: OcrEngine, page: OcrResult, evidence: SideEvidence): Promise<Values> {
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
  if (birth) set('date_of_birth', parseDayMonthYear(birth.text), Math.min(0.9, birth.confidence));
  if (expiry) set('expiry_date', parseDayMonthYear(expiry.text), Math.min(0.9, expiry.confidence));
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
