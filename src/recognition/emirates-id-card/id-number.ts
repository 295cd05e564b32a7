/**
 * The ID number, 784-YYYY-NNNNNNN-C: found anywhere on the front by its pattern, checked (and, by one likely
 * substitution, repaired) by its Luhn digit, and read again with digits only when the page read fails the check.
 */
import type { PreparedImage } from '../../image/prepare.js';
import { PageSegmentation, type BoundingBox, type OcrEngine, type OcrLine } from '../../ocr/engine.js';
import { mean, union } from '../geometry.js';
import { DIGIT_CONFUSIONS, DIGIT_LOOKALIKES } from '../toolkit/characters.js';
import { reread } from '../toolkit/crop.js';
import { luhnValid } from '../toolkit/luhn.js';
import { heightOf } from '../toolkit/text-lines.js';
import { findLabels, LABELS } from './labels.js';
import type { SideEvidence } from './side.js';

const DASHES = /[-‐‑‒–—―_~.]/;

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

export async function readIdNumber(image: PreparedImage, engine: OcrEngine, lines: readonly OcrLine[], evidence: SideEvidence): Promise<IdNumberReading | undefined> {
  let best = evidence.idNumbers[0];
  if (best?.valid && best.corrections === 0) return best;
  // A second look with digits only: at the number if one was seen, else under the ID number label.
  const labelBox = findLabels(lines, LABELS.id_number, 'id_number')[0]?.bbox;
  const box = best?.bbox ?? (labelBox ? { ...labelBox, x1: labelBox.x0 + 24 * heightOf(labelBox), y1: labelBox.y1 + 3 * heightOf(labelBox) } : undefined);
  if (!box) return best;
  const lineHeight = heightOf(box);
  const second = await reread(image, engine, box, { padX: lineHeight, padY: lineHeight * 0.6, scale: 1.5, psm: PageSegmentation.singleLine, whitelist: '0123456789-' });
  const again = findIdNumbers(second.lines)[0];
  if (again && (!best || rank(again) > rank(best))) best = { ...again, bbox: best?.bbox ?? box };
  return best;
}

const rank = (r: IdNumberReading) => (r.valid ? 2 : 0) - r.corrections * 0.5 + r.confidence * 0.1;
