/**
 * Card dates, pure: every MM/YY in text lines (look-alikes mapped, a misread leading 0 of the month restored), and
 * which is the issue and which the expiry date, by their labels or else by their order in time.
 */
import { DIGIT_LOOKALIKES } from '../toolkit/characters.js';
import { rounded } from '../toolkit/confidence.js';

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
  const toDate = (t: DateToken): CardDate => ({ value: t.value, confidence: rounded(Math.min(0.89, t.confidence * (t.corrected ? 0.8 : 1))) });

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
