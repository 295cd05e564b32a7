/**
 * Digits read by their shape, without the OCR engine: each glyph of a line is cut out by its ink and compared
 * with digit templates of several typefaces (glyph-templates.ts). The engine's model knows the faces of running
 * text; it misreads the stroke faces many cards print their numbers in (OCR-A's 4 and 6 come back as y and k).
 * Cards print a number in one face and size, on a plain band, one glyph per blob: shape matching reads such a
 * band as well as the engine reads text. Its reading is one more vote, never the only one that counts.
 */
import type { BoundingBox } from '../../ocr/engine.js';
import { median } from '../geometry.js';
import { DIGITS } from './characters.js';
import { connectedComponents, type Component } from './components.js';
import { GLYPH_TEMPLATES } from './glyph-templates.js';

/** A glyph's shape: ink share per cell of a grid scaled to the glyph's height, centred on it. */
export const SHAPE_GRID = {
  rows: 16,
  cols: 12,
  /** The grid's width, in glyph heights: wide enough for the widest digit, so a narrow 1 stays narrow. */
  widthPerHeight: 0.8,
} as const;

/** Ink per pixel (1 = ink), row-major. */
export interface InkMask {
  ink: Uint8Array;
  width: number;
  height: number;
}

/**
 * The glyph in `box` (inclusive pixel bounds) as a grid of ink shares: scaled by its height only, so that
 * proportions survive, and sampled at 3 × 3 points per cell.
 */
export function shapeOf(mask: InkMask, box: BoundingBox): Float32Array {
  const { rows, cols, widthPerHeight } = SHAPE_GRID;
  const height = box.y1 - box.y0 + 1;
  const gridWidth = height * widthPerHeight;
  const left = (box.x0 + box.x1 + 1) / 2 - gridWidth / 2;
  const cellW = gridWidth / cols;
  const cellH = height / rows;
  const shape = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let ink = 0;
      for (let sy = 0; sy < 3; sy++) {
        const y = Math.floor(box.y0 + (r + (sy + 0.5) / 3) * cellH);
        for (let sx = 0; sx < 3; sx++) {
          const x = Math.floor(left + (c + (sx + 0.5) / 3) * cellW);
          if (x >= box.x0 && x <= box.x1 && y >= 0 && y < mask.height) ink += mask.ink[y * mask.width + x] ?? 0;
        }
      }
      shape[r * cols + c] = ink / 9;
    }
  }
  return shape;
}

/** Otsu's threshold: the grey level that best splits the pixels into two classes. */
export function otsuLevel(pixels: ArrayLike<number>): number {
  const histogram = new Float64Array(256);
  for (let i = 0; i < pixels.length; i++) histogram[pixels[i] ?? 0] = (histogram[pixels[i] ?? 0] ?? 0) + 1;
  let total = 0;
  let sum = 0;
  for (let level = 0; level < 256; level++) {
    total += histogram[level] ?? 0;
    sum += level * (histogram[level] ?? 0);
  }
  let below = 0;
  let belowSum = 0;
  let best = 0;
  let level = 128;
  for (let t = 0; t < 255; t++) {
    below += histogram[t] ?? 0;
    belowSum += t * (histogram[t] ?? 0);
    const above = total - below;
    if (below === 0 || above === 0) continue;
    const between = below * above * (belowSum / below - (sum - belowSum) / above) ** 2;
    if (between > best) {
      best = between;
      level = t;
    }
  }
  return level;
}

interface Template {
  char: string;
  face: string;
  shape: Float32Array;
}

/** Templates as stored: one hex digit (ink share in fifteenths) per cell. */
const TEMPLATES: readonly Template[] = GLYPH_TEMPLATES.map(({ char, face, shape }) => ({ char, face, shape: Float32Array.from(shape, (h) => Number.parseInt(h, 16) / 15) }));

function distance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return sum / a.length;
}

export interface GlyphMatch {
  char: string;
  /** 0..1: how clearly the best character beats every other one. */
  confidence: number;
}

export interface MatchOptions {
  /** Only the templates of these faces (every face when not given). */
  faces?: readonly string[];
  /** The distance at which a shape counts as unlike any template (MAX_FIT_DISTANCE when not given). */
  maxFit?: number;
}

/**
 * The character of each alphabet a shape is likeliest to be: the nearest template of that alphabet, measured once
 * for all of them. Its confidence is the margin to the nearest template of another character of the alphabet; a
 * shape near no template at all (a letter among digits, a logo) scores low whatever the margin.
 */
export function matchGlyphs<K extends string>(shape: Float32Array, alphabets: Readonly<Record<K, string>>, options: MatchOptions = {}): Record<K, GlyphMatch> {
  const { faces, maxFit = MAX_FIT_DISTANCE } = options;
  const wanted = Object.values<string>(alphabets).join('');
  const nearest = new Map<string, number>();
  for (const template of TEMPLATES) {
    if (!wanted.includes(template.char) || (faces && !faces.includes(template.face))) continue;
    const d = distance(shape, template.shape);
    if (d < (nearest.get(template.char) ?? Number.POSITIVE_INFINITY)) nearest.set(template.char, d);
  }
  const matchIn = (alphabet: string): GlyphMatch => {
    const [best, second] = [...nearest].filter(([char]) => alphabet.includes(char)).sort((a, b) => a[1] - b[1]);
    if (!best) return { char: '', confidence: 0 };
    const margin = second ? 1 - best[1] / Math.max(1e-6, second[1]) : 1;
    // A distance this large means the glyph looks like none of the templates.
    const fit = Math.max(0, 1 - best[1] / maxFit);
    return { char: best[0], confidence: Math.min(1, margin * 1.6) * fit };
  };
  return Object.fromEntries(Object.entries<string>(alphabets).map(([key, alphabet]) => [key, matchIn(alphabet)])) as Record<K, GlyphMatch>;
}

/** The character of `alphabet` a shape is likeliest to be (matchGlyphs for one alphabet). */
const matchGlyph = (shape: Float32Array, alphabet: string, options: MatchOptions = {}): GlyphMatch => matchGlyphs(shape, { only: alphabet }, options).only;

export const matchDigit = (shape: Float32Array): GlyphMatch => matchGlyph(shape, DIGITS);

/** Mean squared cell difference beyond which a shape is unlike any template (an unrelated glyph scores ~0.12), by default. */
const MAX_FIT_DISTANCE = 0.12;

export interface ShapeReading {
  digits: string;
  confidences: number[];
  boxes: BoundingBox[];
}

/**
 * The digits printed across `box` (page pixels), read by shape: the band's print (the minority side of its Otsu
 * split, light or dark) cut into glyphs of the line's height, left to right. Undefined when the band holds no
 * row of glyphs of one size.
 */
export function readDigitShapes(page: { pixels: Uint8Array; width: number; height: number }, box: BoundingBox): ShapeReading | undefined {
  const x0 = Math.max(0, Math.floor(box.x0));
  const y0 = Math.max(0, Math.floor(box.y0));
  const x1 = Math.min(page.width - 1, Math.ceil(box.x1));
  const y1 = Math.min(page.height - 1, Math.ceil(box.y1));
  const width = x1 - x0 + 1;
  const height = y1 - y0 + 1;
  if (width < 8 || height < 8) return undefined;
  const crop = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) crop.set(page.pixels.subarray((y0 + y) * page.width + x0, (y0 + y) * page.width + x0 + width), y * width);
  const level = otsuLevel(crop);
  let dark = 0;
  for (const v of crop) if (v <= level) dark++;
  // Print covers less of a number's band than its ground does.
  const inkIsDark = dark * 2 < crop.length;
  const ink = Uint8Array.from(crop, (v) => (v <= level === inkIsDark ? 1 : 0));
  const mask: InkMask = { ink, width, height };
  // A blob cut by the band's top or bottom edge is not a glyph of its line (a neighbour line, the page's edge).
  const whole = connectedComponents(ink, width, height).filter((c) => c.y0 > 0 && c.y1 < height - 1);
  const glyphs = glyphBoxes(whole);
  if (glyphs.length < 2) return undefined;
  const matches = glyphs.map((g) => matchDigit(shapeOf(mask, g)));
  return {
    digits: matches.map((m) => m.char).join(''),
    confidences: matches.map((m) => m.confidence),
    boxes: glyphs.map((g) => ({ x0: g.x0 + x0, y0: g.y0 + y0, x1: g.x1 + x0, y1: g.y1 + y0 })),
  };
}

/**
 * The glyph boxes of one printed line: blobs of the line's glyph height (the tallest blobs' median), on its
 * middle, left to right. Pieces of one glyph side by side in a column are joined; blobs as wide as several
 * glyphs (touching print) are cut at the line's glyph pitch.
 */
function glyphBoxes(components: readonly Component[]): BoundingBox[] {
  const tallest = Math.max(0, ...components.map((c) => c.y1 - c.y0 + 1));
  const tall = components.filter((c) => c.y1 - c.y0 + 1 >= 0.6 * tallest);
  if (tall.length < 2) return [];
  const glyphHeight = median(tall.map((c) => c.y1 - c.y0 + 1));
  const middle = median(tall.map((c) => (c.y0 + c.y1) / 2));
  const onLine = components.filter((c) => {
    const h = c.y1 - c.y0 + 1;
    return h >= 0.55 * glyphHeight && h <= 1.35 * glyphHeight && Math.abs((c.y0 + c.y1) / 2 - middle) < 0.3 * glyphHeight;
  });
  const sorted = [...onLine].sort((a, b) => a.x0 - b.x0);
  const joined: BoundingBox[] = [];
  for (const c of sorted) {
    const previous = joined.at(-1);
    const overlap = previous ? Math.min(previous.x1, c.x1) - Math.max(previous.x0, c.x0) : -1;
    if (previous && overlap > 0.5 * Math.min(previous.x1 - previous.x0, c.x1 - c.x0)) {
      joined[joined.length - 1] = { x0: Math.min(previous.x0, c.x0), y0: Math.min(previous.y0, c.y0), x1: Math.max(previous.x1, c.x1), y1: Math.max(previous.y1, c.y1) };
    } else joined.push({ x0: c.x0, y0: c.y0, x1: c.x1, y1: c.y1 });
  }
  const usualWidth = median(joined.map((b) => b.x1 - b.x0 + 1));
  return joined.flatMap((b) => {
    const pieces = Math.round((b.x1 - b.x0 + 1) / usualWidth);
    if (pieces < 2 || b.x1 - b.x0 + 1 < 1.6 * usualWidth) return [b];
    const step = (b.x1 - b.x0 + 1) / pieces;
    return Array.from({ length: pieces }, (_, i) => ({ x0: Math.round(b.x0 + i * step), y0: b.y0, x1: Math.round(b.x0 + (i + 1) * step) - 1, y1: b.y1 }));
  });
}
