/**
 * The Emirates ID card's label table: how each field's label is printed in English (allowing for OCR's usual
 * misreadings of small print), the labels that only end other values, and the Arabic labels as `arabicKey` spells
 * them.
 */
import type { OcrLine } from '../../ocr/engine.js';
import { findLabelHits, type LabelHit } from '../toolkit/labelled-values.js';

/** English labels of the fields read from the printed zone. */
export const LABELS = {
  // OCR reads "ID" as "1D", "lD" or "10" often enough to allow for it.
  id_number: /\b(?:I\.?D\.?|[1l]D|10|Identity)\s*(?:Number|No\.?|Card\s*No\.?)/i,
  name: /\bName\b/i,
  // Small label print: "Nationatny", "RATIONALITY".
  nationality: /\bNationality\b|\bNational\w*\b|\b[NR]ation[a-z]{2,}\b|\bNat\w*ality\b/i,
  // Small label print loses letters: "Date of Beth" is still the birth date, "Explry" still the expiry.
  date_of_birth: /\bDate\s*[o0]f\s*(?!Iss|Exp)\w+|\bBirth\s*Date\b|\bD\.?O\.?B\.?(?=\s|:|$)/i,
  expiry_date: /\bExp[a-z]{2,}(?:\s*Date)?\b|\bDate\s*[o0]f\s*Exp\w*/i,
  sex: /\bS[ea][xrkn]\b|\bGender\b/i,
  card_number: /\bCard\s*(?:Number|No\.?)/i,
  laser_number: /\bLaser\s*(?:No\.?|Number|#)?/i,
} as const;

/** Labels that end another label's value on the same line, though their fields are not returned. */
export const OTHER_LABELS = [/\bIssu(?:ing|e)\s*(?:Date|Place)\b|\bDate\s*of\s*Issue\b/i, /\bOccupation\b/i, /\bEmployer\b/i, /\bSignature\b/i];
export const ALL_LABELS: readonly RegExp[] = [...Object.values(LABELS), ...OTHER_LABELS];

/** The Arabic labels of the fields read from Arabic print. */
export const ARABIC_LABELS = { name: 'الاسم', nationality: 'الجنسية' } as const;
/** Every Arabic label a card prints, as `arabicKey` spells them: an Arabic value is found by the label before it. */
export const ARABIC_LABEL_SPELLINGS: readonly [keyof typeof ARABIC_LABELS | 'other', readonly string[]][] = [
  ['name', ['الاسم', 'الاسمالكامل']],
  ['nationality', ['الجنسية']],
  ['other', ['رقمالهوية', 'تاريخالميلاد', 'الجنس', 'تاريخالانتهاء', 'تاريخالاصدار', 'المهنة', 'جهةالعمل', 'مكانالاصدار', 'رقمالبطاقة', 'التوقيع']],
];

/** The label's own words (the back's printed fields and the side evidence predate bilingual label phrases). */
export const findLabels = (lines: readonly OcrLine[], label: RegExp, field: string): LabelHit[] => findLabelHits(lines, label, field, { otherScript: false });
