/**
 * The Arabic name, checked against the English one: the Arabic spellings an English name allows (letters,
 * digraphs, vowels that may go unwritten), and the spelling closest to what OCR read, by an edit distance weighted
 * for OCR's Arabic mistakes.
 */

/**
 * How English spellings of names map to Arabic letters, for checking the Arabic name OCR read against the
 * English name printed beside it. Longest spellings first; the likeliest Arabic letters first. Short vowels may
 * be unwritten ('').
 */
const NAME_SPELLINGS: readonly (readonly [latin: string, arabic: readonly string[]])[] = [
  ['sh', ['ش']],
  ['kh', ['خ']],
  ['gh', ['غ']],
  ['th', ['ث', 'ت', 'ذ']],
  ['dh', ['ذ', 'ض', 'ظ']],
  ['ch', ['تش', 'ش']],
  ['ph', ['ف']],
  ['aa', ['ا', 'ع', 'اء']],
  ['ee', ['ي']],
  ['ii', ['ي']],
  ['oo', ['و']],
  ['ou', ['و']],
  ['uu', ['و']],
  ['ow', ['و', 'او']],
  ['ai', ['ي', 'اي', 'ائ']],
  ['ay', ['اي', 'ي']],
  ['ei', ['ي']],
  ['ie', ['ي', 'يا', 'يي']],
  ['ae', ['ا']],
  ['oa', ['و']],
  ['b', ['ب']],
  ['p', ['ب']],
  ['t', ['ت', 'ط']],
  ['j', ['ج']],
  ['h', ['ه', 'ح']],
  ['d', ['د', 'ض']],
  ['r', ['ر']],
  ['z', ['ز', 'ظ', 'ذ']],
  ['s', ['س', 'ص', 'ز']],
  ['f', ['ف']],
  ['v', ['ف']],
  ['q', ['ق', 'ك']],
  ['k', ['ك', 'ق']],
  ['c', ['ك', 'س']],
  ['g', ['ج', 'غ', 'ق']],
  ['l', ['ل']],
  ['m', ['م']],
  ['n', ['ن']],
  ['w', ['و']],
  ['y', ['ي']],
  ['x', ['كس']],
  ['a', ['', 'ا', 'ع', 'ى']],
  ['e', ['', 'ي', 'ا', 'ع']],
  ['i', ['', 'ي', 'ا', 'ئ']],
  ['o', ['', 'و', 'ا']],
  ['u', ['', 'و', 'ا', 'ع']],
];
/** A vowel opening a word is written with an alef (with or without hamza) or an ain. */
const NAME_INITIAL_VOWELS: Readonly<Record<string, readonly string[]>> = {
  a: ['ا', 'أ', 'ع', 'آ'],
  e: ['إ', 'ا', 'أ', 'ع'],
  i: ['إ', 'ا', 'ي'],
  o: ['أ', 'ا', 'ع', 'و'],
  u: ['أ', 'ا', 'ع', 'و'],
};
/** A word's last vowel: long vowels and the feminine ending. */
const NAME_FINAL_VOWELS: Readonly<Record<string, readonly string[]>> = {
  a: ['ا', 'ة', 'ى', 'ه', ''],
  ah: ['ة', 'ه', 'اه', 'ا'],
  e: ['', 'ي', 'ه', 'ة'],
  i: ['ي', 'ى'],
  o: ['و', ''],
  u: ['و', ''],
  y: ['ي'],
};
/** Arabic letters that differ only in their dots, the commonest OCR confusion. */
const ARABIC_SAME_SKELETON = ['بتثنيىئ', 'جحخ', 'دذ', 'رز', 'سش', 'صض', 'طظ', 'عغ', 'فق', 'هة', 'اأإآل', 'وؤ'];
/** Other pairs OCR confuses in a naskh face such as Amiri. */
const ARABIC_LOOKALIKES = ['هب', 'مه', 'كل', 'فغ', 'قو', 'عه', 'يا'];

const skeletonOf = new Map<string, number>(ARABIC_SAME_SKELETON.flatMap((group, i) => [...group].map((c) => [c, i] as const)));
const lookalikes = new Set(ARABIC_LOOKALIKES.flatMap((pair) => [pair, [...pair].reverse().join('')]));

/** What it costs to believe OCR read `read` where `meant` was printed: a letter of the same skeleton (dots only) least. */
function substitutionCost(meant: string, read: string): number {
  if (meant === read) return 0;
  if (meant === ' ' || read === ' ') return 1;
  const skeleton = skeletonOf.get(meant);
  if (skeleton !== undefined && skeleton === skeletonOf.get(read)) return 0.3;
  return lookalikes.has(meant + read) ? 0.6 : 1;
}
/** A letter OCR dropped or added; alef and spaces (thin, or misjudged gaps) cost least. */
const gapCost = (char: string) => (char === ' ' || char === 'ا' ? 0.35 : 0.7);

interface SpellingOption {
  text: string;
  cost: number;
}
/** One position of a name's possible spellings: the Arabic letters one English letter or digraph may be. */
type SpellingSlot = readonly SpellingOption[];

const ranked = (letters: readonly string[]): SpellingSlot => letters.map((text, rank) => ({ text, cost: rank * 0.02 }));
const VOWEL = /[aeiou]/;

/** The Arabic spellings one English name word may have. */
function wordSpellings(word: string): SpellingSlot[] {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  const slots: SpellingSlot[] = [];
  let i = 0;
  while (i < w.length) {
    const rest = w.slice(i);
    const char = w[i] as string;
    if (i === 0 && VOWEL.test(char) && !VOWEL.test(w[1] ?? '')) {
      slots.push(ranked(NAME_INITIAL_VOWELS[char] ?? []));
      i += 1;
    } else if (i > 0 && NAME_FINAL_VOWELS[rest]) {
      slots.push(ranked(NAME_FINAL_VOWELS[rest] ?? []));
      break;
    } else if (w[i + 1] === char && !VOWEL.test(char)) {
      // A doubled consonant is written once (the shadda unwritten) or, in some transliterations, twice.
      const single = NAME_SPELLINGS.find(([latin]) => latin === char)?.[1] ?? [];
      slots.push([...ranked(single), ...single.map((a) => ({ text: a + a, cost: 0.05 }))]);
      i += 2;
    } else if (char === 'c' && /[eiy]/.test(w[i + 1] ?? '')) {
      // A soft c, as in Maricel.
      slots.push(ranked(['س', 'ك']));
      i += 1;
    } else {
      const spelling = NAME_SPELLINGS.find(([latin]) => rest.startsWith(latin));
      if (spelling) slots.push(ranked(spelling[1]));
      i += spelling?.[0].length ?? 1;
    }
  }
  return slots;
}

/** The spellings of a whole name; a separate "Al" is the article, written joined to the next word. */
export function nameSpellings(english: string): SpellingSlot[] {
  const words = english
    .trim()
    .split(/[\s-]+/)
    .filter(Boolean);
  return words.flatMap((word, k) => {
    if (/^(al|el)$/i.test(word) && k + 1 < words.length) return [[{ text: 'ال', cost: 0 }]];
    return [...wordSpellings(word), ...(k + 1 < words.length ? [[{ text: ' ', cost: 0 }]] : [])];
  });
}

/**
 * The spelling closest to what OCR read, by an edit distance weighted for OCR's Arabic mistakes (dots, dropped
 * letters), found by dynamic programming over the slots: for each slot and each OCR position, the cheapest way
 * to have spelled the slots so far as that much of the OCR text.
 */
export function closestSpelling(slots: readonly SpellingSlot[], read: string): { text: string; cost: number } {
  const o = [...read];
  const n = o.length;
  interface Step {
    cost: number;
    option: number;
    from: number;
  }
  let row: Step[] = [];
  for (let j = 0, acc = 0; j <= n; acc += gapCost(o[j] ?? ''), j++) row.push({ cost: acc, option: -1, from: 0 });
  const table: Step[][] = [row];
  for (const slot of slots) {
    const next: Step[] = Array.from({ length: n + 1 }, () => ({ cost: Infinity, option: -1, from: -1 }));
    slot.forEach((option, index) => {
      // Cost of spelling the option's letters so far, ending at each OCR position, and where the option began.
      let e = row.map((step, j) => ({ cost: step.cost, from: j }));
      for (let j = 1; j <= n; j++) {
        const extra = (e[j - 1]?.cost ?? Infinity) + gapCost(o[j - 1] ?? '');
        if (extra < (e[j]?.cost ?? Infinity)) e[j] = { cost: extra, from: e[j - 1]?.from ?? 0 };
      }
      for (const letter of option.text) {
        const f: { cost: number; from: number }[] = [{ cost: (e[0]?.cost ?? Infinity) + gapCost(letter), from: e[0]?.from ?? 0 }];
        for (let j = 1; j <= n; j++) {
          const dropped = { cost: (e[j]?.cost ?? Infinity) + gapCost(letter), from: e[j]?.from ?? 0 };
          const added = { cost: (f[j - 1]?.cost ?? Infinity) + gapCost(o[j - 1] ?? ''), from: f[j - 1]?.from ?? 0 };
          const read = { cost: (e[j - 1]?.cost ?? Infinity) + substitutionCost(letter, o[j - 1] ?? ''), from: e[j - 1]?.from ?? 0 };
          f.push([dropped, added, read].reduce((a, b) => (b.cost < a.cost ? b : a)));
        }
        e = f;
      }
      e.forEach((cell, j) => {
        if (cell.cost + option.cost < (next[j]?.cost ?? Infinity)) next[j] = { cost: cell.cost + option.cost, option: index, from: cell.from };
      });
    });
    table.push(next);
    row = next;
  }
  const parts: string[] = [];
  for (let k = slots.length, j = n; k > 0; k--) {
    const step = table[k]?.[j];
    parts.unshift(slots[k - 1]?.[step?.option ?? -1]?.text ?? '');
    j = step?.from ?? 0;
  }
  return { text: parts.join(''), cost: table[slots.length]?.[n]?.cost ?? Infinity };
}

/** OCR's Arabic made comparable: no diacritics, tatweel, bidi marks or stray symbols; a split article rejoined. */
export function cleanArabicName(text: string): string {
  return text
    .replace(/[\u064B-\u0652\u0640\u200E\u200F]/g, '')
    .replace(/[١|!]/g, 'ا')
    .replace(/[^\u0621-\u064A\s]/g, '')
    .replace(/(^|\s)ا\s+ل(?=\S)/g, '$1ال')
    .replace(/(^|\s)ال\s+/g, '$1ال')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Beyond this much correction per word, the Arabic and English names are taken to be spelt independently. */
const MAX_SPELLING_COST_PER_WORD = 1.3;

/**
 * The Arabic name as OCR read it, corrected toward a spelling of the English name when the two are close: OCR
 * drops and confuses letters of a naskh face (Amiri's stacked ligatures especially) far more often than a card
 * spells a name unlike its own transliteration. A reading far from every spelling is kept as read.
 */
export function reconcileArabicName(read: string, english: string): { text: string; agreement: 'spelling' | 'corrected' | 'none' } {
  const cleaned = cleanArabicName(read);
  const words = english
    .trim()
    .split(/\s+/)
    .filter((w) => w && !/^(al|el)$/i.test(w)).length;
  if (!cleaned || words === 0) return { text: cleaned, agreement: 'none' };
  const closest = closestSpelling(nameSpellings(english), cleaned);
  if (closest.text === cleaned) return { text: cleaned, agreement: 'spelling' };
  if (closest.cost > MAX_SPELLING_COST_PER_WORD * words) return { text: cleaned, agreement: 'none' };
  return { text: closest.text, agreement: 'corrected' };
}

/** Confidence caps: a reading that spells the English name is well attested; a corrected one less; a lone one least. */
const ARABIC_NAME_CONFIDENCE = { spelling: 0.92, corrected: 0.8, none: 0.6 } as const;

export function correctArabicName(read: { text: string; confidence: number }, english: string): { text: string; confidence: number } {
  const { text, agreement } = reconcileArabicName(read.text, english);
  return { text, confidence: Math.min(ARABIC_NAME_CONFIDENCE[agreement], read.confidence + 0.05) };
}

/** What it costs to believe OCR read `read` where the fixed text `printed` stands (a label): OCR's Arabic mistakes cost least. */
export function arabicMisreadCost(printed: string, read: string): number {
  return closestSpelling(
    [...printed].map((text) => [{ text, cost: 0 }]),
    read,
  ).cost;
}
