/**
 * Label → value association on OCR text lines, whatever a design does with its labels: the value may follow its
 * label on the same line ("Name: …"), sit under it, or sit over it (a label printed under its value), with other
 * print (an Arabic line, which the English pass reads as low-confidence garbage) between the two.
 *
 * A document declares its fields: the label patterns, and how to take a value of that field from a run of words
 * (`take`). Labels of fields it does not return still end values and are never taken as values.
 *
 * For labels whose value is not beside them, the direction (under or over the label) is decided for the whole
 * page: each label votes for the side where its nearest value-shaped text lies, and the majority wins. A card
 * prints all its labels the same way, so one label's clear case settles another's ambiguous one.
 */
import type { BoundingBox, OcrLine, OcrWord } from '../../ocr/engine.js';
import { mean, union } from '../geometry.js';
import { findPhraseHits } from './label-phrases.js';
import { centreY, cleanWord, heightOf, isForeignWord, printBox, wordAt } from './text-lines.js';

/** A label as a pattern, or as phrases found forgivingly (see label-phrases). */
export type Label = RegExp | readonly string[];

export interface LabelledField {
  field: string;
  label: Label;
  /**
   * A value of this field from the start of `words` (already cleaned of separators), or undefined: the text as
   * returned and how many words it used.
   */
  take(words: readonly OcrWord[]): { text: string; used: number } | undefined;
  /**
   * The value's shape cannot be mistaken for other print (a date, a sex letter): a value OCR read unsure is still
   * taken rather than stepped over as another script's line.
   */
  distinctive?: boolean;
}

export type Placement = 'beside' | 'below' | 'above';

export interface FoundValue {
  text: string;
  /** Mean OCR confidence of the words used. */
  confidence: number;
  bbox: BoundingBox;
  words: OcrWord[];
  placement: Placement;
  /** The label's box. */
  label: BoundingBox;
}

export interface LabelHit {
  field: string;
  line: OcrLine;
  /** Indexes of the label's first and last word in its line. */
  first: number;
  last: number;
  bbox: BoundingBox;
  /** How far the print was from the label, per letter (0: as declared). */
  distance?: number;
}

/**
 * Every match of `label` in the lines. A bilingual label ("Name / الاسم:") takes in the slash and the other
 * script's words up to its colon, so that they are not read as the start of the value (unless `otherScript` is
 * false: the match's own words only).
 */
export function findLabelHits(lines: readonly OcrLine[], label: RegExp, field: string, options: { otherScript?: boolean } = {}): LabelHit[] {
  const otherScript = options.otherScript ?? true;
  const hits: LabelHit[] = [];
  for (const line of lines) {
    const text = line.words.map((w) => w.text).join(' ');
    const index = wordAt(line.words);
    for (const match of text.matchAll(new RegExp(label.source, `${label.flags.replace('g', '')}g`))) {
      const first = index[match.index ?? 0] ?? 0;
      let last = index[(match.index ?? 0) + match[0].length - 1] ?? first;
      const next = otherScript ? line.words[last + 1] : undefined;
      if (next && /^[/|]$/.test(next.text.trim())) {
        // Up to two words of the other script, ending in a colon; or just the slash and one garbled word.
        const tail = line.words.slice(last + 2, last + 4);
        const colon = tail.findIndex((w) => /[:؛]$/.test(w.text));
        last += colon >= 0 && tail.slice(0, colon + 1).every(isForeignWord) ? colon + 2 : tail[0] && isForeignWord(tail[0]) ? 2 : 1;
      } else if (next && /^\/?\S*[:؛]$/.test(next.text) && isForeignWord(next) && !/^[A-Za-z]+:$/.test(next.text)) {
        last += 1;
      }
      hits.push({ field, line, first, last, bbox: printBox(line.words.slice(first, last + 1)) });
    }
  }
  return hits;
}

/** Every place `label` reads in the lines, as `field`'s label. */
export function labelHits(lines: readonly OcrLine[], label: Label, field: string, options: { loose?: boolean } = {}): LabelHit[] {
  if (label instanceof RegExp) return findLabelHits(lines, label, field);
  return findPhraseHits(lines, label, field, options).map((hit) => ({ ...hit, bbox: printBox(hit.line.words.slice(hit.first, hit.last + 1)) }));
}

/** Where the labels of two fields claim the same words, the one that reads closer keeps them (exact ones all stay). */
export function closestClaims(hits: readonly LabelHit[]): LabelHit[] {
  const ordered = [...hits].sort((a, b) => (a.distance ?? 0) - (b.distance ?? 0));
  const kept: LabelHit[] = [];
  for (const hit of ordered) {
    if (!kept.some((k) => k.line === hit.line && k.first <= hit.last && hit.first <= k.last && k.field !== hit.field && (k.distance ?? 0) < (hit.distance ?? 0))) kept.push(hit);
  }
  return kept;
}

/** The run of words right of a label: the first within `gap` label heights of it, the rest within 3 of each other. */
function besideRun(words: readonly OcrWord[], label: BoundingBox, gap: number): OcrWord[] {
  const h = Math.max(4, heightOf(label));
  const run: OcrWord[] = [];
  for (const word of words) {
    const previous = run.at(-1)?.bbox.x1 ?? label.x1;
    if (word.bbox.x0 - previous > (run.length ? 3 : gap) * h) break;
    run.push(word);
  }
  return run.map(cleanWord).filter((w) => w.text !== '');
}

interface Candidate {
  field: string;
  hit: LabelHit;
  words: OcrWord[];
  text: string;
  placement: Placement;
  /** Vertical gap from the label, in label heights (0 beside it). */
  gap: number;
}

/** The words of `line` in the column `[x0, x1)`, not themselves label words, cleaned of separators. */
function columnWords(line: OcrLine, x0: number, x1: number, labelWords: ReadonlySet<OcrWord>): OcrWord[] {
  return line.words
    .filter((w) => !labelWords.has(w) && w.bbox.x1 > x0 && w.bbox.x0 < x1)
    .map(cleanWord)
    .filter((w) => w.text !== '');
}

/**
 * The value of every field whose label is on the page, beside, under or over its label. `otherLabels` end
 * values and are never values themselves. Each word goes to at most one field: the nearer label wins it.
 * `loose` finds the fields' phrase labels however badly they read (see label-phrases), for a second look at the
 * fields a first one did not find, with those it found as other labels. `besideGap` is the widest gap, in label
 * heights, between a label and a value beside it: a card prints its values close, a passport page may align
 * them in a column of their own.
 */
export function associateLabels(
  lines: readonly OcrLine[],
  fields: readonly LabelledField[],
  otherLabels: readonly Label[] = [],
  options: { loose?: boolean; besideGap?: number } = {},
): Map<string, FoundValue> {
  const besideGap = options.besideGap ?? 3;
  const allHits = closestClaims([
    ...fields.flatMap((f) => labelHits(lines, f.label, f.field, options)),
    ...otherLabels.flatMap((label, i) => labelHits(lines, label, `other:${i}`)),
  ]);
  const hits = allHits.filter((h) => !h.field.startsWith('other:'));
  const labelWords = new Set(allHits.flatMap((h) => h.line.words.slice(h.first, h.last + 1)));
  const byField = new Map(fields.map((f) => [f.field, f]));

  const beside: Candidate[] = [];
  const vertical: { hit: LabelHit; below?: Candidate; above?: Candidate }[] = [];
  for (const hit of hits) {
    const spec = byField.get(hit.field);
    if (!spec) continue;
    const h = Math.max(4, heightOf(hit.bbox));
    // Beside: the words after the label on its line, up to the next label or a wide gap.
    const nextOnLine = allHits.filter((o) => o.line === hit.line && o.first > hit.last).reduce((min, o) => Math.min(min, o.first), hit.line.words.length);
    let cleanAfter = besideRun(hit.line.words.slice(hit.last + 1, nextOnLine), hit.bbox, besideGap);
    let took = cleanAfter.length ? spec.take(cleanAfter) : undefined;
    if (!took) {
      // OCR's layout analysis may have read labels and values as two blocks: the value is then on the label's row,
      // in another line, up to the next label on that row.
      const rowEnd = allHits
        .filter((o) => o.line !== hit.line && o.bbox.x0 > hit.bbox.x1 && Math.abs(centreY(o.bbox) - centreY(hit.bbox)) < 0.6 * h)
        .reduce((min, o) => Math.min(min, o.bbox.x0), Infinity);
      const row = lines
        .filter((l) => l !== hit.line)
        .flatMap((l) => l.words)
        .filter((w) => !labelWords.has(w) && w.bbox.x0 > hit.bbox.x1 && w.bbox.x0 < rowEnd && Math.abs(centreY(w.bbox) - centreY(hit.bbox)) < 0.6 * h)
        .sort((a, b) => a.bbox.x0 - b.bbox.x0);
      cleanAfter = besideRun(row, hit.bbox, besideGap);
      took = cleanAfter.length ? spec.take(cleanAfter) : undefined;
    }
    if (took) {
      beside.push({ field: hit.field, hit, words: cleanAfter.slice(0, took.used), text: took.text, placement: 'beside', gap: 0 });
      continue;
    }
    // Under or over: the label's column ends where the next label on its row begins.
    const columnEnd = allHits
      .filter((o) => o !== hit && o.bbox.x0 > hit.bbox.x1 && Math.abs(centreY(o.bbox) - centreY(hit.bbox)) < h)
      .reduce((min, o) => Math.min(min, o.bbox.x0), Infinity);
    const columnStart = allHits
      .filter((o) => o !== hit && o.bbox.x1 < hit.bbox.x0 && Math.abs(centreY(o.bbox) - centreY(hit.bbox)) < h)
      .reduce((max, o) => Math.max(max, o.bbox.x1), -Infinity);
    const x0 = Math.max(hit.bbox.x0 - 1.5 * h, columnStart + 0.5 * h);
    const x1 = columnEnd - 0.5 * h;
    const look = (direction: 'below' | 'above'): Candidate | undefined => {
      const ordered = lines
        .filter((l) => l !== hit.line && (direction === 'below' ? centreY(l.bbox) > hit.bbox.y1 : centreY(l.bbox) < hit.bbox.y0))
        .sort((a, b) => (direction === 'below' ? a.bbox.y0 - b.bbox.y0 : b.bbox.y1 - a.bbox.y1));
      for (const line of ordered) {
        const words = columnWords(line, x0, x1, labelWords);
        const box = words.length ? printBox(words) : undefined;
        if (!box) continue;
        const gap = (direction === 'below' ? box.y0 - hit.bbox.y1 : hit.bbox.y0 - box.y1) / h;
        // Far beyond the label: another field's print.
        if (gap > 4.5) return undefined;
        // Other print between label and value (an Arabic line) is stepped over; a line holding a label is not.
        if (words.every(isForeignWord) && !(spec.distinctive && spec.take(words))) continue;
        // A value starts in the label's column, not far to its right. Print that starts further right belongs to
        // the next column, which a tilted or photographed page may set between a label and its value: stepped over.
        const columnRight = Math.min(x1, hit.bbox.x1 + 2 * h);
        if (line.words.some((w) => labelWords.has(w) && w.bbox.x1 > x0 && w.bbox.x0 < columnRight)) return undefined;
        if ((words[0]?.bbox.x0 ?? 0) > columnRight) continue;
        const took = spec.take(words);
        if (!took) return undefined;
        return { field: hit.field, hit, words: words.slice(0, took.used), text: took.text, placement: direction, gap };
      }
      return undefined;
    };
    vertical.push({ hit, below: look('below'), above: look('above') });
  }

  // The page's convention: the side where most labels find their nearest value.
  let votes = 0;
  for (const { below, above } of vertical) {
    // A label halfway between two values votes for neither.
    if (below && above && Math.abs(below.gap - above.gap) <= 0.2 * Math.max(below.gap, above.gap, 0.5)) continue;
    if (below && (!above || below.gap < above.gap)) votes++;
    else if (above) votes--;
  }
  const preferred: Placement = votes >= 0 ? 'below' : 'above';
  const chosen: Candidate[] = [...beside];
  for (const { below, above } of vertical) {
    const first = preferred === 'below' ? below : above;
    const second = preferred === 'below' ? above : below;
    // Against the convention only when the convention's side has nothing, or something much farther.
    const pick = first && (!second || first.gap <= second.gap * 2.5) ? first : (second ?? first);
    if (pick) chosen.push(pick);
  }

  // Each word to one field, each field one value: beside first, then the nearest.
  chosen.sort((a, b) => a.gap - b.gap);
  const taken = new Set<BoundingBox>();
  const found = new Map<string, FoundValue>();
  for (const c of chosen) {
    if (found.has(c.field)) continue;
    // Cleaned words are copies; their boxes are the OCR's own objects.
    if (c.words.some((w) => taken.has(w.bbox))) continue;
    for (const w of c.words) taken.add(w.bbox);
    found.set(c.field, {
      text: c.text,
      confidence: mean(c.words.map((w) => w.confidence)),
      bbox: union(c.words.map((w) => w.bbox)),
      words: c.words,
      placement: c.placement,
      label: c.hit.bbox,
    });
  }
  return found;
}

/** Every label hit on the page, for callers that must know which words are labels. */
export function labelWordsOf(lines: readonly OcrLine[], labels: readonly Label[]): Set<OcrWord> {
  return new Set(labels.flatMap((label, i) => labelHits(lines, label, String(i))).flatMap((h) => h.line.words.slice(h.first, h.last + 1)));
}
