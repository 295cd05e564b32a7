/** ICAO 9303 check digits: weights 7, 3, 1; digits count as themselves, A–Z as 10–35, the filler as 0. */
const WEIGHTS = [7, 3, 1] as const;

export function charValue(char: string): number {
  if (char >= '0' && char <= '9') return char.charCodeAt(0) - 48;
  if (char >= 'A' && char <= 'Z') return char.charCodeAt(0) - 55;
  return 0;
}

export function checkDigit(text: string): string {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += charValue(text[i] ?? '<') * (WEIGHTS[i % 3] ?? 1);
  return String(sum % 10);
}

/** A field with its check digit holds; an all-filler field may carry `<` as its check. */
export function checkHolds(field: string, check: string): boolean {
  if (check === '<') return /^<*$/.test(field);
  return checkDigit(field) === check;
}
