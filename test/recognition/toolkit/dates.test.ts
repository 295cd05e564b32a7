import { describe, expect, it } from 'vitest';
import { parseDayMonthYear } from '../../../src/recognition/toolkit/dates.js';

describe('printed dates (one parser for passports and ID cards)', () => {
  it('reads the forms data pages print', () => {
    expect(parseDayMonthYear('12 AUG 1974')).toBe('1974-08-12');
    expect(parseDayMonthYear('12.08.1974')).toBe('1974-08-12');
    expect(parseDayMonthYear('12/08/1974')).toBe('1974-08-12');
    expect(parseDayMonthYear('1974-08-12')).toBe('1974-08-12');
    expect(parseDayMonthYear('12081974')).toBe('1974-08-12');
  });

  it('reads a month printed in two languages, and a month OCR misread by one letter', () => {
    expect(parseDayMonthYear('21 AVR/APR 1910')).toBe('1910-04-21');
    expect(parseDayMonthYear('12 AOU/AUG 1974')).toBe('1974-08-12');
    expect(parseDayMonthYear('04 SEF 2009')).toBe('2009-09-04');
  });

  it('takes a two-digit year only when asked, and never an impossible date', () => {
    expect(parseDayMonthYear('07 JAN/JAN 18')).toBeUndefined();
    expect(parseDayMonthYear('07 JAN/JAN 18', { twoDigitYears: true })).toBe('2018-01-07');
    // The slash read as I: "ISEP" must not give the year 15.
    expect(parseDayMonthYear('11 SEPISEP 24', { twoDigitYears: true })).toBe('2024-09-11');
    expect(parseDayMonthYear('30 FEB 2020')).toBeUndefined();
    expect(parseDayMonthYear('31.04.2021')).toBeUndefined();
  });
});
