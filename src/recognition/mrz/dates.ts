/** MRZ dates are YYMMDD; the century is inferred the way border systems do. */

/** Birth dates are in the past: a two-digit year later than this year's belongs to the previous century. */
export function birthDateToIso(yymmdd: string, now: number): string {
  return toIso(yymmdd, (yy) => {
    const current = new Date(now).getUTCFullYear();
    return 2000 + yy > current ? 1900 + yy : 2000 + yy;
  });
}

/** Expiry dates lie within a few decades either side of today. */
export function expiryDateToIso(yymmdd: string, now: number): string {
  return toIso(yymmdd, (yy) => {
    const current = new Date(now).getUTCFullYear();
    return 2000 + yy > current + 50 ? 1900 + yy : 2000 + yy;
  });
}

function toIso(yymmdd: string, century: (yy: number) => number): string {
  if (!/^\d{6}$/.test(yymmdd)) return '';
  const year = century(Number(yymmdd.slice(0, 2)));
  return `${year}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
}
