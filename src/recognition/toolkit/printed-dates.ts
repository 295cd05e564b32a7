/** Dates as documents print them (not the MRZ's YYMMDD, which mrz/dates reads): month names, dots, slashes. */
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** The month a three-letter OCR token most likely names: at least two letters in place, and no tie. */
function fuzzyMonth(token: string): number | undefined {
  const scores = MONTHS.map((month) => [...month].filter((c, i) => token[i] === c).length);
  const best = Math.max(...scores);
  if (best < 2 || scores.filter((s) => s === best).length > 1) return undefined;
  return scores.indexOf(best);
}

/**
 * `12 DEC 1990`, `12.12.1990`, `12/12/1990` or `1990-12-12` to `1990-12-12`; undefined when not a date. With
 * `twoDigitYears`, `12 DEC 90` too, in the century that puts it nearest before 2050 (for dates of issue, which
 * some pages print so; a birth year's century is never guessed here).
 */
export function parsePrintedDate(text: string, options: { twoDigitYears?: boolean } = {}): string | undefined {
  const t = text.toUpperCase();
  let m = /(\d{1,2})\s*[ /.-]?\s*(\S{3})\S*\s*[ /.-]?\s*(\d{4})/.exec(t);
  if (m && !/^\d+$/.test(m[2] ?? '')) {
    const month = fuzzyMonth((m[2] ?? '').replace(/0/g, 'O'));
    if (month !== undefined) return iso(Number(m[3]), month + 1, Number(m[1]));
  }
  m = options.twoDigitYears ? /(\d{1,2})\s*[ /.-]?\s*([A-Z0]{3})(?:\/[A-Z]{3,4})?\s*[ /.-]?\s*(\d{2})\b(?!\d)/.exec(t) : null;
  if (m) {
    const month = fuzzyMonth((m[2] ?? '').replace(/0/g, 'O'));
    const yy = Number(m[3]);
    if (month !== undefined) return iso(yy < 50 ? 2000 + yy : 1900 + yy, month + 1, Number(m[1]));
  }
  const digits = t.replace(/O/g, '0');
  m = /(\d{4})-(\d{2})-(\d{2})/.exec(digits);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /(\d{1,2})[./-](\d{1,2})[./-](\d{4})/.exec(digits);
  if (m) return iso(Number(m[3]), Number(m[2]), Number(m[1]));
  return undefined;
}

function iso(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1900 || year > 2200) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
