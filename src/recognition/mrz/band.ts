/**
 * Reading an MRZ band into cells, for every layout: OCR symbols placed on the fixed-pitch grid (framed by the ink,
 * so stray symbols OCR adds at a line's end do not stretch it), fillers told from K, L and C by their shape, then
 * the check-digit correction. The band comes from the locator, cut out upright, or from a page read.
 */
import type { PreparedImage } from '../../image/prepare.js';
import { PageSegmentation, type BoundingBox, type OcrEngine, type OcrLine, type OcrSymbol } from '../../ocr/engine.js';
import { CAP_HEIGHT_GLYPH, fitLine, median, union } from '../geometry.js';
import { connectedComponents, inkMask } from '../toolkit/components.js';
import { DIGITS } from '../toolkit/characters.js';
import { matchGlyphs, shapeOf } from '../toolkit/glyph-shapes.js';
import type { MrzReading } from './correct.js';
import { sharedFrame, symbolsToCells, textToCells, type Cell, type CellLooks } from './grid.js';
import type { MrzLayout } from './layouts.js';
import { cutSize, turnedHalf, type LocatedMrz, type Quad } from './locate.js';

/** MRZ glyphs are cut out at this pitch (pixels): capitals near 25 px high, where tesseract reads best. */
export const BAND_PITCH = 26;
/** The pitch of a second look at a band whose checks failed: blur reads better larger. */
export const LARGE_BAND_PITCH = 36;

export const MRZ_WHITELIST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

/** Where OCR output sits on the page: band reads come back in the (scaled) band's own coordinates. */
export interface Placement {
  left: number;
  top: number;
  scale: number;
}
export const ON_PAGE: Placement = { left: 0, top: 0, scale: 1 };
const place = (b: BoundingBox, at: Placement): BoundingBox => ({
  x0: b.x0 / at.scale + at.left,
  x1: b.x1 / at.scale + at.left,
  y0: b.y0 / at.scale + at.top,
  y1: b.y1 / at.scale + at.top,
});

/** MRZ positions where the filler may stand: everything but digit-only fields and check digits. */
function fillerPositions(layout: MrzLayout): ReadonlySet<string> {
  return new Set(layout.fields.filter((f) => f.charClass !== 'digit').flatMap((f) => Array.from({ length: f.length }, (_, i) => `${f.line}:${f.start + i}`)));
}

/** What the pixels of an MRZ cell show. */
export type GlyphShape = 'filler' | 'glyph' | 'unknown';

/** A cell's shape: filler or glyph, and which OCR-B character its glyph looks likeliest (toolkit/glyph-shapes.ts). */
export interface CellShape {
  kind: GlyphShape;
  looks?: CellLooks;
}

const UNKNOWN: CellShape = { kind: 'unknown' };

/**
 * Tesseract reads OCR-B's filler `<` as K, L, C or two symbols often enough to garble names. The glyph tells:
 * at its left edge the chevron's apex is a short stroke around mid-height, where K, L, C, E and the rest have
 * a stem or bowl spanning most of the cap height, and it stops short of the baseline. This measures that on the
 * page's pixels, per cell, and matches each cell's glyph with the OCR-B templates: a reading of its own, which
 * the correction may prefer where OCR's symbols fail the check digits.
 */
export function cellShapes(
  image: PreparedImage,
  symbols: readonly OcrSymbol[],
  frame: { left: number; right: number },
  length: number,
  centreOf?: (cell: number) => number,
): CellShape[] {
  const tall = symbols.filter((s) => CAP_HEIGHT_GLYPH.test(s.text));
  if (tall.length < 3) return Array<CellShape>(length).fill(UNKNOWN);
  const capTop = fitLine(tall.map((s) => ({ x: (s.bbox.x0 + s.bbox.x1) / 2, y: s.bbox.y0 })));
  const baseline = fitLine(tall.map((s) => ({ x: (s.bbox.x0 + s.bbox.x1) / 2, y: s.bbox.y1 })));
  const glyphWidth = median(tall.map((s) => s.bbox.x1 - s.bbox.x0));
  const advance = (frame.right - frame.left - glyphWidth) / (length - 1);
  const { pixels, width } = image;
  const level = (x: number, y: number) => pixels[Math.round(y) * width + Math.round(x)] ?? 255;
  // Ink is what is clearly darker than the band's paper; the paper is the bright end of the band's levels.
  const sampleTop = Math.max(0, Math.round(capTop(frame.left)));
  const sampleBottom = Math.min(image.height - 1, Math.round(baseline(frame.right)));
  const samples: number[] = [];
  for (let y = sampleTop; y <= sampleBottom; y += 2) for (let x = Math.round(frame.left); x <= frame.right; x += 3) samples.push(level(x, y));
  samples.sort((a, b) => a - b);
  const paper = samples[Math.floor(samples.length * 0.9)] ?? 255;
  const ink = samples[Math.floor(samples.length * 0.05)] ?? 0;
  if (paper - ink < 60) return Array<CellShape>(length).fill(UNKNOWN);
  const threshold = (paper + ink) / 2;
  const glyphThreshold = ink + 0.4 * (paper - ink);

  return Array.from({ length }, (_, i) => {
    const cx = centreOf ? centreOf(i) : frame.left + glyphWidth / 2 + i * advance;
    const top = capTop(cx);
    const capHeight = baseline(cx) - top;
    if (!(capHeight > 4)) return UNKNOWN;
    const [x0, x1] = [Math.floor(cx - 0.45 * advance), Math.ceil(cx + 0.45 * advance)];
    const [y0, y1] = [Math.floor(top - 0.2 * capHeight), Math.ceil(baseline(cx) + 0.2 * capHeight)];
    let inkLeft = Infinity;
    let inkRight = -Infinity;
    let inkBottom = -Infinity;
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        if (level(x, y) < threshold) {
          inkLeft = Math.min(inkLeft, x);
          inkRight = Math.max(inkRight, x);
          inkBottom = Math.max(inkBottom, y);
        }
      }
    }
    if (inkRight - inkLeft < 2) return UNKNOWN;
    // The chevron stops short of the baseline; S, whose upper bowl looks alike at the left, does not.
    const clearOfBaseline = (baseline(cx) - inkBottom) / capHeight >= 0.08;
    // The glyph's left third: its ink's vertical span and where that span sits.
    const edge = inkLeft + 0.3 * (inkRight - inkLeft);
    let spanTop = -1;
    let spanBottom = -1;
    for (let y = y0; y <= y1; y++) {
      for (let x = inkLeft; x <= edge; x++) {
        if (level(x, y) < threshold) {
          if (spanTop < 0) spanTop = y;
          spanBottom = y;
          break;
        }
      }
    }
    const span = (spanBottom - spanTop + 1) / capHeight;
    const middle = ((spanTop + spanBottom) / 2 - top) / capHeight;
    if (clearOfBaseline && span >= 0.15 && span <= 0.55 && middle >= 0.3 && middle <= 0.7) return { kind: 'filler' };
    // Blur thickens strokes at the midpoint threshold; nearer the ink's level the glyph keeps its shape.
    const shape = glyphShape({ x0, y0, x1, y1 }, cx, advance, capHeight, (x, y) => level(x, y) < glyphThreshold);
    if (!shape) return { kind: 'glyph' };
    return { kind: 'glyph', looks: matchGlyphs(shape, { letter: LETTERS, digit: DIGITS, any: LETTERS + DIGITS }, OCR_B) };
  });
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/**
 * Every cell of an MRZ holds an OCR-B glyph, so a shape far from every template is blur, not another kind of
 * print: the fit matters less than on a card, and the margin between characters decides.
 */
const OCR_B = { faces: ['ocrb'], maxFit: 0.35 };

/**
 * The shape of the glyph in one cell's box: its ink blobs centred in the cell (a neighbour's edge reaching in
 * is left out), as one glyph box scaled to the shape grid. Undefined when the cell holds no glyph-sized ink.
 */
function glyphShape(box: BoundingBox, cx: number, advance: number, capHeight: number, isInk: (x: number, y: number) => boolean): Float32Array | undefined {
  const width = box.x1 - box.x0 + 1;
  const height = box.y1 - box.y0 + 1;
  if (width < 3 || height < 3) return undefined;
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) mask[y * width + x] = isInk(box.x0 + x, box.y0 + y) ? 1 : 0;
  const own = connectedComponents(mask, width, height).filter((c) => Math.abs(box.x0 + (c.x0 + c.x1) / 2 - cx) < 0.35 * advance && c.y1 - c.y0 + 1 >= 0.2 * capHeight);
  if (own.length === 0) return undefined;
  const glyph = union(own);
  if (glyph.y1 - glyph.y0 + 1 < 0.6 * capHeight) return undefined;
  return shapeOf({ ink: mask, width, height }, glyph);
}

export interface Grid {
  /** Centre of cell 0 on each line. */
  origins: number[];
  /** Distance between cell centres at cell 0, and its change per cell (a photo's keystone stretches one end). */
  pitch: number;
  curve: number;
  glyphWidth: number;
}

/** Where cell `k` of line `line` is centred. */
export function cellCentre(grid: Grid, line: number, k: number): number {
  return (grid.origins[line] ?? 0) + grid.pitch * k + grid.curve * k * k;
}

/** The (fractional) cell a position falls in, inverting the grid's quadratic by fixed-point steps. */
export function cellAt(grid: Grid, line: number, x: number): number {
  const origin = grid.origins[line] ?? 0;
  let k = (x - origin) / grid.pitch;
  for (let step = 0; step < 3; step++) k = (x - origin - grid.curve * k * k) / grid.pitch;
  return k;
}

/** Least squares for A·x = b by the normal equations (a handful of unknowns). */
function leastSquares(rows: readonly number[][], values: readonly number[]): number[] | undefined {
  const n = rows[0]?.length ?? 0;
  const m = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  rows.forEach((row, r) => {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) (m[i] as number[])[j] = ((m[i] as number[])[j] ?? 0) + (row[i] ?? 0) * (row[j] ?? 0);
      (m[i] as number[])[n] = ((m[i] as number[])[n] ?? 0) + (row[i] ?? 0) * (values[r] ?? 0);
    }
  });
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]?.[c] ?? 0) > Math.abs(m[pivot]?.[c] ?? 0)) pivot = r;
    if (Math.abs(m[pivot]?.[c] ?? 0) < 1e-9) return undefined;
    [m[c], m[pivot]] = [m[pivot] as number[], m[c] as number[]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = (m[r]?.[c] ?? 0) / (m[c]?.[c] ?? 1);
      for (let k = c; k <= n; k++) (m[r] as number[])[k] = (m[r]?.[k] ?? 0) - f * (m[c]?.[k] ?? 0);
    }
  }
  return m.map((row, i) => (row[n] ?? 0) / (row[i] ?? 1));
}

/**
 * Where the cells of each MRZ line lie. OCR-B has a fixed pitch, so cell k is centred near origin + k × pitch.
 * The ink's outer edges give a first guess (off by a narrow first or last glyph); a least-squares fit of confident
 * symbols' centres to their nearest cells then corrects it before errors accumulate along the line. Each line gets
 * its own origin, which a slightly turned card shifts from line to line, and the pitch may change steadily along
 * the lines, as a photo taken at an angle makes the far end smaller.
 */
export function fitGrid(lines: readonly (readonly OcrSymbol[])[], frame: { left: number; right: number }, length: number): Grid | undefined {
  const usable = lines.map((line) => line.filter((s) => s.text.trim() !== '' && s.bbox.x1 > s.bbox.x0));
  const glyphWidth = median(
    usable
      .flat()
      .filter((s) => CAP_HEIGHT_GLYPH.test(s.text))
      .map((s) => s.bbox.x1 - s.bbox.x0),
  );
  const firstPitch = (frame.right - frame.left - glyphWidth) / (length - 1);
  if (!(firstPitch > 0)) return undefined;
  const centreOf = (s: OcrSymbol) => (s.bbox.x0 + s.bbox.x1) / 2;
  // First guess by walking each line: a gap of about one pitch is the next cell, of two a cell OCR skipped, of
  // nearly none a split glyph; the pitch follows the gaps as they grow or shrink along a photographed line.
  const walked = usable.flatMap((line, i) => {
    const sorted = [...line].sort((a, b) => centreOf(a) - centreOf(b));
    let pitch = firstPitch;
    let k = Math.max(0, Math.round((centreOf(sorted[0] as OcrSymbol) - frame.left - glyphWidth / 2) / firstPitch));
    return sorted.map((s, n) => {
      if (n > 0) {
        const gap = centreOf(s) - centreOf(sorted[n - 1] as OcrSymbol);
        const steps = Math.max(0, Math.round(gap / pitch));
        if (steps === 1) pitch = 0.7 * pitch + 0.3 * gap;
        k += steps;
      }
      return { line: i, k, x: centreOf(s), confident: s.confidence >= 0.6 };
    });
  });
  const walkedFit = leastSquares(
    walked.filter((p) => p.confident && p.k < length).map((p) => [...usable.map((_, i) => (i === p.line ? 1 : 0)), p.k, p.k * p.k]),
    walked.filter((p) => p.confident && p.k < length).map((p) => p.x),
  );
  const walkedPitch = walkedFit?.[usable.length] ?? 0;
  const walkedCurve = walkedFit?.[usable.length + 1] ?? 0;
  const framed: Grid = { origins: usable.map(() => frame.left + glyphWidth / 2), pitch: firstPitch, curve: 0, glyphWidth };
  const starts = [framed];
  if (walkedFit && walkedPitch > 0 && Math.abs(2 * walkedCurve * (length - 1)) < 0.35 * walkedPitch) {
    starts.push({ origins: usable.map((_, i) => walkedFit[i] ?? frame.left), pitch: walkedPitch, curve: walkedCurve, glyphWidth });
  }

  const fitting = (grid: Grid, tolerance: number) =>
    usable.flatMap((line, i) =>
      line
        .filter((s) => s.confidence >= 0.6 && s.bbox.x1 - s.bbox.x0 < 1.4 * glyphWidth)
        .map((s) => {
          const k = Math.round(cellAt(grid, i, centreOf(s)));
          return { line: i, k, x: centreOf(s), residual: centreOf(s) - cellCentre(grid, i, k) };
        })
        .filter((p) => p.k >= 0 && p.k < length && Math.abs(p.residual) < tolerance * grid.pitch),
    );
  const refine = (start: Grid): Grid => {
    let grid = start;
    for (let round = 0; round < 4; round++) {
      const points = fitting(grid, 0.35);
      if (points.length < length) break;
      // Unknowns: each line's origin, the pitch, and (from the second round, with points spread along the lines)
      // the pitch's change per cell.
      const withCurve = round > 0 || grid.curve !== 0;
      const rows = points.map((p) => [...usable.map((_, i) => (i === p.line ? 1 : 0)), p.k, ...(withCurve ? [p.k * p.k] : [])]);
      const solution = leastSquares(
        rows,
        points.map((p) => p.x),
      );
      if (!solution) break;
      const pitch = solution[usable.length] ?? grid.pitch;
      const curve = withCurve ? (solution[usable.length + 1] ?? 0) : 0;
      // A keystone changes the pitch by a fraction along a line, never by a third.
      if (!(pitch > 0) || Math.abs(2 * curve * (length - 1)) > 0.35 * pitch) break;
      grid = { origins: usable.map((_, i) => solution[i] ?? 0), pitch, curve, glyphWidth };
    }
    return grid;
  };
  // Two first guesses, the ink's frame and the walk, each refined: the grid more symbols sit squarely on wins.
  const support = (grid: Grid) => new Set(fitting(grid, 0.22).map((p) => `${p.line}:${p.k}`)).size;
  return starts.map(refine).reduce((best, grid) => (support(grid) > support(best) ? grid : best));
}

/** A symbol box OCR stretched over two glyphs (a letter and the filler after it) keeps only its first glyph. */
export function firstGlyph(symbol: OcrSymbol, glyphWidth: number): OcrSymbol {
  const width = symbol.bbox.x1 - symbol.bbox.x0;
  return width > 1.4 * glyphWidth ? { ...symbol, bbox: { ...symbol.bbox, x1: symbol.bbox.x0 + glyphWidth } } : symbol;
}

/** The outermost ink columns along a line, near where OCR put its first and last symbols. */
export function inkFrame(image: PreparedImage, symbols: readonly OcrSymbol[]): { left: number; right: number } | undefined {
  if (symbols.length === 0) return undefined;
  const box = union(symbols.map((s) => s.bbox));
  const reach = 1.5 * Math.max(...symbols.map((s) => s.bbox.x1 - s.bbox.x0));
  const { pixels, width } = image;
  const y0 = Math.max(0, Math.floor(box.y0));
  const y1 = Math.min(image.height - 1, Math.ceil(box.y1));
  const columnInk = (x: number) => {
    let dark = 0;
    for (let y = y0; y <= y1; y++) if ((pixels[y * width + x] ?? 255) < 128) dark++;
    return dark >= 2;
  };
  let left = Math.max(0, Math.floor(box.x0 - reach));
  while (left < box.x0 + reach && !columnInk(left)) left++;
  let right = Math.min(width - 1, Math.ceil(box.x1 + reach));
  while (right > box.x1 - reach && !columnInk(right)) right--;
  return right > left ? { left, right } : undefined;
}

/** The cells of an MRZ read from OCR lines: the last `layout.lines` lines long enough to be MRZ. */
export function cellsFromLines(image: PreparedImage, lines: readonly OcrLine[], layout: MrzLayout, at: Placement = ON_PAGE): Cell[][] | undefined {
  const mrzLines = lines.filter((l) => l.text.replace(/\s+/g, '').length >= layout.lineLength * 0.6).slice(-layout.lines);
  if (mrzLines.length < layout.lines) return undefined;
  const symbols = mrzLines.map((line) => line.words.flatMap((w) => w.symbols).map((s) => ({ ...s, bbox: place(s.bbox, at) })));
  const frames = symbols.map((line) => inkFrame(image, line));
  const ocrFrame = sharedFrame(symbols);
  const length = layout.lineLength;
  const inked = frames.every((f) => f !== undefined) && ocrFrame ? { left: Math.min(...frames.map((f) => f.left)), right: Math.max(...frames.map((f) => f.right)) } : ocrFrame;
  const grid = inked && fitGrid(symbols, inked, length);
  const fillers = fillerPositions(layout);
  return mrzLines.map((line, i) => {
    if (!grid) return symbolsToCells(symbols[i] ?? [], length) ?? textToCells(line.text, length, line.confidence);
    // The line's frame as the shared grid code expects it: first glyph's left edge to last glyph's right edge.
    const left = (grid.origins[i] ?? 0) - grid.glyphWidth / 2;
    const frame = { left, right: cellCentre(grid, i, length - 1) + grid.glyphWidth / 2 };
    const placement = { cellAt: (x: number) => cellAt(grid, i, x), centreOf: (k: number) => cellCentre(grid, i, k) };
    const lineSymbols = (symbols[i] ?? []).map((s) => firstGlyph(s, grid.glyphWidth));
    const placed = symbolsToCells(lineSymbols, length, frame, placement.cellAt) ?? textToCells(line.text, length, line.confidence);
    const shapes = cellShapes(image, lineSymbols, frame, length, placement.centreOf);
    return placed.map((cell, k) => {
      const shape = shapes[k] ?? UNKNOWN;
      const matched = shape.looks ? { ...cell, looks: shape.looks } : cell;
      if (!fillers.has(`${i}:${k}`)) return matched;
      // The shape overrides OCR's guess and its glyph-height test, which blur and tilt mislead.
      if (shape.kind === 'filler') return { char: '<', confidence: Math.max(cell.confidence, 0.9), short: true, empty: false };
      if (shape.kind === 'glyph' && cell.char !== '<') return { ...matched, short: false };
      return matched;
    });
  });
}

/** How many check digits hold: the measure for choosing between two readings. */
export function readingScore(reading: MrzReading): number {
  const checks = Object.values(reading.fields).filter((f) => f.valid !== undefined);
  return checks.filter((f) => f.valid).length + (reading.compositeValid ? 1 : 0);
}

/** The most a reading can score: every field check and the composite. */
export function fullScore(layout: MrzLayout): number {
  return layout.fields.filter((f) => f.check).length + 1;
}

/** The cells of an upright band holding only the MRZ, read with the MRZ alphabet; correction is the caller's. */
export async function bandCells(band: PreparedImage, engine: OcrEngine, layout: MrzLayout): Promise<Cell[][] | undefined> {
  const result = await engine.recognize({ image: band.png, psm: PageSegmentation.singleBlock, whitelist: MRZ_WHITELIST });
  return cellsFromLines(band, result.lines, layout);
}

/**
 * Which way up a cut-out band is, from its fillers alone: the chevron `<` is narrow at its apex on the left and
 * open on the right, so upside down the open side is on the left. Every MRZ has fillers, and their vote decides
 * before any OCR is spent. True: upright; false: upside down; undefined: too few fillers to tell.
 */
export function fillersPointLeft(band: PreparedImage): boolean | undefined {
  const mask = inkMask(band, Math.max(band.width, band.height) / 20);
  const blobs = connectedComponents(mask, band.width, band.height);
  const heights = blobs
    .map((b) => b.y1 - b.y0 + 1)
    .filter((h) => h >= 6)
    .sort((a, b) => a - b);
  const cap = heights[Math.floor(heights.length * 0.8)] ?? 0;
  if (cap < 8) return undefined;
  let upright = 0;
  let turned = 0;
  for (const b of blobs) {
    const w = b.x1 - b.x0 + 1;
    const h = b.y1 - b.y0 + 1;
    if (h < 0.3 * cap || h > 0.8 * cap || w < 0.3 * cap || w > 1.1 * cap) continue;
    // Vertical extent of the ink in the blob's outer quarter columns, left and right.
    const extent = (x0: number, x1: number) => {
      let top = Infinity;
      let bottom = -Infinity;
      for (let x = x0; x <= x1; x++) {
        for (let y = b.y0; y <= b.y1; y++) {
          if (mask[y * band.width + x]) {
            top = Math.min(top, y);
            bottom = Math.max(bottom, y);
          }
        }
      }
      return bottom >= top ? bottom - top + 1 : 0;
    };
    const quarter = Math.max(1, Math.floor(w / 4));
    const left = extent(b.x0, b.x0 + quarter - 1);
    const right = extent(b.x1 - quarter + 1, b.x1);
    if (right > 1.6 * left) upright++;
    else if (left > 1.6 * right) turned++;
  }
  if (upright + turned < 3) return undefined;
  if (upright >= 0.7 * (upright + turned)) return true;
  if (turned >= 0.7 * (upright + turned)) return false;
  return undefined;
}

/** A quad cut out upright at the band pitch (or another), contrast stretched. */
export function cutOut(image: PreparedImage, located: LocatedMrz, quad: Quad, pitch = BAND_PITCH, options = { stretch: true }): Promise<PreparedImage> {
  const { width, height } = cutSize(quad, pitch / located.pitch);
  return image.warp(quad, width, height, options);
}

/**
 * The located band cut out the right way up: the fillers tell a page lying upside down (or turned 90° one way
 * rather than the other), and the located zone is turned to match. `sure` is false when they could not tell.
 */
export async function cutBand(image: PreparedImage, located: LocatedMrz): Promise<{ band: PreparedImage; located: LocatedMrz; sure: boolean }> {
  const band = await cutOut(image, located, located.band);
  const upright = fillersPointLeft(band);
  if (upright !== false) return { band, located, sure: upright === true };
  const turned = { ...located, band: turnedHalf(located.band) };
  return { band: await cutOut(image, turned, turned.band), located: turned, sure: true };
}

/**
 * A located MRZ read the right way up, for any document: the fillers' verdict decides, or else, when the first
 * read holds fewer than two checks, the half-turned cut is read too; then, while a check still fails, one larger
 * look (blurred print reads better larger). `read` reads a cut band (and whatever the document reads with it),
 * `reread` the larger cut given the best reading so far; `score` counts the checks a reading holds (−1 for none).
 */
export async function readRightWayUp<T>(
  image: PreparedImage,
  found: LocatedMrz,
  layout: MrzLayout,
  score: (reading: T | undefined) => number,
  read: (band: PreparedImage, located: LocatedMrz) => Promise<T | undefined>,
  reread: (band: PreparedImage, best: T | undefined) => Promise<T | undefined>,
): Promise<T | undefined> {
  const { band, located, sure } = await cutBand(image, found);
  let best = await read(band, located);
  if (!sure && score(best) < 2) {
    const turned = { ...located, band: turnedHalf(located.band) };
    const second = await read(await cutOut(image, turned, turned.band), turned);
    if (score(second) > score(best)) return second;
  }
  if (score(best) < fullScore(layout)) {
    const larger = await reread(await cutOut(image, located, located.band, LARGE_BAND_PITCH), best);
    if (score(larger) > score(best)) best = larger;
  }
  return best;
}
