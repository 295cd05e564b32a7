/**
 * Character classes and the confusions OCR makes between them, for every document: where a field's class says
 * digits, what a letter read there stands for; where it says letters, what a digit stands for; and which digits
 * OCR mistakes for one another. (The MRZ's own classes and shape twins live with the MRZ reader.)
 */

/**
 * Characters OCR returns for a digit when it reads without a digit whitelist. Only look-alikes: a letter that
 * resembles no digit stays a letter (and disqualifies a word as a number).
 */
export const DIGIT_LOOKALIKES: Readonly<Record<string, string>> = {
  O: '0',
  o: '0',
  D: '0',
  Q: '0',
  U: '0',
  '@': '0',
  I: '1',
  l: '1',
  i: '1',
  '|': '1',
  '!': '1',
  ']': '1',
  '[': '1',
  L: '1',
  J: '1',
  Z: '2',
  z: '2',
  // OCR-A's open 4 and its 6 (a stroke font the language model barely knows) come back as y and k.
  A: '4',
  y: '4',
  Y: '4',
  S: '5',
  s: '5',
  $: '5',
  G: '6',
  b: '6',
  k: '6',
  T: '7',
  B: '8',
  '&': '8',
  g: '9',
  q: '9',
};

/** Digits OCR returns for capitals in names ("PELEW00D"). */
export const LETTER_LOOKALIKES: Readonly<Record<string, string>> = { '0': 'O', '1': 'I', '5': 'S', '8': 'B', '6': 'G', '2': 'Z' };

/** Digits OCR mistakes for one another, likeliest first: the substitutions a check digit may make. */
export const DIGIT_CONFUSIONS: Readonly<Record<string, string>> = {
  '0': '8690',
  '1': '74',
  '2': '73',
  '3': '8952',
  '4': '19',
  '5': '639',
  '6': '580',
  '7': '12',
  '8': '30695',
  '9': '8035',
};

export const DIGITS = '0123456789';

/** Text with every digit look-alike read as its digit. */
export const asDigits = (text: string): string => [...text].map((c) => DIGIT_LOOKALIKES[c] ?? c).join('');

/** The digit a character stands for where the class says digits, or undefined. */
export const digitOf = (char: string): string | undefined => (/\d/.test(char) ? char : DIGIT_LOOKALIKES[char]);
