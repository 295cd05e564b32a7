/** MRZ dates are YYMMDD; the century is inferred the way border systems do, unless the printed zone shows it. */

/**
 * Birth dates are in the past: a two-digit year later than this year's belongs to the previous century. A
 * four-digit year read elsewhere on the document (the printed zone) settles it when its last two digits agree.
 */
export function birthDateToIso(yymmdd: string, now: number, printedYear?: number): string {
  return toIso(yymmdd, (yy) => {
    if (printedYear !== undefined && printedYear % 100 === yy && printedYear <= new Date(now).getUTCFullYear()) return printedYear;
    const current = new Date(now).getUTCFullYear();
    return 2000 + yy > current ? 1900 + yy : 2000 + yy;
  });
}

/** Nobody holding a document is older than this (the oldest people on record reached 117 to 122): a century that would make them older is no alternative. */
const OLDEST_HOLDER = 120;

/**
 * Whether a birth date's century is a guess: the printed zone did not show the year, and the previous century
 * would give a holder no older than anyone alive (born 1917 or 2017, read in 2026; 1907 or 2007 too).
 */
export function birthCenturyUncertain(yymmdd: string, now: number, printedYear?: number): boolean {
  if (!/^\d{6}$/.test(yymmdd)) return false;
  const yy = Number(yymmdd.slice(0, 2));
  if (printedYear !== undefined && printedYear % 100 === yy) return false;
  const current = new Date(now).getUTCFullYear();
  return 2000 + yy <= current && current - (1900 + yy) <= OLDEST_HOLDER;
}

/** Expiry dates lie within a few decades either side of today. */
export function expiryDateToIso(yymmdd: string, now: number): string {
  return toIso(yymmdd, (yy) => {
    const current = new Date(now).getUTCFullYear();
    return 2000 + yy > current + 50 ? 1900 + yy : 2000 + yy;
  });
}

/** Whether a YYYY-MM-DD names a day that exists. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** ISO date of an MRZ YYMMDD; `""` for anything that is not a calendar date: an impossible date is never returned. */
function toIso(yymmdd: string, century: (yy: number) => number): string {
  if (!/^\d{6}$/.test(yymmdd)) return '';
  const year = century(Number(yymmdd.slice(0, 2)));
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  if (!isCalendarDate(year, month, day)) return '';
  return `${year}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
}
