/** Kept for src/fixtures/emirates-id.ts, which imports this path; recognition uses toolkit/luhn.ts. */
export { luhnCheckDigit, luhnValid } from './toolkit/luhn.js';
