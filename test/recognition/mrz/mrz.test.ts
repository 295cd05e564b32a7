import { describe, expect, it } from 'vitest';
import { checkDigit, checkHolds } from '../../../src/recognition/mrz/check-digit.js';
import { correctMrz } from '../../../src/recognition/mrz/correct.js';
import { birthCenturyUncertain, birthDateToIso, expiryDateToIso } from '../../../src/recognition/mrz/dates.js';
import { symbolsToCells, textToCells, type Cell } from '../../../src/recognition/mrz/grid.js';
import { TD1, TD3 } from '../../../src/recognition/mrz/layouts.js';
import type { OcrSymbol } from '../../../src/ocr/engine.js';

const LINE1 = 'P<GBRSMITH<<JOHN<PETER<<<<<<<<<<<<<<<<<<<<<<';
const LINE2 = 'L898902C36GBR7408122F1204159<<<<<<<<<<<<<<08';

const cellsOf = (...lines: string[]) => lines.map((l, i) => textToCells(l, i < 2 && l.length > 30 ? 44 : 30, 0.9));

describe('check digits', () => {
  it('match the ICAO 9303 specimen', () => {
    expect(checkDigit('L898902C3')).toBe('6');
    expect(checkDigit('740812')).toBe('2');
    expect(checkDigit('120415')).toBe('9');
    expect(checkHolds('<<<<<<<<<<<<<<', '<')).toBe(true);
    expect(checkHolds('<<<<<<<<<<<<<<', '0')).toBe(true);
    expect(checkHolds('ABC', '<')).toBe(false);
  });
});

describe('correctMrz (TD3)', () => {
  it('leaves a clean MRZ as it is, every check holding', () => {
    const reading = correctMrz(cellsOf(LINE1, LINE2), TD3);
    expect(reading.lines).toEqual([LINE1, LINE2]);
    expect(reading.compositeValid).toBe(true);
    expect(Object.values(reading.fields).filter((f) => f.valid === false)).toEqual([]);
    expect(reading.fields.documentNumber).toMatchObject({ raw: 'L898902C3', valid: true, corrections: 0 });
  });

  it('coerces letters in digit fields and digits in letter fields', () => {
    const reading = correctMrz(cellsOf('P<6BRSMITH<<JOHN<PETER<<<<<<<<<<<<<<<<<<<<<<', 'L898902C36G8R74O8122F12O4159<<<<<<<<<<<<<<08'), TD3);
    expect(reading.lines).toEqual([LINE1, LINE2]);
  });

  it('uses the check digit to pick between letter and digit twins in the document number', () => {
    const reading = correctMrz(cellsOf(LINE1, 'L8989O2C36GBR7408122F1204159<<<<<<<<<<<<<<08'), TD3);
    expect(reading.fields.documentNumber).toMatchObject({ raw: 'L898902C3', valid: true, corrections: 1 });
    expect(reading.fields.documentNumber?.confidence).toBeLessThan(0.9);
  });

  it('repairs a misread date digit through its check digit', () => {
    const reading = correctMrz(cellsOf(LINE1, 'L898902C36GBR7403122F1204159<<<<<<<<<<<<<<08'), TD3);
    expect(reading.fields.birthDate).toMatchObject({ raw: '740812', valid: true });
  });

  it('reports a field whose check cannot be made to hold, with confidence below 0.5', () => {
    const reading = correctMrz(cellsOf(LINE1, 'L898902C36GBR7408122F1204159<<<<<<<<<<<<<<08'.replace('F120415', 'F777777')), TD3);
    expect(reading.fields.expirationDate?.valid).toBe(false);
    expect(reading.fields.expirationDate?.confidence).toBeLessThanOrEqual(0.5);
  });

  it('turns filler runs read as K, L and C back into fillers, keeping real letters', () => {
    const reading = correctMrz(cellsOf('P<GBRSMITH<<JOHN<PETER<<K<KKKKLLLLLLLLLLLLLL', LINE2), TD3);
    expect(reading.lines[0]).toBe(LINE1);
    const keepsNames = correctMrz(cellsOf('P<GBRKLECK<<CLARK<<<<<<<<<<<<<<<<<<<<<<<<<<<', LINE2), TD3);
    expect(keepsNames.lines[0]).toBe('P<GBRKLECK<<CLARK<<<<<<<<<<<<<<<<<<<<<<<<<<<');
  });

  it('treats a short glyph read as a letter as the filler', () => {
    const cells: Cell[][] = cellsOf(LINE1, LINE2);
    // "JOHN<PETER" with the filler read as K: geometry says the glyph is short.
    (cells[0] as Cell[])[16] = { char: 'K', confidence: 0.9, short: true, empty: false };
    expect(correctMrz(cells, TD3).lines[0]).toBe(LINE1);
    (cells[0] as Cell[])[16] = { char: 'K', confidence: 0.9, short: false, empty: false };
    expect(correctMrz(cells, TD3).lines[0]).toBe('P<GBRSMITH<<JOHNKPETER<<<<<<<<<<<<<<<<<<<<<<');
  });
});

describe('check-blind characters', () => {
  // G weighs 16 and 6 weighs 6: every check digit passes either way, so OCR's word alone cannot be vouched for.
  const number = 'G37656446';
  const head = `${number}${checkDigit(number)}GBR7408122F1204159<<<<<<<<<<<<<<0`;
  const line2 = head + checkDigit(head.slice(0, 10) + head.slice(13, 20) + head.slice(21, 43));
  const cells = (line = line2.replace('G', '6')) => [textToCells(LINE1, 44, 0.99), textToCells(line, 44, 0.99)];

  it('keeps a number holding a 6 below 0.9 however sure OCR was', () => {
    const reading = correctMrz(cells(), TD3);
    expect(reading.fields.documentNumber).toMatchObject({ raw: '637656446', valid: true });
    expect(reading.fields.documentNumber?.confidence).toBeLessThan(0.9);
  });

  it('vouches for it when the printed zone, read in another font, spells the same', () => {
    const reading = correctMrz(cells(line2), TD3, { documentNumber: [{ text: number, confidence: 0.95 }] });
    expect(reading.fields.documentNumber?.raw).toBe(number);
    expect(reading.fields.documentNumber?.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('takes the printed G over the 6 of the MRZ, but two reads that disagree vouch for nothing', () => {
    const reading = correctMrz(cells(), TD3, { documentNumber: [{ text: number, confidence: 0.95 }] });
    expect(reading.fields.documentNumber?.raw).toBe(number);
    expect(reading.fields.documentNumber?.confidence).toBeLessThan(0.9);
  });
});

describe('glyph shapes beside OCR', () => {
  // The cells' shapes, as cellShapes measures them: the printed character, by a narrow margin (blurred print).
  const withLooks = (cells: Cell[], printed: string, confidence = 0.25): Cell[] =>
    cells.map((cell, i) => {
      const char = printed[i] ?? '<';
      if (char === '<') return cell;
      const match = { char, confidence };
      return { ...cell, looks: { letter: match, digit: match, any: match } };
    });
  const number = 'BK5440477';
  const head = `${number}${checkDigit(number)}GBR7408122F1204159<<<<<<<<<<<<<<0`;
  const line2 = head + checkDigit(head.slice(0, 10) + head.slice(13, 20) + head.slice(21, 43));

  it('take the shapes reading of a field whose OCR reading is too far gone for substitutions, below 0.9', () => {
    // Blur turned five of nine characters into look-alikes; OCR was unsure of them.
    const misread = `BKSAL0L77${line2.slice(9)}`;
    const cells = [textToCells(LINE1, 44, 0.95), withLooks(textToCells(misread, 44, 0.3), line2)];
    const reading = correctMrz(cells, TD3);
    expect(reading.fields.documentNumber).toMatchObject({ raw: number, valid: true });
    expect(reading.fields.documentNumber?.confidence).toBeLessThan(0.9);
    // Without the shapes, no reading within two substitutions passes: the field is reported failing.
    expect(correctMrz([textToCells(LINE1, 44, 0.95), textToCells(misread, 44, 0.3)], TD3).fields.documentNumber?.raw).not.toBe(number);
  });

  it('tell a check-blind G from a 6', () => {
    const blind = 'G37656446';
    const blindHead = `${blind}${checkDigit(blind)}GBR7408122F1204159<<<<<<<<<<<<<<0`;
    const blindLine = blindHead + checkDigit(blindHead.slice(0, 10) + blindHead.slice(13, 20) + blindHead.slice(21, 43));
    const cells = [textToCells(LINE1, 44, 0.95), withLooks(textToCells(blindLine.replace('G', '6'), 44, 0.9), blindLine, 0.2)];
    expect(correctMrz(cells, TD3).fields.documentNumber?.raw).toBe(blind);
  });

  it('never outvote an OCR reading that passes its checks where they agree with it', () => {
    const cells = [textToCells(LINE1, 44, 0.95), withLooks(textToCells(line2, 44, 0.95), line2.replace('5440', '5449'), 0.1)];
    const reading = correctMrz(cells, TD3);
    expect(reading.fields.documentNumber).toMatchObject({ raw: number, corrections: 0 });
    expect(reading.fields.documentNumber?.confidence).toBeGreaterThanOrEqual(0.9);
  });
});

describe('correctMrz (TD1)', () => {
  it('reads an Emirates ID back MRZ', () => {
    const lines = ['ILARE1234567897784199012345678', '9001011M3001017ARE<<<<<<<<<<<6', 'AL<MANSOORI<<AHMED<<<<<<<<<<<<'];
    const reading = correctMrz(cellsOf(...lines), TD1);
    expect(reading.fields.documentNumber).toMatchObject({ raw: '123456789', valid: true });
    expect(reading.fields.birthDate).toMatchObject({ raw: '900101', valid: true });
    expect(reading.lines[2]).toBe(lines[2]);
  });
});

describe('symbolsToCells', () => {
  const symbol = (text: string, index: number, height = 34): OcrSymbol => ({
    text,
    confidence: 0.9,
    bbox: { x0: 40 + index * 33, x1: 40 + index * 33 + 23, y0: 74 - height, y1: text === '<' || height < 34 ? 70 : 74 },
  });

  it('places symbols by position, dropping inserted ones and filling dropped ones', () => {
    const text = 'L898902C36GBR7408122F1204159<<<<<<<<<<<<<<08';
    const symbols = [...text].map((c, i) => symbol(c, i, c === '<' ? 29 : 34)).filter((_, i) => i !== 30);
    // An extra narrow symbol squeezed between two fillers.
    symbols.push({ text: 'K', confidence: 0.6, bbox: { x0: 40 + 31 * 33 + 14, x1: 40 + 31 * 33 + 27, y0: 40, y1: 74 } });
    const cells = symbolsToCells(symbols, 44) as Cell[];
    expect(cells.map((c) => c.char).join('')).toBe(text);
    expect(cells[30]?.empty).toBe(true);
    expect(cells[29]?.short).toBe(true);
    expect(cells[0]?.short).toBe(false);
  });
});

describe('MRZ dates', () => {
  const now = Date.UTC(2026, 10, 25);
  it('infers the century', () => {
    expect(birthDateToIso('740812', now)).toBe('1974-08-12');
    expect(birthDateToIso('150101', now)).toBe('2015-01-01');
    expect(birthDateToIso('270101', now)).toBe('1927-01-01');
    // Born 1915 or 2015: both holders could be alive, so the guess is not vouched for.
    expect(birthCenturyUncertain('150919', now)).toBe(true);
    expect(birthCenturyUncertain('150919', now, 1915)).toBe(false);
    expect(expiryDateToIso('310101', now)).toBe('2031-01-01');
    expect(expiryDateToIso('991231', now)).toBe('1999-12-31');
  });
});
