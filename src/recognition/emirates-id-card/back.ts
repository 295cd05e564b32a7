/**
 * The back: the TD1 MRZ, found on the pixels and cut out upright (or among the page's lines), read by the shared
 * MRZ reader with the UAE layout when the issuer is ARE, and checked against the printed fields beside it.
 */
import { parse as parseMrz } from 'mrz';
import type { PreparedImage, Region } from '../../image/prepare.js';
import { PageSegmentation, type OcrEngine, type OcrLine, type OcrResult } from '../../ocr/engine.js';
import { mean, union } from '../geometry.js';
import { bandCells, cellsFromLines, MRZ_WHITELIST, ON_PAGE, readingScore, readRightWayUp, type Placement } from '../mrz/band.js';
import { checkDigit } from '../mrz/check-digit.js';
import { correctMrz, type MrzHints, type MrzReading } from '../mrz/correct.js';
import { birthDateToIso, expiryDateToIso } from '../mrz/dates.js';
import type { Cell } from '../mrz/grid.js';
import { TD1, TD1_UAE } from '../mrz/layouts.js';
import { locateMrz, type LocatedMrz } from '../mrz/locate.js';
import { asDigits } from '../toolkit/characters.js';
import { regionOf } from '../toolkit/crop.js';
import { parseDayMonthYear } from '../toolkit/dates.js';
import { luhnValid } from '../toolkit/luhn.js';
import { editDistance } from '../toolkit/nationalities.js';
import { heightOf } from '../toolkit/text-lines.js';
import { correctIdNumber, formatIdNumber, type IdNumberReading } from './id-number.js';
import type { Values } from './index.js';
import { findLabelledValue, parseSex, type LabelledValue } from './printed-values.js';
import type { SideEvidence } from './side.js';

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
  const lineHeight = mean(mrzLines.map((l) => heightOf(l.bbox)));
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
export function locateTd1(image: PreparedImage): LocatedMrz | undefined {
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

export async function recognizeBack(image: PreparedImage, engine: OcrEngine, page: OcrResult, evidence: SideEvidence, now: number): Promise<Values | undefined> {
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
      // Its optional data has no check digit of its own, and a letter among its fillers is a filler OCR misread
      // oftener than data: the composite alone (one wrong reading in ten passes it) does not vouch for the line then.
      machinecode2: Math.min(
        field('birthDate').confidence,
        field('expirationDate').confidence,
        reading.compositeValid ? (reading.compositeRepaired ? 0.85 : 1) : 0.5,
        /<[A-Z]|[A-Z]<+$/.test(field('optional2').raw) ? 0.85 : 1,
      ),
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
  const date = printed && parseDayMonthYear(printed.text);
  if (!printed || !date || date === out.values[field]) return;
  if (mrzValid) {
    // Both read, and they disagree: the check digit vouches for the MRZ, but less than when they agree.
    out.confidence[field] = Math.min(out.confidence[field] ?? 0, 0.8);
  } else {
    out.values[field] = date;
    out.confidence[field] = Math.min(0.85, printed.confidence);
  }
}
