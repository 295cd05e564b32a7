/**
 * The card number's rules, pure: the card type from the number's prefix, and choosing the number from several
 * OCR readings with the Luhn check. No image or engine here, so every rule is tested with plain strings.
 */
import { median } from '../geometry.js';
import { DIGIT_LOOKALIKES } from '../toolkit/characters.js';
import { rounded } from '../toolkit/confidence.js';
import { luhnValid } from '../toolkit/luhn.js';

export type CardType = 'Visa' | 'MasterCard' | 'Unrecognized';

/** Prefix ranges per network, compared on the first `low.length` digits; anything else is Unrecognized. */
export const CARD_TYPE_RULES: readonly { type: CardType; ranges: readonly (readonly [low: string, high: string])[] }[] = [
  { type: 'Visa', ranges: [['4', '4']] },
  {
    type: 'MasterCard',
    ranges: [
      ['51', '55'],
      ['2221', '2720'],
    ],
  },
];

/** Card numbers in use run from 12 digits (some Maestro) to 19 (ISO/IEC 7812 allows no more). */
export const CARD_NUMBER_LENGTHS = { min: 12, max: 19 } as const;

export function cardTypeOf(digits: string): CardType {
  for (const rule of CARD_TYPE_RULES) {
    for (const [low, high] of rule.ranges) {
      const prefix = digits.slice(0, low.length);
      // Equal-length digit strings compare numerically as strings.
      if (/^\d+$/.test(prefix) && prefix.length === low.length && prefix >= low && prefix <= high) return rule.type;
    }
  }
  return 'Unrecognized';
}

/** `6225768700008243` → `6225 7687 0000 8243`; a 19-digit number ends in a group of three. */
export function groupInFours(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** One OCR reading of the number: a digit string and the engine's confidence in each digit. */
export interface DigitReading {
  digits: string;
  /** 0..1, one per digit. */
  confidences: readonly number[];
  /** How far the reading as a whole is to be trusted, 0..1 (default 1): a reading known to be partial counts less. */
  weight?: number;
}

/** A reading of plain text, e.g. `"5108 9267 O586 4821"`, every character at `confidence`; look-alikes become digits. */
export function readingFromText(text: string, confidence = 0.9): DigitReading {
  const digits = [...text]
    .map((c) => DIGIT_LOOKALIKES[c] ?? c)
    .filter((c) => /\d/.test(c))
    .join('');
  return { digits, confidences: [...digits].map(() => confidence) };
}

export interface ChosenNumber {
  /** Digits only; empty when no reading had a plausible length. */
  digits: string;
  luhnValid: boolean;
  /**
   * 0..1: ≥ 0.9 only when Luhn holds and two or more readings agree on every digit, each read surely; 0.5–0.89 when Luhn
   * holds otherwise; < 0.5 when the number, as printed, fails Luhn.
   */
  confidence: number;
  /** How many digits differ from the readings' majority (a disagreement between readings settled by Luhn). */
  corrections: number;
}

/** Costs of the choices in chooseCardNumber: lower is likelier. */
const COST = {
  /** When readings disagree, picking a minority digit costs this much per unit of weight it lacks. */
  minority: 1.5,
  /** Beyond this total, Luhn is not allowed to overrule the readings' majority. */
  acceptable: 1.2,
  maxCorrections: 2,
} as const;

/** A digit every reading gives is trusted for high confidence only when read at least this surely. */
const SURE_DIGIT = 0.85;

interface Option {
  digit: number;
  cost: number;
}

/**
 * Per position: the digits the readings voted for, the strongest at cost 0. Only digits some reading gave: a
 * number is never rewritten into digits nobody read, so a printed number that fails Luhn comes back as printed.
 */
function positionOptions(readings: readonly DigitReading[], position: number): Option[] {
  const weights = new Map<string, number>();
  for (const reading of readings) {
    const digit = reading.digits[position] ?? '';
    const confidence = reading.confidences[position] ?? 0.5;
    weights.set(digit, (weights.get(digit) ?? 0) + Math.max(0.05, confidence * (reading.weight ?? 1)));
  }
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  const best = Math.max(...weights.values());
  return [...weights].map(([digit, weight]) => ({ digit: Number(digit), cost: (COST.minority * (best - weight)) / total })).sort((a, b) => a.cost - b.cost);
}

/** Luhn weight of digit `d` at `position` (from the left) in a number of `length` digits. */
function luhnTerm(d: number, position: number, length: number): number {
  if ((length - 1 - position) % 2 === 0) return d;
  return d * 2 > 9 ? d * 2 - 9 : d * 2;
}

interface Best {
  cost: number;
  digits: string;
  corrections: number;
}

/**
 * The cheapest digit string of this length that passes Luhn, choosing at each position among the digits the
 * readings gave, with at most COST.maxCorrections minority choices: dynamic programming over positions with the
 * running Luhn sum (mod 10) and the minority count as state.
 */
function cheapestLuhnValid(readings: readonly DigitReading[], length: number): Best | undefined {
  type State = { cost: number; digits: string; corrections: number };
  let states = new Map<string, State>([['0:0', { cost: 0, digits: '', corrections: 0 }]]);
  for (let position = 0; position < length; position++) {
    const next = new Map<string, State>();
    const options = positionOptions(readings, position);
    for (const [key, state] of states) {
      const sum = Number(key.split(':')[0]);
      for (const [rank, option] of options.entries()) {
        const corrections = state.corrections + (rank > 0 ? 1 : 0);
        if (corrections > COST.maxCorrections) continue;
        const nextKey = `${(sum + luhnTerm(option.digit, position, length)) % 10}:${corrections}`;
        const cost = state.cost + option.cost;
        const existing = next.get(nextKey);
        if (!existing || cost < existing.cost) next.set(nextKey, { cost, digits: state.digits + option.digit, corrections });
      }
    }
    states = next;
  }
  const valid = [...states].filter(([key]) => key.startsWith('0:')).map(([, state]) => state);
  return valid.sort((a, b) => a.cost - b.cost)[0];
}

/** The per-position majority of same-length readings, its mean confidence, and whether every reading agreed surely. */
function majority(readings: readonly DigitReading[], length: number): { digits: string; confidence: number; unanimous: boolean } {
  let digits = '';
  let confidence = 0;
  let unanimous = true;
  for (let position = 0; position < length; position++) {
    const option = positionOptions(readings, position)[0];
    digits += String(option?.digit ?? 0);
    const votes = readings.filter((r) => r.digits[position] === String(option?.digit));
    if (votes.length < readings.length || votes.some((r) => (r.confidences[position] ?? 0) < SURE_DIGIT)) unanimous = false;
    confidence += votes.reduce((s, r) => s + (r.confidences[position] ?? 0), 0) / Math.max(1, votes.length);
  }
  return { digits, confidence: confidence / Math.max(1, length), unanimous };
}

/**
 * How common each length is among issued cards: 16 by far, then 19 and 15. Readings vote for a length with their
 * confidence times this prior, so a reading that dropped or merged digits rarely outvotes a complete one.
 */
export const LENGTH_PRIOR: Readonly<Record<number, number>> = { 16: 1, 19: 0.7, 15: 0.6, 13: 0.4, 14: 0.4, 17: 0.4, 18: 0.4, 12: 0.2 };

/** True when `part`'s characters appear in `whole` in the same order (with others between them allowed). */
function isSubsequence(part: string, whole: string): boolean {
  let at = 0;
  for (const char of whole) if (char === part[at]) at++;
  return at === part.length;
}

/**
 * Chooses the card number from several readings (page read, digit-whitelist band read, …): what is printed, not
 * what passes Luhn. First the length, by the readings' vote (Luhn has no say: a shorter reading that passes by
 * chance never beats the whole number); then each digit by the readings' vote. Where the readings disagree, Luhn
 * may pick among the digits they gave; it never brings in a digit nobody read. A number that fails Luhn is
 * returned as read, with a confidence under 0.5.
 */
export function chooseCardNumber(readings: readonly DigitReading[]): ChosenNumber {
  const plausible = readings.filter((r) => r.digits.length >= CARD_NUMBER_LENGTHS.min && r.digits.length <= CARD_NUMBER_LENGTHS.max);
  // A reading votes for its own length, and for the length of a longer reading it is part of (the digits it
  // dropped, in order): dropping a glyph is the commonest misreading, inventing one in the number's size is rare.
  const supports = (r: DigitReading, length: number) =>
    r.digits.length === length || (r.digits.length < length && plausible.some((l) => l.digits.length === length && isSubsequence(r.digits, l.digits)));
  // The median: a whitelist read gives a few digits (those after a gap) near-zero confidence for no clear reason.
  const vote = (length: number) =>
    plausible.filter((r) => supports(r, length)).reduce((sum, r) => sum + Math.max(0.05, median(r.confidences) * (r.weight ?? 1)), 0) * (LENGTH_PRIOR[length] ?? 0.2);
  const length = [...new Set(plausible.map((r) => r.digits.length))].sort((a, b) => vote(b) - vote(a))[0];
  if (length === undefined) return { digits: '', luhnValid: false, confidence: 0, corrections: 0 };

  const same = plausible.filter((r) => r.digits.length === length);
  const read = majority(same, length);
  if (luhnValid(read.digits)) {
    // The check digit vouches for the digits; certainty needs the readings to agree, each digit read surely.
    // One reading alone passes Luhn by chance one time in ten: it never makes the number sure.
    const sure = read.unanimous && same.length >= 2;
    const confidence = sure ? 0.9 + 0.1 * read.confidence : Math.min(0.89, 0.5 + 0.39 * read.confidence);
    return { digits: read.digits, luhnValid: true, confidence: rounded(confidence), corrections: 0 };
  }
  const settled = cheapestLuhnValid(same, length);
  if (settled && settled.cost <= COST.acceptable) {
    return { digits: settled.digits, luhnValid: true, confidence: rounded(0.85 * Math.exp(-settled.cost / 2)), corrections: settled.corrections };
  }
  return { digits: read.digits, luhnValid: false, confidence: rounded(Math.min(0.49, 0.5 * read.confidence)), corrections: 0 };
}
