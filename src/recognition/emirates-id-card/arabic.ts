/**
 * Arabic print on the front: found as the runs the English pass could not read (so the whole card is not read
 * twice), read with the Arabic model strip by strip, and each strip's label told by its spelling and colon.
 */
import type { PreparedImage } from '../../image/prepare.js';
import { PageSegmentation, type BoundingBox, type OcrEngine, type OcrLine, type OcrWord } from '../../ocr/engine.js';
import { mean, union } from '../geometry.js';
import { reread } from '../toolkit/crop.js';
import { arabicKey, matchArabicNationality } from '../toolkit/nationalities.js';
import { centreY, heightOf, isForeignWord } from '../toolkit/text-lines.js';
import { arabicMisreadCost, closestSpelling, cleanArabicName, nameSpellings } from './arabic-name.js';
import { ARABIC_LABEL_SPELLINGS, type ARABIC_LABELS } from './labels.js';

const ARABIC_WORD = /^[\u0621-\u064A]+$/;

/** A word read as English beyond doubt: it ends a run of foreign words. */
function isSureEnglish(word: OcrWord): boolean {
  return word.confidence >= 0.85 && /^[A-Za-z0-9:/.,'’()-]+$/.test(word.text);
}

/**
 * Runs of foreign words in the English pass: where the card prints something other than English. Garbage read
 * from Arabic now and then looks like a short English word, so only sure English words (or a wide gap) end a run.
 */
export function foreignStrips(lines: readonly OcrLine[]): BoundingBox[] {
  const strips: BoundingBox[] = [];
  for (const line of lines) {
    let run: OcrWord[] = [];
    const flush = () => {
      // A "word" far taller than its neighbours is a picture (the photo) that OCR took for text.
      const typical = [...run.map((w) => heightOf(w.bbox))].sort((a, b) => a - b)[Math.floor(run.length / 2)] ?? 0;
      const text = run.filter((w) => heightOf(w.bbox) <= 1.8 * typical);
      if (text.some(isForeignWord)) {
        const box = union(text.map((w) => w.bbox));
        // OCR's word boxes for script it cannot read often stop short of the line's ends; the line box does not.
        if (heightOf(line.bbox) <= 1.5 * heightOf(box)) {
          if (run[0] === line.words[0]) box.x0 = Math.min(box.x0, line.bbox.x0);
          if (run.at(-1) === line.words.at(-1)) box.x1 = Math.max(box.x1, line.bbox.x1);
        }
        strips.push(box);
      }
      run = [];
    };
    for (const word of line.words) {
      const previous = run.at(-1);
      if (isSureEnglish(word) || (previous && word.bbox.x0 - previous.bbox.x1 > 3 * heightOf(line.bbox))) flush();
      if (!isSureEnglish(word)) run.push(word);
    }
    flush();
  }
  return strips.filter((b) => heightOf(b) >= 8 && b.x1 - b.x0 >= heightOf(b));
}

/** An Arabic OCR reading of one strip, tokens in reading order (right to left), punctuation removed. */
export interface ArabicStrip {
  bbox: BoundingBox;
  tokens: { text: string; colon: boolean; confidence: number; bbox: BoundingBox }[];
}

function arabicTokens(lines: readonly OcrLine[]): ArabicStrip['tokens'] {
  // A colon (the end of a label) becomes a token of its own, even when OCR joined it to the next word.
  return lines.flatMap((line) =>
    line.words.flatMap((word) =>
      word.text
        .split(/([:؛])/)
        .map((part) => ({
          // A bar, an exclamation mark or an Arabic-Indic one is how OCR often reads a lone alef.
          text: part.replace(/[\u064B-\u0652\u0640؛،.:\s\p{Cf}]/gu, '').replace(/^[|!١]$/, 'ا'),
          colon: /^[:؛]$/.test(part),
          confidence: word.confidence,
          bbox: word.bbox,
        }))
        .filter((t) => t.text.length > 0 || t.colon),
    ),
  );
}

type ArabicLabel = keyof typeof ARABIC_LABELS | 'other';

/** The label a run of tokens most resembles, if it resembles one closely enough for a short, noisy read. */
function classifyArabicLabel(text: string, tolerance: number): ArabicLabel | undefined {
  const key = arabicKey(text).replace(/[^\u0621-\u064A]/g, '');
  if (key.length < 2) return undefined;
  let best: { label: ArabicLabel; distance: number } | undefined;
  for (const [label, spellings] of ARABIC_LABEL_SPELLINGS) {
    for (const spelling of spellings) {
      const distance = arabicMisreadCost(spelling, key) / Math.max(key.length, spelling.length);
      if (!best || distance < best.distance) best = { label, distance };
    }
  }
  return best && best.distance <= tolerance ? best.label : undefined;
}

/**
 * Where a strip's label ends and which label it is: the words before a colon near the strip's start (OCR
 * garbles Amiri's stacked "الاسم", but rarely the colon), or else a word that is nearly a label.
 */
function stripLabel(strip: ArabicStrip): { label: ArabicLabel; end: number } | undefined {
  const colon = strip.tokens.findIndex((t) => t.colon);
  if (colon >= 0 && colon <= 3) {
    const label = classifyArabicLabel(
      strip.tokens
        .slice(0, colon)
        .map((t) => t.text)
        .join(''),
      0.6,
    );
    if (label) return { label, end: colon + 1 };
  }
  // Without a colon: a label of one or two words (رقم الهوية) among the first words.
  for (let i = 0; i < Math.min(3, strip.tokens.length); i++) {
    for (const words of [2, 1]) {
      if (i + words > strip.tokens.length) continue;
      const text = strip.tokens
        .slice(i, i + words)
        .map((t) => t.text)
        .join('');
      const label = classifyArabicLabel(text, 0.25);
      if (label) return { label, end: i + words };
    }
  }
  return undefined;
}

export interface ArabicValue {
  text: string;
  confidence: number;
  bbox: BoundingBox;
}

function arabicValue(tokens: ArabicStrip['tokens']): ArabicValue | undefined {
  // Reading order runs right to left: a wide gap leftwards ends the value (the English half of the row follows).
  const value: ArabicStrip['tokens'] = [];
  for (const token of tokens) {
    if (!ARABIC_WORD.test(token.text)) {
      if (value.length) break;
      continue;
    }
    const previous = value.at(-1);
    if (previous && previous.bbox.x0 - token.bbox.x1 > 2.5 * heightOf(previous.bbox)) break;
    value.push(token);
  }
  const text = value.map((t) => t.text).join(' ');
  // A lone letter is a speck or a stroke of the label, not a value; nor is a label read on its own.
  if (text.length < 2 || classifyArabicLabel(text, 0.2)) return undefined;
  return { text, confidence: mean(value.map((t) => t.confidence)), bbox: union(value.map((t) => t.bbox)) };
}

/**
 * The Arabic value of a labelled field among the strips read: the rest of the label's strip, or else the next
 * strip to its left on the same row, or the strip below it. Failing a label, the unlabelled strip nearest the
 * English value's row.
 */
export function findArabicValue(strips: readonly ArabicStrip[], field: keyof typeof ARABIC_LABELS, englishRow: BoundingBox | undefined, english?: string): ArabicValue | undefined {
  const labelled = strips.map((strip) => ({ strip, label: stripLabel(strip) }));
  for (const { strip, label } of labelled) {
    if (label?.label !== field) continue;
    const rest = arabicValue(strip.tokens.slice(label.end));
    if (rest) return rest;
    // A label alone: its value is the nearest unlabelled strip on its row (either side: a bilingual English label
    // puts the English between them), or else the strip just below it.
    const labelBox = strip.tokens[label.end - 1]?.bbox ?? strip.bbox;
    const h = heightOf(labelBox);
    const unlabelled = labelled.filter((l) => l.strip !== strip && !l.label).map((l) => l.strip);
    const sameRow = unlabelled
      .filter((s) => Math.abs(centreY(s.bbox) - centreY(labelBox)) < h)
      .sort(
        (a, b) => Math.min(Math.abs(a.bbox.x0 - labelBox.x1), Math.abs(labelBox.x0 - a.bbox.x1)) - Math.min(Math.abs(b.bbox.x0 - labelBox.x1), Math.abs(labelBox.x0 - b.bbox.x1)),
      );
    const below = unlabelled.filter((s) => s.bbox.y0 > labelBox.y0 + h * 0.5 && s.bbox.y0 - labelBox.y1 < 2 * h).sort((a, b) => a.bbox.y0 - b.bbox.y0);
    for (const next of [...sameRow, ...below]) {
      const value = arabicValue(next.tokens);
      if (value) return value;
    }
  }
  if (!englishRow) return undefined;
  // No label read: among the unlabelled strips, the one whose reading fits the field (a nationality in the table,
  // a spelling of the English name), else the nearest to the English value's row.
  const values = labelled
    .filter(({ label }) => !label)
    .map(({ strip }) => ({ strip, value: arabicValue(strip.tokens.slice(strip.tokens.findIndex((t) => t.colon) + 1)) }))
    .filter((v): v is { strip: ArabicStrip; value: ArabicValue } => v.value !== undefined)
    .filter(({ value }) => field !== 'name' || value.text.split(' ').length >= 2 || value.text.length >= 4)
    // A nationality is not a name: the name's own line may still be found by a closer look.
    .filter(({ value }) => field !== 'name' || !((matchArabicNationality(value.text)?.distance ?? 1) < 0.2));
  const distance = (strip: ArabicStrip) => Math.abs(centreY(strip.bbox) - centreY(englishRow)) / Math.max(1, heightOf(englishRow));
  const fitOf = ({ strip, value }: { strip: ArabicStrip; value: ArabicValue }): number => {
    if (field === 'nationality') {
      const match = matchArabicNationality(value.text);
      return (match && match.distance <= 0.4 ? match.distance : 1) + distance(strip) * 0.05;
    }
    const words = Math.max(1, (english ?? '').split(/\s+/).length);
    const spelling = english ? closestSpelling(nameSpellings(english), cleanArabicName(value.text)).cost / words : 0;
    return Math.min(spelling, 3) / 3 + distance(strip) * 0.05;
  };
  const best = values.map((v) => ({ value: v.value, fit: fitOf(v) })).sort((a, b) => a.fit - b.fit)[0];
  return best && (field !== 'nationality' || best.fit < 1) ? best.value : undefined;
}

/** Reads a strip with the Arabic model, as one line. */
export async function readArabicStrip(image: PreparedImage, engine: OcrEngine, bbox: BoundingBox): Promise<ArabicStrip> {
  const h = heightOf(bbox);
  const result = await reread(image, engine, bbox, { padX: h * 0.6, padY: h * 0.35, lang: 'ara', psm: PageSegmentation.singleLine });
  return { bbox, tokens: arabicTokens(result.lines) };
}

/**
 * The Arabic strips worth reading: those on or next to the rows of the English name and nationality, nearest
 * first (the Arabic name is printed beside, above or below the English one on every layout seen).
 */
export function stripsNear(strips: readonly BoundingBox[], anchors: readonly BoundingBox[]): BoundingBox[] {
  const distance = (strip: BoundingBox) => Math.min(...anchors.map((a) => Math.abs(centreY(strip) - centreY(a)) / heightOf(a)));
  return strips
    .filter((s) => distance(s) < 3.6)
    .sort((a, b) => distance(a) - distance(b))
    .slice(0, 4);
}

/** The rows around English values (three line heights either side), read with the Arabic model as a block. */
export async function readArabicAround(image: PreparedImage, engine: OcrEngine, anchors: readonly BoundingBox[]): Promise<ArabicStrip[]> {
  const h = Math.max(...anchors.map(heightOf));
  const box = { x0: 0, x1: image.width, y0: Math.min(...anchors.map((a) => a.y0)) - 3.5 * h, y1: Math.max(...anchors.map((a) => a.y1)) + 3.5 * h };
  const result = await reread(image, engine, box, { lang: 'ara', psm: PageSegmentation.singleBlock });
  return result.lines.map((line) => ({ bbox: line.bbox, tokens: arabicTokens([line]) }));
}

export async function readArabicPage(image: PreparedImage, engine: OcrEngine): Promise<ArabicStrip[]> {
  const page = await engine.recognize({ image: image.png, lang: 'ara', psm: PageSegmentation.auto });
  return page.lines.map((line) => ({ bbox: line.bbox, tokens: arabicTokens([line]) }));
}
