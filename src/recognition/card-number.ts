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
  // OCR-A's open 4 and its 6 (a stroke font the language model barely knows) come back as y and k.
  A: '4', y: '4', Y: '4',
  S: '5', s: '5', $: '5',
  G: '6', b: '6', k: '6',
  T: '7',
  B: '8', '&': '8',
  g: '9', q: '9',
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
  return [...weights]
    .map(([digit, weight]) => ({ digit: Number(digit), cost: (COST.minority * (best - weight)) / total }))
    .sort((a, b) => a.cost - b.cost);
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

const round = (value: number) => Math.round(value * 1000) / 1000;

/**
 * How common each length is among issued cards: 16 by far, then 19 and 15. Readings vote for a length with their
 * confidence times this prior, so a reading that dropped or merged digits rarely outvotes a complete one.
 */
export const LENGTH_PRIOR: Readonly<Record<number, number>> = { 16: 1, 19: 0.7, 15: 0.6, 13: 0.4, 14: 0.4, 17: 0.4, 18: 0.4, 12: 0.2 };

const medianOf = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * Chooses the card number from several readings (page read, digit-whitelist band read, …): what is printed, not
 * what passes Luhn. First the length, by the readings' vote (Luhn has no say: a shorter reading that passes by
 * chance never beats the whole number); then each digit by the readings' vote. Where the readings disagree, Luhn
 * may pick among the digits they gave; it never brings in a digit nobody read. A number that fails Luhn is
 * returned as read, with a confidence under 0.5.
 */
export function chooseCardNumber(readings: readonly DigitReading[]): ChosenNumber {
  const plausible = readings.filter((r) => r.digits.length >= CARD_NUMBER_LENGTHS.min && r.digits.length <= CARD_NUMBER_LENGTHS.max);
  // The median: a whitelist read gives a few digits (those after a gap) near-zero confidence for no clear reason.
  const vote = (length: number) =>
    plausible.filter((r) => r.digits.length === length).reduce((sum, r) => sum + Math.max(0.05, medianOf(r.confidences) * (r.weight ?? 1)), 0) *
    (LENGTH_PRIOR[length] ?? 0.2);
  const length = [...new Set(plausible.map((r) => r.digits.length))].sort((a, b) => vote(b) - vote(a))[0];
  if (length === undefined) return { digits: '', luhnValid: false, confidence: 0, corrections: 0 };

  const same = plausible.filter((r) => r.digits.length === length);
  const read = majority(same, length);
  if (luhnValid(read.digits)) {
    // The check digit vouches for the digits; certainty needs the readings to agree, each digit read surely.
    // One reading alone passes Luhn by chance one time in ten: it never makes the number sure.
    const sure = read.unanimous && same.length >= 2;
    const confidence = sure ? 0.9 + 0.1 * read.confidence : Math.min(0.89, 0.5 + 0.39 * read.confidence);
    return { digits: read.digits, luhnValid: true, confidence: round(confidence), corrections: 0 };
  }
  const settled = cheapestLuhnValid(same, length);
  if (settled && settled.cost <= COST.acceptable) {
    return { digits: settled.digits, luhnValid: true, confidence: round(0.85 * Math.exp(-settled.cost / 2)), corrections: settled.corrections };
  }
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
  // A date has no check digit: below 0.9 however surely it was read.
  const toDate = (t: DateToken): CardDate => ({ value: t.value, confidence: round(Math.min(0.89, t.confidence * (t.corrected ? 0.8 : 1))) });

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
