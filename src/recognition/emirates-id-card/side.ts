/**
 * Which side of the card a page shows, from what OCR read on it: MRZ-like lines for the back; the ID number or
 * front labels for the front.
 */
import type { OcrLine } from '../../ocr/engine.js';
import { findIdNumbers } from './id-number.js';
import { findLabels, LABELS } from './labels.js';

export type Side = 'front' | 'back';

/** The start of the back's first MRZ line, `IL` + `ARE`, as OCR tends to read it. */
export const UAE_MRZ_START = /^[I1l|][LDC<]?[A4]RE[0-9]/;

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

/** Whether the page shows anything of `side`: an MRZ line for the back; the ID number or a front label for the front. */
export function showsSide(evidence: SideEvidence, side: Side): boolean {
  return side === 'back' ? evidence.mrzLines.length > 0 : evidence.idNumbers.length > 0 || evidence.frontLabels > 0;
}
