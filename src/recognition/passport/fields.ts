/** The passport's result fields, in the vendor's names. */
export const PASSPORT_FIELDS = [
  'passport_type',
  'country_code',
  'passport_number',
  'nationality',
  'surname',
  'given_name',
  'sex',
  'date_of_birth',
  'date_of_expiry',
  'date_of_issue',
  'place_of_birth',
  'place_of_issue',
  'issuing_authority',
] as const;
export type PassportField = (typeof PASSPORT_FIELDS)[number];
