/**
 * MRZ layouts as data: where each field sits, which characters it may hold, and which check digit covers it.
 * Positions are [line, start, length], zero-based.
 */
export type CharClass =
  /** 0–9 only (dates, check digits). */
  | 'digit'
  /** A–Z or filler (country codes, document code). */
  | 'alpha'
  /** A–Z, 0–9 or filler (document numbers, optional data). */
  | 'alnum'
  /** M, F or filler. */
  | 'sex'
  /** A–Z and fillers, no check digit: the name. */
  | 'name';

export interface FieldLayout {
  name: string;
  line: number;
  start: number;
  length: number;
  charClass: CharClass;
  /** The position of the check digit covering this field, if any. */
  check?: { line: number; position: number };
  /** Dates are YYMMDD and must be real calendar dates. */
  isDate?: boolean;
}

export interface CompositeCheck {
  /** The spans the composite check digit covers, in order. */
  spans: { line: number; start: number; length: number }[];
  line: number;
  position: number;
}

export interface MrzLayout {
  format: 'TD1' | 'TD3';
  lines: number;
  lineLength: number;
  fields: FieldLayout[];
  composite: CompositeCheck;
}

export const TD3: MrzLayout = {
  format: 'TD3',
  lines: 2,
  lineLength: 44,
  fields: [
    { name: 'documentCode', line: 0, start: 0, length: 2, charClass: 'alpha' },
    { name: 'issuingState', line: 0, start: 2, length: 3, charClass: 'alpha' },
    { name: 'name', line: 0, start: 5, length: 39, charClass: 'name' },
    { name: 'documentNumber', line: 1, start: 0, length: 9, charClass: 'alnum', check: { line: 1, position: 9 } },
    { name: 'nationality', line: 1, start: 10, length: 3, charClass: 'alpha' },
    { name: 'birthDate', line: 1, start: 13, length: 6, charClass: 'digit', check: { line: 1, position: 19 }, isDate: true },
    { name: 'sex', line: 1, start: 20, length: 1, charClass: 'sex' },
    { name: 'expirationDate', line: 1, start: 21, length: 6, charClass: 'digit', check: { line: 1, position: 27 }, isDate: true },
    { name: 'personalNumber', line: 1, start: 28, length: 14, charClass: 'alnum', check: { line: 1, position: 42 } },
  ],
  composite: {
    spans: [
      { line: 1, start: 0, length: 10 },
      { line: 1, start: 13, length: 7 },
      { line: 1, start: 21, length: 22 },
    ],
    line: 1,
    position: 43,
  },
};

export const TD1: MrzLayout = {
  format: 'TD1',
  lines: 3,
  lineLength: 30,
  fields: [
    { name: 'documentCode', line: 0, start: 0, length: 2, charClass: 'alpha' },
    { name: 'issuingState', line: 0, start: 2, length: 3, charClass: 'alpha' },
    { name: 'documentNumber', line: 0, start: 5, length: 9, charClass: 'alnum', check: { line: 0, position: 14 } },
    { name: 'optional1', line: 0, start: 15, length: 15, charClass: 'alnum' },
    { name: 'birthDate', line: 1, start: 0, length: 6, charClass: 'digit', check: { line: 1, position: 6 }, isDate: true },
    { name: 'sex', line: 1, start: 7, length: 1, charClass: 'sex' },
    { name: 'expirationDate', line: 1, start: 8, length: 6, charClass: 'digit', check: { line: 1, position: 14 }, isDate: true },
    { name: 'nationality', line: 1, start: 15, length: 3, charClass: 'alpha' },
    { name: 'optional2', line: 1, start: 18, length: 11, charClass: 'alnum' },
    { name: 'name', line: 2, start: 0, length: 30, charClass: 'name' },
  ],
  composite: {
    spans: [
      { line: 0, start: 5, length: 25 },
      { line: 1, start: 0, length: 7 },
      { line: 1, start: 8, length: 7 },
      { line: 1, start: 18, length: 11 },
    ],
    line: 1,
    position: 29,
  },
};

/**
 * TD1 as the UAE issues it on Emirates ID cards: `IL` + `ARE`, a 9-digit card number, and the 15-digit identity
 * number in line 1's optional data. Both are digits only, so OCR letters there are coerced to digits.
 */
export const TD1_UAE: MrzLayout = {
  ...TD1,
  fields: TD1.fields.map((field) => (field.name === 'documentNumber' || field.name === 'optional1' ? { ...field, charClass: 'digit' } : field)),
};
