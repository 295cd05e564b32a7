/** Dates printed in words and digits on a document's face (the MRZ's YYMMDD has its own rules in mrz/dates.ts). */
import { asDigits } from './characters.js';

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** The month a three-letter OCR token names: exactly, or else with two letters of three in place and no tie. */
function monthOf(token: string): number | undefined {
  const t = token.toUpperCase().replace(/0/g, 'O');
  const exact = MONTH_NAMES.indexOf(t);
  if (exact >= 0) return exact;
  const scores = MONTH_NAMES.map((month) => [...month].filter((c, i) => t[i] === c).length);
  const best = Math.max(...scores);
  if (best < 2 || scores.filter((s) => s === best).length > 1) return undefined;
  return scores.indexOf(best);
}

const NUMBER = '[0-9OoIlSBZ|]';

/**
 * `12 MAY 1990` (or `12MAY1990`, `12 May 1990`, `12 AOU/AUG 1990` with the month in two languages) as day, month,
 * year; OCR's 0/O and 1/I are mapped in the numbers. A two-digit year only when asked for.
 */
function monthNamed(text: string, twoDigitYears: boolean): [number, number, string] | undefined {
  // Two digits only as printed: read letters (a slash read as I, then S…) would make a year of anything.
  const year = twoDigitYears ? `${NUMBER}{4}|\\d{2}(?!\\d)` : `${NUMBER}{4}`;
  const m = new RegExp(`(${NUMBER}{1,2})\\s*[-/.]?\\s*([A-Za-z0]{3})[A-Za-z]*(?:/([A-Za-z]{3})[A-Za-z]*)?\\.?\\s*[-/.]?\\s*(${year})`).exec(text);
  if (!m) return undefined;
  // A bilingual month ("AOU/AUG"): whichever of the two names a month.
  const month = monthOf(m[2] ?? '') ?? (m[3] ? monthOf(m[3]) : undefined);
  if (month === undefined) return undefined;
  return [Number(asDigits(m[1] ?? '')), month + 1, asDigits(m[4] ?? '')];
}

/**
 * A printed day-first date to YYYY-MM-DD: DD/MM/YYYY (dots, dashes, or run together), the month named
 * (`12 MAY 1990`), or YYYY-MM-DD; undefined when it is not a calendar date: an impossible date is never
 * returned. With `twoDigitYears`, `12 MAY 90` too, put in the century nearest before 2050 (for dates of issue,
 * which some pages print so; a birth year's century is never guessed here).
 */
export function parseDayMonthYear(text: string, options: { twoDigitYears?: boolean } = {}): string | undefined {
  let parts: [number, number, string] | undefined = monthNamed(text, options.twoDigitYears ?? false);
  if (!parts) {
    const t = asDigits(text).replace(/\s+/g, '');
    const iso = /(\d{4})-(\d{2})-(\d{2})/.exec(t);
    const m = iso ? undefined : (/(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})/.exec(t) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(t));
    if (iso) parts = [Number(iso[3]), Number(iso[2]), iso[1] ?? ''];
    else if (m) parts = [Number(m[1]), Number(m[2]), m[3] ?? ''];
  }
  if (!parts) return undefined;
  const [day, month, printedYear] = parts;
  const year = printedYear.length === 2 ? (Number(printedYear) < 50 ? 2000 : 1900) + Number(printedYear) : Number(printedYear);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || year > 2200 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
