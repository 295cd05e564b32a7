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
  O: '0',
  Q: '0',
  D: '0',
  U: '0',
  C: '0',
  I: '1',
  L: '1',
  J: '1',
  T: '7',
  Z: '2',
  S: '5',
  B: '8',
  G: '6',
  A: '4',
  E: '8',
  H: '8',
};
/** What a digit most likely is when a letter must stand there. */
const DIGIT_TO_LETTER: Record<string, string> = {
  '0': 'O',
  '1': 'I',
  '2': 'Z',
  '4': 'A',
  '5': 'S',
  '6': 'G',
  '7': 'T',
  '8': 'B',
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
  O: ['0', 'D', 'Q'],
  '0': ['O', 'D'],
  D: ['0', 'O'],
  Q: ['0', 'O'],
  I: ['1', 'L'],
  '1': ['I', '7'],
  L: ['1', 'I'],
  B: ['8'],
  '8': ['B'],
  S: ['5'],
  '5': ['S'],
  Z: ['2'],
  '2': ['Z'],
  G: ['6', 'C'],
  '6': ['G'],
  A: ['4'],
  '4': ['A'],
  T: ['7'],
  '7': ['T'],
  C: ['G', '0'],
  U: ['V', '0'],
  V: ['U'],
  M: ['N'],
  N: ['M'],
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

interface Candidate {
  /** The field's characters followed by its check digit. */
  chars: string[];
  cost: number;
  changes: number;
  /** Read elsewhere on the document: no prior applies. */
  hinted?: boolean;
}

/** Neighbours of one class make the same class likelier in a mixed field (document numbers). */
function classPrior(chars: readonly string[], index: number, replacement: string): number {
  const isDigit = (c: string | undefined) => c !== undefined && /[0-9]/.test(c);
  const isLetter = (c: string | undefined) => c !== undefined && /[A-Z]/.test(c);
  const before = chars[index - 1];
  const after = chars[index + 1];
  const matches = isDigit(replacement) ? isDigit : isLetter(replacement) ? isLetter : undefined;
  if (!matches) return 0;
  return (matches(before) ? -0.08 : 0) + (matches(after) ? -0.08 : 0);
}

/**
 * Every reading of a field and its check digit, with up to two substitutions, whose check digit holds (and, for
 * dates, that is a calendar date; for document numbers, that has fillers only at the end). Cheapest first:
 * a substitution costs more where OCR was confident.
 */
function fieldCandidates(
  field: FieldLayout,
  chars: string[],
  confidences: number[],
  unsure: boolean[],
  hints: readonly MrzHint[] = [],
  looked: readonly (Looked | undefined)[] = [],
  limit = 6,
): Candidate[] {
  const length = chars.length;
  const classes: CharClass[] = [...Array<CharClass>(length - 1).fill(field.charClass), 'digit'];
  const accept = (c: string[]) => {
    const text = c.slice(0, -1).join('');
    if (!checkHolds(text, c[length - 1] ?? '<')) return false;
    if (field.isDate) return isCalendarDate(text);
    return /^[A-Z0-9]*<*$/.test(text);
  };
  const options = chars.map((char, i) => {
    // What the glyph's shape says, where it differs from OCR: the likeliest alternative.
    const look = looked[i];
    const shape = look && look.char !== char && look.confidence >= SHAPE_SURE ? [{ char: look.char, cost: SHAPE_COST.position + 0.5 * (confidences[i] ?? 0.5) }] : [];
    // A letter where only a digit may stand was misread for sure: any digit is as likely as the look-alike.
    if (unsure[i]) {
      const ranked = [...(DIGIT_CONFUSIONS[char] ?? []), ...'0123456789'].filter((d, k, all) => d !== char && all.indexOf(d) === k);
      return [...shape, ...ranked.map((alt, rank) => ({ char: alt, cost: 0.25 + rank * 0.01 }))];
    }
    return [
      ...shape,
      ...alternatives(char, classes[i] as CharClass).map((alt, rank) => ({
        char: alt,
        cost: 0.2 + (confidences[i] ?? 0.5) + rank * 0.05 + (classes[i] === 'alnum' ? classPrior(chars, i, alt) : 0),
      })),
    ].filter((option, k, all) => all.findIndex((o) => o.char === option.char) === k);
  });
  const found: Candidate[] = [];
  if (accept(chars)) found.push({ chars: [...chars], cost: unsure.some(Boolean) ? 0.1 : 0, changes: 0 });
  // Readings from elsewhere on the document (the printed zone), checked against the MRZ's own check digit.
  for (const hint of hints) {
    const hinted = [...hint.text.padEnd(length - 1, '<').slice(0, length - 1), chars[length - 1] ?? '<'];
    const changes = hinted.filter((c, i) => c !== chars[i]).length;
    // A confidently read hint settles twins the check digit cannot tell apart (B/8, L/1); a doubtful one
    // is only an alternative to substitutions.
    const cost = hint.confidence >= HINT_TRUSTED ? -0.01 : 0.3 + changes * 0.1;
    if (changes > 0 && accept(hinted)) found.push({ chars: hinted, cost, changes, hinted: true });
  }
  // The field as its glyphs' shapes read it: a second reading of the whole field, which settles more misread
  // characters at once than substitutions may (blur turns half a number into letters). Its characters are each
  // shape's likeliest, however narrow the margin: the check digit, not the margin, vouches for the whole.
  // Also blended: the shape's character only where it is clearer than a near guess, OCR's elsewhere.
  const changesFrom = (c: readonly string[]) => c.filter((x, i) => x !== chars[i]).length;
  const shaped = chars.map((char, i) => looked[i]?.char || char);
  const blended = chars.map((char, i) => ((looked[i]?.confidence ?? 0) >= SHAPE_BLEND ? (looked[i]?.char as string) : char));
  for (const reading of [shaped, blended].filter((r, k, all) => changesFrom(r) > 0 && all.findIndex((o) => o.join('') === r.join('')) === k)) {
    const variants = [
      ...(accept(reading) ? [{ chars: reading, cost: 0 }] : []),
      ...(field.charClass === 'alnum'
        ? twinReadings(
            reading,
            reading.map((_, i) => looked[i]?.confidence ?? 0.5),
            accept,
          )
        : []),
    ];
    for (const variant of variants) {
      const changes = changesFrom(variant.chars);
      if (changes > 0) found.push({ chars: variant.chars, cost: SHAPE_COST.field + SHAPE_COST.perChange * changes + variant.cost, changes });
    }
  }
  const work = [...chars];
  const walk = (from: number, depth: number, cost: number, changes: number) => {
    for (let i = from; i < length; i++) {
      for (const option of options[i] ?? []) {
        work[i] = option.char;
        if (accept(work)) found.push({ chars: [...work], cost: cost + option.cost, changes: changes + 1 });
        if (depth > 1) walk(i + 1, depth - 1, cost + option.cost, changes + 1);
        work[i] = chars[i] as string;
      }
    }
  };
  walk(0, 2, 0, 0);
  if (field.charClass === 'alnum') {
    found.push(...twinReadings(chars, confidences, accept));
    for (const candidate of found) if (!candidate.hinted) candidate.cost += documentNumberPrior(candidate.chars.slice(0, -1));
  }
  for (const candidate of found) candidate.cost += shapeDisagreement(candidate.chars, looked);
  // Several routes reach one reading: the cheapest stands for it.
  return found
    .sort((a, b) => a.cost - b.cost)
    .filter((c, k, all) => all.findIndex((o) => o.chars.join('') === c.chars.join('')) === k)
    .slice(0, limit);
}

/**
 * Characters OCR-B draws nearly alike, in groups: OCR swaps them even when sure, and the shape grid cannot tell
 * them apart either (a shape's vote within a group counts for nothing).
 */
const CLOSE_TWIN_GROUPS: readonly ReadonlySet<string>[] = [new Set(['O', '0', 'D', 'Q']), new Set(['I', '1'])];

/**
 * What a reading costs for each character its glyph's shape contradicts, by the shape's confidence. Twice that
 * for the check-blind twins (G and 6 weigh the same in a check digit): there the shape is the only evidence.
 */
function shapeDisagreement(chars: readonly string[], looked: readonly (Looked | undefined)[]): number {
  let cost = 0;
  chars.forEach((char, i) => {
    const look = looked[i];
    if (!look || look.char === char || CLOSE_TWIN_GROUPS.some((group) => group.has(char) && group.has(look.char))) return;
    cost += (CHECK_BLIND[char] === look.char ? SHAPE_COST.blindDisagreement : SHAPE_COST.disagreement) * look.confidence;
  });
  return cost;
}

/**
 * What choosing the glyph shapes' reading over OCR's costs. A whole field read by shape that passes its check is
 * an independent reading vouched for by the check (one in ten by chance), while a substitution that makes OCR's
 * reading pass is one of dozens tried: so the shapes' field costs less than any substitution, whatever it changes.
 */
const SHAPE_COST = { position: 0.1, field: 0.2, perChange: 0.02, disagreement: 0.4, blindDisagreement: 2 } as const;
/** A shape's character is offered as a single substitution from this confidence (toolkit/glyph-shapes.ts). */
const SHAPE_SURE = 0.3;
/** In the blended reading, a shape's character replaces OCR's from this confidence. */
const SHAPE_BLEND = 0.1;

interface Looked {
  char: string;
  confidence: number;
}

/**
 * Per position of a field and its check digit: the character its glyph's shape shows likeliest, of the class the
 * position allows; undefined where the cell's glyph was not measured.
 */
function lookedAt(cells: Cell[][], positions: readonly (readonly [number, number])[], field: FieldLayout): (Looked | undefined)[] {
  return positions.map(([l, i], k) => {
    const looks = cells[l]?.[i]?.looks;
    if (!looks) return undefined;
    const isDigit = field.charClass === 'digit' || k === field.length;
    return isDigit ? looks.digit : field.charClass === 'alnum' ? looks.any : looks.letter;
  });
}

/** Letters and digits OCR-B prints alike, paired: the check digit tells them apart, and any number of them may be misread. */
const SHAPE_TWINS: Record<string, string> = { O: '0', '0': 'O', D: '0', Q: '0', I: '1', '1': 'I', B: '8', '8': 'B', S: '5', '5': 'S', Z: '2', '2': 'Z', G: '6', '6': 'G' };
/** OCR-B draws these nearly alike, and OCR swaps them even when sure; the other twins it tells apart when sure. */
const CLOSE_TWINS = new Set(CLOSE_TWIN_GROUPS.flatMap((group) => [...group]));
/** At most this many ambiguous positions are enumerated (2^n readings). */
const MAX_TWIN_POSITIONS = 10;

/**
 * Every reading that swaps any set of shape twins (O/0, I/1, B/8, S/5, Z/2, G/6, D→0) and passes the check digit.
 * A document number of zeros read as O's needs as many substitutions as it has zeros; the check digit, with the
 * prior below, settles them all at once.
 */
function twinReadings(chars: readonly string[], confidences: readonly number[], accept: (c: string[]) => boolean): Candidate[] {
  const positions = chars
    .slice(0, -1)
    .flatMap((c, i) => (SHAPE_TWINS[c] ? [i] : []))
    .slice(0, MAX_TWIN_POSITIONS);
  const found: Candidate[] = [];
  for (let mask = 1; mask < 1 << positions.length; mask++) {
    const work = [...chars];
    let changes = 0;
    let cost = 0;
    positions.forEach((position, bit) => {
      if (mask & (1 << bit)) {
        work[position] = SHAPE_TWINS[chars[position] as string] as string;
        changes++;
        // Cheap, but dearer where OCR was sure of the shape it saw, and much dearer for twins OCR-B draws apart.
        const sure = confidences[position] ?? 0.5;
        cost += CLOSE_TWINS.has(chars[position] as string) ? 0.05 + 0.15 * sure : 0.2 + 0.6 * sure;
      }
    });
    if (accept(work)) found.push({ chars: work, cost, changes });
  }
  return found;
}

/**
 * How unlikely a document number looks: issuers avoid the letters that look like digits, so an O, I, Q or D
 * makes a reading less likely than its digit twin (the check digit tells them apart, but not always: D and 3
 * weigh the same).
 */
function documentNumberPrior(chars: readonly string[]): number {
  return chars.filter((c) => 'OIQD'.includes(c)).length * 0.2;
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

/** A reading of a checked field from elsewhere on the document, e.g. the printed passport number. */
export interface MrzHint {
  text: string;
  /** 0..1, the OCR's confidence in that reading. */
  confidence: number;
}
/** Hints keyed by field name. */
export type MrzHints = Readonly<Record<string, readonly MrzHint[]>>;
const HINT_TRUSTED = 0.8;

/** What a composite check may cost beyond each field's own best reading: about one confident substitution. */
const COMPOSITE_BUDGET = 1.3;

export function correctMrz(cells: Cell[][], layout: MrzLayout, hints: MrzHints = {}): MrzReading {
  const checkPositions = new Set(layout.fields.flatMap((f) => (f.check ? [`${f.check.line}:${f.check.position}`] : [])));
  checkPositions.add(`${layout.composite.line}:${layout.composite.position}`);
  const grid = cells.map((line, lineIndex) =>
    line.map((cell, index) => {
      if (checkPositions.has(`${lineIndex}:${index}`)) {
        return cell.char === '<' || (cell.short && FILLER_LOOKALIKES.has(cell.char)) ? '<' : coerce(cell.char, 'digit', cell);
      }
      const field = layout.fields.find((f) => f.line === lineIndex && index >= f.start && index < f.start + f.length);
      return coerce(cell.char, field?.charClass ?? 'alnum', cell);
    }),
  );
  for (const field of layout.fields.filter((f) => f.charClass === 'name')) {
    const row = grid[field.line] as string[];
    row.splice(field.start, field.length, ...restoreNameFillers(row.slice(field.start, field.start + field.length).join('')));
  }

  // Each checked field's plausible readings; the composite check then chooses among their combinations.
  const checked = layout.fields.filter((f) => f.check);
  const positionsOf = (f: FieldLayout) => [...Array.from({ length: f.length }, (_, i) => [f.line, f.start + i] as const), [f.check?.line ?? 0, f.check?.position ?? 0] as const];
  const unsureAt = (positions: readonly (readonly [number, number])[], field: FieldLayout) =>
    positions.map(([l, i], k) => {
      const isDigitPosition = field.charClass === 'digit' || k === field.length;
      const read = cells[l]?.[i]?.char ?? '<';
      return isDigitPosition && !/[0-9<]/.test(read) && !(cells[l]?.[i]?.short ?? false);
    });
  const readAt = (positions: readonly (readonly [number, number])[]) => positions.map(([l, i]) => grid[l]?.[i] ?? '<');
  const confidenceAt = (positions: readonly (readonly [number, number])[]) => positions.map(([l, i]) => cells[l]?.[i]?.confidence ?? 0.5);
  const writeAt = (positions: readonly (readonly [number, number])[], chars: readonly string[]) => {
    for (const [k, [l, i]] of positions.entries()) (grid[l] as string[])[i] = chars[k] ?? '<';
  };
  const options = checked.map((f) => {
    const positions = positionsOf(f);
    const candidates = fieldCandidates(f, readAt(positions), confidenceAt(positions), unsureAt(positions, f), hints[f.name], lookedAt(cells, positions, f));
    return { field: f, positions, candidates };
  });

  const compositeText = () => layout.composite.spans.map((s) => fieldText(grid, s.line, s.start, s.length)).join('');
  const compositeChar = () => grid[layout.composite.line]?.[layout.composite.position] ?? '<';
  const compositeCandidates = [compositeChar(), ...alternatives(compositeChar(), 'digit')];
  const compositeConfidence = cells[layout.composite.line]?.[layout.composite.position]?.confidence ?? 0.5;

  let best: { cost: number; choice: number[]; composite: string } | undefined;
  const choice: number[] = [];
  const search = (k: number, cost: number) => {
    if (best && cost >= best.cost) return;
    if (k === options.length) {
      compositeCandidates.forEach((char, rank) => {
        const total = cost + (rank === 0 ? 0 : 0.2 + compositeConfidence + rank * 0.05);
        if (best && total >= best.cost) return;
        (grid[layout.composite.line] as string[])[layout.composite.position] = char;
        if (checkHolds(compositeText(), char)) best = { cost: total, choice: [...choice], composite: char };
      });
      return;
    }
    const option = options[k];
    if (!option) return;
    const original = readAt(option.positions);
    const candidates = option.candidates.length ? option.candidates : [{ chars: original, cost: 0, changes: 0 }];
    candidates.forEach((candidate, index) => {
      writeAt(option.positions, candidate.chars);
      choice[k] = index;
      search(k + 1, cost + candidate.cost);
      writeAt(option.positions, original);
    });
  };
  const originalComposite = compositeChar();
  search(0, 0);
  // A composite reached only through many confident substitutions is likelier wrong than the fields' own best.
  const ownBest = options.reduce((sum, o) => sum + (o.candidates[0]?.cost ?? 0), 0);
  if (best && best.cost > ownBest + COMPOSITE_BUDGET) best = undefined;
  (grid[layout.composite.line] as string[])[layout.composite.position] = best?.composite ?? originalComposite;

  const fields: Record<string, FieldReading> = {};
  options.forEach((option, k) => {
    const candidate = option.candidates[best ? (best.choice[k] ?? 0) : 0];
    if (candidate) writeAt(option.positions, candidate.chars);
    fields[option.field.name] = readField(option.field, candidate, cells, best !== undefined, hints[option.field.name]);
  });
  for (const field of layout.fields.filter((f) => !f.check)) fields[field.name] = readField(field, undefined, cells, best !== undefined);
  for (const field of layout.fields) (fields[field.name] as FieldReading).raw = fieldText(grid, field.line, field.start, field.length);
  // A sex cell that read as neither M, F nor a filler (nor their look-alikes) became a filler by default: unknown, not X.
  for (const field of layout.fields.filter((f) => f.charClass === 'sex')) {
    const read = cells[field.line]?.[field.start]?.char.toUpperCase() ?? '<';
    if (!'MFNHEP<'.includes(read) && !(cells[field.line]?.[field.start]?.short && FILLER_LOOKALIKES.has(read))) {
      (fields[field.name] as FieldReading).confidence = Math.min(0.3, (fields[field.name] as FieldReading).confidence);
    }
  }
  return { lines: grid.map((row) => row.join('')), fields, compositeValid: best !== undefined };
}

/** Letter–digit pairs that look alike and weigh the same in a check digit (G is 16, 6 is 6): no check tells them apart. */
const CHECK_BLIND: Record<string, string> = { G: '6', '6': 'G' };

/**
 * A mixed field holding a check-blind character: its check digits cannot vouch for it, and OCR is sure of a 6 it
 * should have read as G as often as not. Only a second reading in another font (a trusted printed-zone hint that
 * spells the same) vouches for it.
 */
function checkBlind(field: FieldLayout, candidate: Candidate, hints: readonly MrzHint[] | undefined): boolean {
  if (field.charClass !== 'alnum') return false;
  const chars = candidate.chars.slice(0, field.length);
  if (!chars.some((char) => CHECK_BLIND[char] !== undefined)) return false;
  const text = chars.join('').replace(/<+$/, '');
  return !(hints ?? []).some((hint) => hint.confidence >= HINT_TRUSTED && hint.text === text);
}

function readField(field: FieldLayout, candidate: Candidate | undefined, cells: Cell[][], compositeHolds: boolean, hints?: readonly MrzHint[]): FieldReading {
  const ocrConfidence = meanConfidence(cells, field);
  // No check digit covers a name: OCR's word alone stays below the 0.9 that means "verified".
  if (!field.check) return { raw: '', valid: undefined, corrections: 0, confidence: field.charClass === 'name' ? Math.min(0.85, ocrConfidence) : ocrConfidence };
  if (!candidate) return { raw: '', valid: false, corrections: 0, confidence: Math.min(ocrConfidence, 0.5) };
  // One check digit passes a wrong reading one time in ten; with the composite holding too, one in a hundred.
  // Only a field both vouch for, read as printed or through shape twins alone, reaches 0.9.
  const confidence = !compositeHolds
    ? Math.min(0.75, 0.5 + 0.25 * ocrConfidence)
    : candidate.changes === 0 && !checkBlind(field, candidate, hints)
      ? 0.9 + 0.1 * ocrConfidence
      : Math.min(0.89, 0.6 + 0.3 * ocrConfidence);
  return { raw: '', valid: true, corrections: candidate.changes, confidence };
}
