/**
 * Labels found by their words, forgiving what small print suffers. A label is printed smaller and lighter than
 * its value, so it blurs first: "Place of birth" comes back as "Place of beth", "Issued at" as "Issued nt". A
 * label is declared as plain phrases (in each language a document may print it) and found in the OCR's words
 * within an edit distance that grows with the phrase's length: short words ("Sex", "Type") must read exactly,
 * where a wrong match would be likeliest.
 */
import type { OcrLine, OcrWord } from '../../ocr/engine.js';
import { median } from '../geometry.js';
import { editDistance } from './nationalities.js';

/** Where one field's label phrase lies in a line, and how far the print was from the phrase (0: exact). */
export interface PhraseHit {
  field: string;
  line: OcrLine;
  /** Indexes of the label's first and last word in its line. */
  first: number;
  last: number;
  /** Edit distance per phrase letter. */
  distance: number;
}

/**
 * Letters as a label compares them: accents, case, spacing and punctuation dropped, and the look-alikes OCR swaps
 * in small print made one (0/o, 1/l/i/|, 5/s).
 */
export function phraseKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/0/g, 'o')
    .replace(/[1|!i]/g, 'l')
    .replace(/5/g, 's')
    .replace(/[^a-z]/g, '');
}

/**
 * Misread letters a phrase of this many letters may hold and still be taken for the label. A loose match, for a
 * label that did not read otherwise, takes nearly half the letters wrong ("Mace of bark" for "Place of birth").
 */
function allowedDistance(letters: number, loose: boolean): number {
  if (letters <= 4) return 0;
  if (letters <= 7) return 1;
  return Math.floor(letters * (loose ? 0.45 : 0.25));
}

const SEPARATOR = /^[/|[\]{}()\\]+$/;

/**
 * Every place one of `phrases` reads in the lines, as `field`'s label. Overlapping matches of the same field keep
 * the closest; a bilingual label ("Place of birth / Lieu de naissance") is one hit across its separator.
 */
export function findPhraseHits(lines: readonly OcrLine[], phrases: readonly string[], field: string, options: { loose?: boolean } = {}): PhraseHit[] {
  const keys = phrases.map((p) => ({ key: phraseKey(p), words: p.trim().split(/\s+/).length }));
  const hits: PhraseHit[] = [];
  for (const line of lines) {
    const words = line.words;
    const wordKeys = words.map((w) => phraseKey(w.text));
    const found: PhraseHit[] = [];
    for (let first = 0; first < words.length; first++) {
      if (!wordKeys[first]) continue;
      for (const { key, words: count } of keys) {
        for (let span = Math.max(1, count - 1); span <= count + 1 && first + span <= words.length; span++) {
          const window = words.slice(first, first + span);
          if (!closeTogether(window)) break;
          const text = wordKeys.slice(first, first + span).join('');
          if (!wordKeys[first + span - 1]) continue;
          // Fewer words than the phrase: OCR ran two together, it did not lose one ("PASSPORT" is no "Passport No.").
          if (span < count && text.length < key.length - 1) continue;
          const distance = editDistance(text, key);
          if (distance <= allowedDistance(key.length, options.loose ?? false)) found.push({ field, line, first, last: first + span - 1, distance: distance / key.length });
        }
      }
    }
    // The closest of overlapping matches, the longer on a tie.
    found.sort((a, b) => a.distance - b.distance || b.last - b.first - (a.last - a.first));
    const kept: PhraseHit[] = [];
    for (const hit of found) if (!kept.some((k) => k.first <= hit.last && hit.first <= k.last)) kept.push(hit);
    kept.sort((a, b) => a.first - b.first);
    // Two languages of one label, joined by a separator: one hit.
    const merged: PhraseHit[] = [];
    for (const hit of kept) {
      const previous = merged.at(-1);
      const between = previous ? words.slice(previous.last + 1, hit.first) : [];
      const joined =
        previous !== undefined &&
        (between.length === 1
          ? SEPARATOR.test((between[0] as OcrWord).text.trim())
          : between.length === 0 && (/[/|]$/.test(words[previous.last]?.text ?? '') || /^[/|]/.test(words[hit.first]?.text ?? '')));
      if (previous && joined) {
        previous.last = hit.last;
        previous.distance = Math.min(previous.distance, hit.distance);
      } else merged.push({ ...hit });
    }
    hits.push(...merged.map((hit) => withOtherLanguage(hit)));
  }
  return hits;
}

/** Words printed as one phrase: no gap wider than about a word space (a column gap ends a label). */
function closeTogether(words: readonly OcrWord[]): boolean {
  const height = median(words.map((w) => w.bbox.y1 - w.bbox.y0));
  return words.every((w, i) => i === 0 || w.bbox.x0 - (words[i - 1] as OcrWord).bbox.x1 < 1.5 * height);
}

/**
 * A label printed in a language the document did not declare still belongs to the label: the words across a
 * separator, up to a column gap, join the hit ("Geburtsort / Place of birth"), so they are never read as its value.
 */
function withOtherLanguage(hit: PhraseHit): PhraseHit {
  const words = hit.line.words;
  const height = median(words.slice(hit.first, hit.last + 1).map((w) => w.bbox.y1 - w.bbox.y0));
  const close = (a: OcrWord | undefined, b: OcrWord | undefined) => a !== undefined && b !== undefined && b.bbox.x0 - a.bbox.x1 < 1.2 * height;
  const isSeparator = (w: OcrWord | undefined) => w !== undefined && (SEPARATOR.test(w.text.trim()) || /^[/|]|[/|]$/.test(w.text));
  let { first, last } = hit;
  if (isSeparator(words[first - 1]) || isSeparator(words[first])) while (first > 0 && close(words[first - 1], words[first])) first--;
  // A field number printed before the label ("4. Surname").
  else if (/^\(?\d{1,2}[.)]?$/.test(words[first - 1]?.text ?? '') && close(words[first - 1], words[first])) first--;
  if (isSeparator(words[last + 1]) || isSeparator(words[last])) while (last < words.length - 1 && close(words[last], words[last + 1])) last++;
  return { ...hit, first, last };
}
