/** The passport's fields from its corrected MRZ, with the printed zone's word on what no check digit covers. */
import { parse as parseMrz } from 'mrz';
import type { Confidence } from '../document.js';
import type { MrzReading } from '../mrz/correct.js';
import { birthCenturyUncertain, birthDateToIso, expiryDateToIso } from '../mrz/dates.js';
import type { PassportField } from './fields.js';
import type { LabelledValue } from './printed-zone.js';

const stripFillers = (text: string) => text.replace(/</g, ' ').trim().replace(/\s+/g, ' ');

/** A printed name in MRZ characters: upper case, anything but A–Z a filler. */
const toMrzCharacters = (text: string) =>
  text
    .toUpperCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f']/g, '')
    .replace(/[^A-Z]+/g, '<');

/**
 * The MRZ name has no check digit, and OCR confuses its fillers with K, L or C. When the printed surname and given
 * names spell almost the same MRZ name, they settle the positions where the two disagree.
 */
export function reconcileName(reading: MrzReading, surname: LabelledValue | undefined, givenNames: LabelledValue | undefined): void {
  const name = reading.fields.name;
  if (!name || !surname) return;
  const printed = `${toMrzCharacters(surname.text)}<<${givenNames ? toMrzCharacters(givenNames.text) : ''}`.slice(0, name.raw.length).padEnd(name.raw.length, '<');
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
export function settleSex(reading: MrzReading, printed: LabelledValue | undefined): void {
  const sex = reading.fields.sex;
  const letter = /^\s*([MF])\b/i.exec(printed?.text ?? '')?.[1]?.toUpperCase();
  if (!sex || sex.confidence >= 0.5 || !letter || !printed) return;
  sex.raw = letter;
  sex.confidence = Math.min(0.85, printed.confidence);
  const line = reading.lines[1] ?? '';
  reading.lines[1] = line.slice(0, 20) + letter + line.slice(21);
}

/** mrz throws only on lines of the wrong shape, which corrected lines never are; stay safe anyway. */
function safeParse(lines: string[]): ReturnType<typeof parseMrz> | undefined {
  try {
    return parseMrz(lines);
  } catch {
    return undefined;
  }
}

export function fromMrz(reading: MrzReading, now: number, birthYear?: number): { values: Partial<Record<PassportField, string>>; confidence: Confidence } {
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
