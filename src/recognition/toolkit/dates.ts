/** Dates printed in words and digits on a document's face (the MRZ's YYMMDD has its own rules in mrz/dates.ts). */
import { asDigits } from './characters.js';

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** `12 MAY 1990` (or `12MAY1990`, `12 May 1990`) as [, day, month, year]; OCR's 0/O and 1/I are mapped in the numbers. */
function monthNamed(text: string): [string, string, string, string] | undefined {
  const m = /([0-9OoIlSBZ|]{1,2})\s*[-/.]?\s*([A-Za-z]{3})[A-Za-z]*\.?\s*[-/.]?\s*([0-9OoIlSBZ|]{4})/.exec(text);
  if (!m) return undefined;
  const month = MONTH_NAMES.indexOf((m[2] ?? '').toUpperCase().replace(/0/g, 'O'));
  if (month < 0) return undefined;
  return [m[0], asDigits(m[1] ?? ''), String(month + 1), asDigits(m[3] ?? '')];
}

/**
 * A printed day-first date, DD/MM/YYYY (or run together, or with the month named), to YYYY-MM-DD; undefined
 * when it is not a calendar date: an impossible date is never returned.
 */
export function parseDayMonthYear(text: string): string | undefined {
  const named = monthNamed(text);
  const t = asDigits(text).replace(/\s+/g, '');
  const m = named ?? /(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})/.exec(t) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(t);
  if (!m) return undefined;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || year > 2200 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
