/**
 * The pure parts of bank card reading: the card type from the number's prefix, choosing a card number from
 * several OCR readings with the Luhn check, and picking issue and expiry dates (MM/YY) from text lines.
 * No image or engine here, so every rule is tested with plain strings.
 */
import { luhnValid } from './luhn.js';

export type CardType = 'Visa' | 'MasterCard' | 'Unrecognized';

/** Prefix ranges per network, compared on the first `low.length` digits; anything else is Unrecognized. */
export const CARD_TYPE_RULES: readonly { type: CardType; ranges: readonly (readonly [low: string, high: string])[] }[] = [
  { type: 'Visa', ranges: [['4', '4']] },
  { type: 'MasterCard', ranges: [['51', '55'], ['2221', '2720']] },
];

/** Card numbers in use run from 12 digits (some Maestro) to 19 (ISO/IEC 7812 allows no more). */
export const CARD_NUMBER_LENGTHS = { min: 12, max: 19 } as const;

/**
 * Characters OCR returns for a digit when it reads without a digit whitelist. Only look-alikes: a letter that
 * resembles no digit stays a letter and disqualifies the word as a number.
 */
export const DIGIT_LOOKALIKES: Readonly<Record<string, string>> = {
  O: '0', o: '0', D: '0', Q: '0', U: '0', '@': '0',
  I: '1', l: '1', i: '1', '|': '1', '!': '1', ']': '1', '[': '1',
  Z: '2', z: '2',
  A: '4',
  S: '5', s: '5', $: '5',
  G: '6', b: '6',
  T: '7',
  B: '8', '&': '8',
  g: '9', q: '9',
};

/**
 * Digits OCR mistakes for one another on card fonts (embossed relief and OCR-B above all). A correction to a
 * look-alike is cheap; any other substitution is never made, so Luhn cannot be forced by brute force.
 */
export const DIGIT_CONFUSIONS: Readonly<Record<string, string>> = {
  '0': '869',
  '1': '74',
  '2': '7',
  '3': '859',
  '4': '19',
  '5': '693',
  '6': '850',
  '7': '12',
  '8': '03695',
  '9': '804',
};

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
  const digits = [...text].map((c) => DIGIT_LOOKALIKES[c] ?? c).filter((c) => /\d/.test(c)).join('');
  return { digits, confidences: [...digits].map(() => confidence) };
}

export interface ChosenNumber {
  /** Digits only; empty when no reading had a plausible length. */
  digits: string;
  luhnValid: boolean;
  /** 0..1: ≥ 0.9 when Luhn held as read, 0.5–0.89 after corrections, < 0.5 when it could not be made to hold. */
  confidence: number;
  /** How many digits differ from the readings' majority. */
  corrections: number;
}

/** Costs of the choices in chooseCardNumber: lower is likelier. */
const COST = {
  /** A correction to a look-alike digit: its base, plus this much per unit of OCR confidence in what was read. */
  lookalike: 1.2,
  perConfidence: 2,
  /** When readings disagree, picking a minority digit costs this much per unit of weight it lacks. */
  minority: 1.5,
  /** Beyond this total the "correction" is a guess: report the reading as read instead. */
  acceptable: 4.6,
  maxCorrections: 2,
} as const;

interface Option {
  digit: number;
  cost: number;
  /** Not what any reading said. */
  correction: boolean;
}

/** Per position: the digits the readings voted for (cost 0 for the strongest), then look-alike corrections. */
function positionOptions(readings: readonly DigitReading[], position: number): Option[] {
  const weights = new Map<string, number>();
  let maxConfidence = 0;
  for (const reading of readings) {
    const digit = reading.digits[position] ?? '';
    const confidence = reading.confidences[position] ?? 0.5;
    weights.set(digit, (weights.get(digit) ?? 0) + Math.max(0.05, confidence * (reading.weight ?? 1)));
    maxConfidence = Math.max(maxConfidence, confidence);
  }
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  const best = Math.max(...weights.values());
  const options: Option[] = [...weights].map(([digit, weight]) => ({ digit: Number(digit), cost: (COST.minority * (best - weight)) / total, correction: false }));
  for (const [voted] of weights) {
    for (const alternative of DIGIT_CONFUSIONS[voted] ?? '') {
      if (weights.has(alternative) || options.some((o) => o.digit === Number(alternative))) continue;
      options.push({ digit: Number(alternative), cost: COST.lookalike + COST.perConfidence * maxConfidence, correction: true });
    }
  }
  return options;
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
 * The cheapest digit string of this length that passes Luhn, with at most COST.maxCorrections corrections:
 * dynamic programming over positions with the running Luhn sum (mod 10) and the correction count as state.
 */
function cheapestLuhnValid(readings: readonly DigitReading[], length: number): Best | undefined {
  type State = { cost: number; digits: string; corrections: number };
  let states = new Map<string, State>([['0:0', { cost: 0, digits: '', corrections: 0 }]]);
  for (let position = 0; position < length; position++) {
    const next = new Map<string, State>();
    const options = positionOptions(readings, position);
    for (const [key, state] of states) {
      const sum = Number(key.split(':')[0]);
      for (const option of options) {
        const corrections = state.corrections + (option.correction ? 1 : 0);
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

/** The per-position majority of same-length readings, and its mean confidence. */
function majority(readings: readonly DigitReading[], length: number): { digits: string; confidence: number } {
  let digits = '';
  let confidence = 0;
  for (let position = 0; position < length; position++) {
    const option = positionOptions(readings, position).find((o) => o.cost === 0 && !o.correction);
    digits += String(option?.digit ?? 0);
    const votes = readings.filter((r) => r.digits[position] === String(option?.digit));
    confidence += votes.reduce((s, r) => s + (r.confidences[position] ?? 0), 0) / Math.max(1, votes.length);
  }
  return { digits, confidence: confidence / Math.max(1, length) };
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/**
 * How common each length is among issued cards: 16 by far, then 19 and 15. Readings vote for a length with their
 * confidence times this prior, so a reading that dropped or merged digits rarely outvotes a complete one.
 */
export const LENGTH_PRIOR: Readonly<Record<number, number>> = { 16: 1, 19: 0.7, 15: 0.6, 13: 0.3, 14: 0.3, 17: 0.3, 18: 0.3, 12: 0.2 };

const medianOf = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * Chooses the card number from several readings (page read, digit-whitelist band read, …). First the length, by
 * the readings' vote; then, among same-length readings, the cheapest Luhn-valid digit string (the readings vote
 * per digit, look-alike corrections allowed when needed). A length where Luhn cannot be made to hold yields to
 * the next likeliest length that can.
 */
export function chooseCardNumber(readings: readonly DigitReading[]): ChosenNumber {
  const plausible = readings.filter((r) => r.digits.length >= CARD_NUMBER_LENGTHS.min && r.digits.length <= CARD_NUMBER_LENGTHS.max);
  // The median: a whitelist read gives a few digits (those after a gap) near-zero confidence for no clear reason.
  const vote = (length: number) =>
    plausible.filter((r) => r.digits.length === length).reduce((sum, r) => sum + Math.max(0.05, medianOf(r.confidences) * (r.weight ?? 1)), 0) *
    (LENGTH_PRIOR[length] ?? 0.2);
  const lengths = [...new Set(plausible.map((r) => r.digits.length))].sort((a, b) => vote(b) - vote(a));
  if (lengths.length === 0) return { digits: '', luhnValid: false, confidence: 0, corrections: 0 };

  for (const length of lengths) {
    const same = plausible.filter((r) => r.digits.length === length);
    const best = cheapestLuhnValid(same, length);
    if (!best || best.cost > COST.acceptable) continue;
    const read = majority(same, length);
    const differs = [...best.digits].filter((d, i) => d !== read.digits[i]).length;
    // Held as read: the check digit vouches for every digit. Corrected: the likelier, the closer to 0.89.
    const confidence = best.cost === 0 && luhnValid(read.digits) ? 0.9 + 0.1 * read.confidence : 0.89 * Math.exp(-best.cost / 8);
    return { digits: best.digits, luhnValid: true, confidence: round(confidence), corrections: differs };
  }
  // No length can be made to pass: the likeliest length's majority, as read.
  const length = lengths[0] ?? 16;
  const read = majority(plausible.filter((r) => r.digits.length === length), length);
  return { digits: read.digits, luhnValid: false, confidence: round(Math.min(0.49, 0.5 * read.confidence)), corrections: 0 };
}

// ---------------------------------------------------------------------------------------------------------------
// Dates

/** Labels printed before or above card dates. */
export const DATE_LABELS = {
  expiry: /\b(?:VALID|GOOD)\s*(?:THRU|THROUGH|TILL|UNTIL|TO)\b|\bTHRU\b|\bEXPIR\w*|\bEXP\b\.?|\bUNTIL\b|\bEND\b/i,
  issue: /\bVALID\s*FROM\b|\bFROM\b|\bMEMBER\s*SINCE\b|\bSINCE\b|\bISSUED?\b(?:\s*(?:ON|DATE))?|\bSTART\b/i,
} as const;

export interface CardDate {
  /** MM/YY */
  value: string;
  /** 0..1 */
  confidence: number;
}

export interface TextLine {
  text: string;
  /** 0..1; defaults to 0.9. */
  confidence?: number;
}

interface DateToken {
  value: string;
  line: number;
  start: number;
  end: number;
  /** A look-alike or an impossible month digit was corrected. */
  corrected: boolean;
  confidence: number;
}

/** Two characters to a month, with look-alikes mapped and a misread leading 0 (8, 9, 6, 3 on embossing) restored. */
function toMonth(chars: string): { month: string; corrected: boolean } | undefined {
  const mapped = [...chars].map((c) => DIGIT_LOOKALIKES[c] ?? c).join('');
  if (!/^\d\d$/.test(mapped)) return undefined;
  let corrected = mapped !== chars;
  let month = mapped;
  if (Number(month) < 1 || Number(month) > 12) {
    if (month[1] !== '0' && '8963'.includes(month[0] ?? '')) {
      month = `0${month[1]}`;
      corrected = true;
    } else return undefined;
  }
  return { month, corrected };
}

/**
 * MM/YY or MM/YYYY. A digit before the month is allowed (a garbled label or a speck read as 1), and so is a
 * space inside the month or year (OCR splits wide-set digits).
 */
const DATE_TOKEN = /(?<![A-Za-z])([0-9OoDQ@IlZSsB]\s?[0-9OoDQIlZSsB])\s?[/\\|]\s?((?:20)?[0-9OoDQIlZSsB]\s?[0-9OoDQIlZSsB])(?![0-9])/g;

/** Every MM/YY (or MM/YYYY) in the lines, in reading order. */
export function findDateTokens(lines: readonly TextLine[]): DateToken[] {
  const tokens: DateToken[] = [];
  lines.forEach((line, index) => {
    for (const match of line.text.matchAll(DATE_TOKEN)) {
      const month = toMonth((match[1] ?? '').replace(/\s/g, ''));
      const yearChars = (match[2] ?? '').replace(/\s/g, '').slice(-2);
      const year = [...yearChars].map((c) => DIGIT_LOOKALIKES[c] ?? c).join('');
      if (!month || !/^\d\d$/.test(year)) continue;
      tokens.push({
        value: `${month.month}/${year}`,
        line: index,
        start: match.index,
        end: match.index + match[0].length,
        corrected: month.corrected || year !== yearChars,
        confidence: line.confidence ?? 0.9,
      });
    }
  });
  return tokens;
}

type DateRole = 'issue' | 'expiry';

/** The label that introduces a token: on its own line between the previous token and it, else on the line above. */
function labelOf(token: DateToken, tokens: readonly DateToken[], lines: readonly TextLine[]): DateRole | undefined {
  const previous = tokens.filter((t) => t.line === token.line && t.end <= token.start).at(-1);
  const before = (lines[token.line]?.text ?? '').slice(previous?.end ?? 0, token.start);
  const role = roleOf(before);
  if (role) return role;
  // Labels printed above dates: pair the line above's labels with this line's tokens in order.
  const above = lines[token.line - 1]?.text ?? '';
  const labelsAbove = [...above.matchAll(new RegExp(`${DATE_LABELS.issue.source}|${DATE_LABELS.expiry.source}`, 'gi'))];
  if (labelsAbove.length === 0 || findDateTokens([{ text: above }]).length > 0) return undefined;
  const order = tokens.filter((t) => t.line === token.line).indexOf(token);
  const label = labelsAbove[Math.min(order, labelsAbove.length - 1)]?.[0] ?? '';
  return roleOf(label);
}

function roleOf(text: string): DateRole | undefined {
  // Match the label nearest the date: "VALID FROM 01/20 VALID THRU" is cut before the second date already.
  const expiry = [...text.matchAll(new RegExp(DATE_LABELS.expiry.source, 'gi'))].at(-1);
  const issue = [...text.matchAll(new RegExp(DATE_LABELS.issue.source, 'gi'))].at(-1);
  if (expiry && (!issue || expiry.index > issue.index)) return 'expiry';
  if (issue) return 'issue';
  return undefined;
}

/** A sort key in time for MM/YY: cards carry 21st-century dates only. */
export const chronological = (value: string) => value.slice(3) + value.slice(0, 2);

/**
 * Issue and expiry dates from text lines in reading order. A date takes the role of its label; unlabelled dates
 * (labels are small and often unreadable) fill what is left by order in time: the later is the expiry.
 */
export interface CardDates {
  issue_date?: CardDate;
  expiry_date?: CardDate;
}

export function pickCardDates(lines: readonly TextLine[]): CardDates {
  const tokens = findDateTokens(lines);
  const labelled = tokens.map((token) => ({ token, role: labelOf(token, tokens, lines) }));
  const toDate = (t: DateToken): CardDate => ({ value: t.value, confidence: round(Math.min(0.9, t.confidence * (t.corrected ? 0.8 : 1))) });

  const result: CardDates = {};
  const expiry = labelled.find((l) => l.role === 'expiry')?.token;
  const issue = labelled.find((l) => l.role === 'issue' && l.token !== expiry)?.token;
  if (expiry) result.expiry_date = toDate(expiry);
  if (issue) result.issue_date = toDate(issue);

  const rest = labelled.filter((l) => l.role === undefined && l.token.value !== expiry?.value && l.token.value !== issue?.value).map((l) => l.token);
  const byTime = [...new Map(rest.map((t) => [t.value, t])).values()].sort((a, b) => chronological(a.value).localeCompare(chronological(b.value)));
  if (!result.expiry_date) {
    // The latest unlabelled date, unless it is no later than a labelled issue date.
    const latest = byTime.at(-1);
    if (latest && (!issue || chronological(latest.value) > chronological(issue.value))) {
      result.expiry_date = toDate(latest);
      byTime.pop();
    }
  }
  if (!result.issue_date) {
    const earliest = byTime[0];
    const expiryValue = result.expiry_date?.value;
    if (earliest && (!expiryValue || chronological(earliest.value) < chronological(expiryValue))) result.issue_date = toDate(earliest);
  }
  return result;
}
