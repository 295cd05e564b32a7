/**
 * Turns OCR cells into the most plausible MRZ: each position is first coerced to the characters its field
 * allows, then fields covered by a check digit are searched for the fewest, likeliest substitutions that make
 * the check digit hold. Fields report whether their check holds, so confidence can be honest about it.
 */
import { checkHolds } from './check-digit.js';
import type { Cell } from './grid.js';
import type { CharClass, FieldLayout, MrzLayout } from './layouts.js';

/** What a letter most likely is when a digit must stand there. */
const LETTER_TO_DIGIT: Record<string, string> = {
  O: '0', Q: '0', D: '0', U: '0', C: '0', I: '1', L: '1', J: '1', T: '7', Z: '2', S: '5', B: '8', G: '6', A: '4', E: '8', H: '8',
};
/** What a digit most likely is when a letter must stand there. */
const DIGIT_TO_LETTER: Record<string, string> = {
  '0': 'O', '1': 'I', '2': 'Z', '4': 'A', '5': 'S', '6': 'G', '7': 'T', '8': 'B',
};
/** Digits OCR mistakes for one another, likeliest first. */
const DIGIT_CONFUSIONS: Record<string, string[]> = {
  '0': ['8', '6', '9', '3'],
  '1': ['7', '4'],
  '2': ['7', '3'],
  '3': ['8', '9', '5', '2'],
  '4': ['1', '9'],
  '5': ['6', '3', '9'],
  '6': ['5', '8', '0'],
  '7': ['1', '2'],
  '8': ['3', '0', '6', '9', '5'],
  '9': ['8', '0', '3', '5'],
};
/** Letters and digits that share a shape. */
const TWINS: Record<string, string[]> = {
  O: ['0', 'D', 'Q'], '0': ['O', 'D'], D: ['0', 'O'], Q: ['0', 'O'],
  I: ['1', 'L'], '1': ['I', '7'], L: ['1', 'I'],
  B: ['8'], '8': ['B'], S: ['5'], '5': ['S'], Z: ['2'], '2': ['Z'], G: ['6', 'C'], '6': ['G'],
  A: ['4'], '4': ['A'], T: ['7'], '7': ['T'], C: ['G', '0'], U: ['V', '0'], V: ['U'], M: ['N'], N: ['M'],
};
/** What the filler `<` is read as. */
const FILLER_LOOKALIKES = new Set(['<', 'K', 'L', 'C', 'E', 'X', 'Z', 'S', 'I', '1', '(', '[', '{', '«', '‹']);

export interface FieldReading {
  /** The field's characters as corrected, fillers included. */
  raw: string;
  /** Whether its check digit holds; undefined for fields with none. */
  valid: boolean | undefined;
  /** Substitutions the correction made. */
  corrections: number;
  /** 0..1: the OCR confidence of its cells, bounded by what the check digit says. */
  confidence: number;
}

export interface MrzReading {
  lines: string[];
  fields: Record<string, FieldReading>;
  compositeValid: boolean;
}

function coerce(char: string, charClass: CharClass, cell: Cell): string {
  const c = char.toUpperCase();
  switch (charClass) {
    case 'digit':
      if (/[0-9]/.test(c)) return c;
      return LETTER_TO_DIGIT[c] ?? '0';
    case 'alpha':
      if (cell.short && FILLER_LOOKALIKES.has(c)) return '<';
      if (/[A-Z<]/.test(c)) return c;
      return DIGIT_TO_LETTER[c] ?? '<';
    case 'sex':
      if (c === 'M' || c === 'F' || c === '<') return c;
      if (c === 'N' || c === 'H') return 'M';
      if (c === 'E' || c === 'P') return 'F';
      return '<';
    case 'alnum':
    case 'name':
      if (cell.short && FILLER_LOOKALIKES.has(c)) return '<';
      if (/[A-Z0-9<]/.test(c)) return c;
      return '<';
  }
}

/** Plausible other readings of one position, likeliest first. */
function alternatives(char: string, charClass: CharClass): string[] {
  if (charClass === 'digit') return DIGIT_CONFUSIONS[char] ?? [];
  if (charClass === 'alnum') {
    const options = [...(TWINS[char] ?? []), ...(DIGIT_CONFUSIONS[char] ?? [])];
    if (char !== '<') options.push('<');
    if (char === '<') options.push('K', 'L', 'C', '0');
    return [...new Set(options)].filter((o) => o !== char);
  }
  return [];
}

function isCalendarDate(yymmdd: string): boolean {
  if (!/^\d{6}$/.test(yymmdd)) return false;
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  if (month < 1 || month > 12 || day < 1) return false;
  // Any year works for the day count except February 29, which needs a leap year: use the two-digit year.
  const year = 2000 + Number(yymmdd.slice(0, 2));
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

interface Position {
  line: number;
  index: number;
  charClass: CharClass;
}

/**
 * Searches up to `maxChanges` substitutions over the given positions for the cheapest reading that satisfies
 * `accept`. A change costs more where OCR was confident. Returns the chosen characters, or undefined.
 */
function searchSubstitutions(
  grid: string[][],
  cells: Cell[][],
  positions: Position[],
  accept: () => boolean,
  maxChanges: number,
): { changes: number } | undefined {
  if (accept()) return { changes: 0 };
  const options = positions.map((p) => {
    const current = grid[p.line]?.[p.index] ?? '<';
    const confidence = cells[p.line]?.[p.index]?.confidence ?? 0.5;
    return alternatives(current, p.charClass).map((char, rank) => ({ char, cost: confidence + rank * 0.05 + 0.1 }));
  });
  let best: { cost: number; set: [number, string][] } | undefined;
  const set = (i: number, char: string) => {
    const p = positions[i] as Position;
    (grid[p.line] as string[])[p.index] = char;
  };
  const original = positions.map((p) => grid[p.line]?.[p.index] ?? '<');
  const walk = (from: number, depth: number, cost: number, chosen: [number, string][]) => {
    if (depth === 0) return;
    for (let i = from; i < positions.length; i++) {
      for (const option of options[i] ?? []) {
        const total = cost + option.cost;
        if (best && total >= best.cost) continue;
        set(i, option.char);
        const next: [number, string][] = [...chosen, [i, option.char]];
        if (accept()) best = { cost: total, set: next };
        else walk(i + 1, depth - 1, total, next);
        set(i, original[i] as string);
      }
    }
  };
  for (let depth = 1; depth <= maxChanges && !best; depth++) walk(0, depth, 0, []);
  if (!best) return undefined;
  for (const [i, char] of best.set) set(i, char);
  return { changes: best.set.length };
}

function fieldText(grid: string[][], line: number, start: number, length: number): string {
  return (grid[line] ?? []).slice(start, start + length).join('');
}

function meanConfidence(cells: Cell[][], field: { line: number; start: number; length: number }): number {
  const row = (cells[field.line] ?? []).slice(field.start, field.start + field.length);
  return row.length ? row.reduce((s, c) => s + c.confidence, 0) / row.length : 0;
}

/**
 * Filler runs misread as letters, where geometry did not already settle them: everything after the name's last
 * real word is filler (a word ending in K, L or C keeps its letters), and a letter tripled is never a name.
 */
function restoreNameFillers(text: string): string {
  const tail = /(?:^|[^KLC<])([KLC]*)([KLC<]*)$/.exec(text);
  let restored = text;
  if (tail && (tail[2] ?? '').includes('<')) {
    const keep = text.length - (tail[2] ?? '').length;
    restored = text.slice(0, keep) + '<'.repeat(text.length - keep);
  }
  return restored.replace(/([KLC])\1\1+/g, (run) => '<'.repeat(run.length));
}

export function correctMrz(cells: Cell[][], layout: MrzLayout): MrzReading {
  const grid = cells.map((line, lineIndex) =>
    line.map((cell, index) => {
      const field = layout.fields.find((f) => f.line === lineIndex && index >= f.start && index < f.start + f.length);
      const isCheck = layout.fields.some((f) => f.check?.line === lineIndex && f.check.position === index) ||
        (layout.composite.line === lineIndex && layout.composite.position === index);
      if (isCheck) return cell.char === '<' || (cell.short && FILLER_LOOKALIKES.has(cell.char)) ? '<' : coerce(cell.char, 'digit', cell);
      return coerce(cell.char, field?.charClass ?? 'alnum', cell);
    }),
  );

  const fields: Record<string, FieldReading> = {};
  for (const field of layout.fields) {
    if (field.charClass === 'name') {
      const row = grid[field.line] as string[];
      const fixed = restoreNameFillers(row.slice(field.start, field.start + field.length).join(''));
      row.splice(field.start, field.length, ...fixed);
    }
    fields[field.name] = readField(field, grid, cells);
  }

  const compositeText = () => layout.composite.spans.map((s) => fieldText(grid, s.line, s.start, s.length)).join('');
  const compositeCheck = () => grid[layout.composite.line]?.[layout.composite.position] ?? '<';
  let compositeValid = checkHolds(compositeText(), compositeCheck());
  if (!compositeValid) {
    // The composite digit itself is the likeliest misreading once every covered field checks out.
    const allValid = layout.fields.every((f) => fields[f.name]?.valid !== false);
    const positions: Position[] = [{ line: layout.composite.line, index: layout.composite.position, charClass: 'digit' }];
    compositeValid = allValid && !!searchSubstitutions(grid, cells, positions, () => checkHolds(compositeText(), compositeCheck()), 1);
  }
  return { lines: grid.map((row) => row.join('')), fields, compositeValid };
}

function readField(field: FieldLayout, grid: string[][], cells: Cell[][]): FieldReading {
  const ocrConfidence = meanConfidence(cells, field);
  const check = field.check;
  if (!check) {
    return { raw: fieldText(grid, field.line, field.start, field.length), valid: undefined, corrections: 0, confidence: ocrConfidence };
  }
  const positions: Position[] = [
    ...Array.from({ length: field.length }, (_, i) => ({ line: field.line, index: field.start + i, charClass: field.charClass })),
    { line: check.line, index: check.position, charClass: 'digit' as const },
  ];
  const holds = () => {
    const text = fieldText(grid, field.line, field.start, field.length);
    return checkHolds(text, grid[check.line]?.[check.position] ?? '<') && (!field.isDate || isCalendarDate(text));
  };
  const found = searchSubstitutions(grid, cells, positions, holds, 2);
  const raw = fieldText(grid, field.line, field.start, field.length);
  if (!found) return { raw, valid: false, corrections: 0, confidence: Math.min(ocrConfidence, 0.5) };
  // A check digit that holds is strong evidence; one reached by substitutions is weaker.
  const confidence = found.changes === 0 ? 0.9 + 0.1 * ocrConfidence : Math.min(0.89, 0.6 + 0.3 * ocrConfidence);
  return { raw, valid: true, corrections: found.changes, confidence };
}
