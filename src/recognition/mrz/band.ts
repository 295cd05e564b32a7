/**
 * Reading an MRZ band into cells, for every layout: OCR symbols placed on the fixed-pitch grid (framed by the ink,
 * so stray symbols OCR adds at a line's end do not stretch it), fillers told from K, L and C by their shape, then
 * the check-digit correction. The band comes from the locator, cut out upright, or from a page read.
 */
import type { PreparedImage } from '../../image/prepare.js';
import { PageSegmentation, type BoundingBox, type OcrEngine, type OcrLine, type OcrSymbol } from '../../ocr/engine.js';
import { CAP_HEIGHT_GLYPH, fitLine, median } from '../geometry.js';
import type { MrzReading } from './correct.js';
import { sharedFrame, symbolsToCells, textToCells, type Cell } from './grid.js';
import type { MrzLayout } from './layouts.js';

/** MRZ glyphs are cut out at this pitch (pixels): capitals near 25 px high, where tesseract reads best. */
export const BAND_PITCH = 26;

export const MRZ_WHITELIST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

const mean = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
const union = (boxes: readonly BoundingBox[]): BoundingBox => ({
  x0: Math.min(...boxes.map((b) => b.x0)),
  y0: Math.min(...boxes.map((b) => b.y0)),
  x1: Math.max(...boxes.map((b) => b.x1)),
  y1: Math.max(...boxes.map((b) => b.y1)),
});

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
  return new Set(
    layout.fields
      .filter((f) => f.charClass !== 'digit')
      .flatMap((f) => Array.from({ length: f.length }, (_, i) => `${f.line}:${f.start + i}`)),
  );
}

/** What the pixels of an MRZ cell show. */
export type GlyphShape = 'filler' | 'glyph' | 'unknown';

/**
 * Tesseract reads OCR-B's filler `<` as K, L, C or two symbols often enough to garble names. The glyph tells:
 * at its left edge the chevron's apex is a short stroke around mid-height, where K, L, C, E and the rest have
 * a stem or bowl spanning most of the cap height, and it stops short of the baseline. This measures that on the
 * page's pixels, per cell.
 */
export function fillerByShape(image: PreparedImage, symbols: readonly OcrSymbol[], frame: { left: number; right: number }, length: number): GlyphShape[] {
  const tall = symbols.filter((s) => CAP_HEIGHT_GLYPH.test(s.text));
  if (tall.length < 3) return Array<GlyphShape>(length).fill('unknown');
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
  if (paper - ink < 60) return Array<GlyphShape>(length).fill('unknown');
  const threshold = (paper + ink) / 2;

  return Array.from({ length }, (_, i) => {
    const cx = frame.left + glyphWidth / 2 + i * advance;
    const top = capTop(cx);
    const capHeight = baseline(cx) - top;
    if (!(capHeight > 4)) return 'unknown';
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
    if (inkRight - inkLeft < 2) return 'unknown';
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
    return clearOfBaseline && span >= 0.15 && span <= 0.55 && middle >= 0.3 && middle <= 0.7 ? 'filler' : 'glyph';
  });
}

export interface Grid {
  /** Centre of cell 0 on each line, and the distance between cell centres. */
  origins: number[];
  pitch: number;
  glyphWidth: number;
}

/**
 * Where the cells of each MRZ line lie. OCR-B has a fixed pitch, so cell k is centred at origin + k × pitch. The
 * ink's outer edges give a first guess (off by a narrow first or last glyph); a least-squares fit of confident
 * symbols' centres to their nearest cells then corrects the pitch before errors accumulate along the line, and
 * each line gets its own origin, which a slightly turned card shifts from line to line.
 */
export function fitGrid(lines: readonly (readonly OcrSymbol[])[], frame: { left: number; right: number }, length: number): Grid | undefined {
  const usable = lines.map((line) => line.filter((s) => s.text.trim() !== '' && s.bbox.x1 > s.bbox.x0));
  const glyphWidth = median(usable.flat().filter((s) => CAP_HEIGHT_GLYPH.test(s.text)).map((s) => s.bbox.x1 - s.bbox.x0));
  let pitch = (frame.right - frame.left - glyphWidth) / (length - 1);
  let origins = usable.map(() => frame.left + glyphWidth / 2);
  if (!(pitch > 0)) return undefined;
  const centre = (s: OcrSymbol) => (s.bbox.x0 + s.bbox.x1) / 2;
  for (let round = 0; round < 3; round++) {
    const points = usable.flatMap((line, i) =>
      line
        .filter((s) => s.confidence >= 0.6 && s.bbox.x1 - s.bbox.x0 < 1.4 * glyphWidth)
        .map((s) => {
          const k = Math.round((centre(s) - (origins[i] ?? 0)) / pitch);
          return { line: i, k, x: centre(s), residual: centre(s) - ((origins[i] ?? 0) + k * pitch) };
        })
        .filter((p) => p.k >= 0 && p.k < length && Math.abs(p.residual) < 0.35 * pitch),
    );
    if (points.length < length) break;
    // Pitch from each line's points about that line's own means; then each line's origin.
    let skk = 0;
    let skx = 0;
    for (let i = 0; i < usable.length; i++) {
      const own = points.filter((p) => p.line === i);
      const mk = mean(own.map((p) => p.k));
      const mx = mean(own.map((p) => p.x));
      for (const p of own) {
        skk += (p.k - mk) ** 2;
        skx += (p.k - mk) * (p.x - mx);
      }
    }
    if (skk === 0) break;
    pitch = skx / skk;
    origins = origins.map((origin, i) => {
      const own = points.filter((p) => p.line === i);
      return own.length ? mean(own.map((p) => p.x - p.k * pitch)) : origin;
    });
  }
  return pitch > 0 ? { origins, pitch, glyphWidth } : undefined;
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
  const inked =
    frames.every((f) => f !== undefined) && ocrFrame
      ? { left: Math.min(...frames.map((f) => f.left)), right: Math.max(...frames.map((f) => f.right)) }
      : ocrFrame;
  const grid = inked && fitGrid(symbols, inked, length);
  const fillers = fillerPositions(layout);
  return mrzLines.map((line, i) => {
    if (!grid) return symbolsToCells(symbols[i] ?? [], length) ?? textToCells(line.text, length, line.confidence);
    // The line's frame as the shared grid code expects it: first glyph's left edge to last glyph's right edge.
    const left = (grid.origins[i] ?? 0) - grid.glyphWidth / 2;
    const frame = { left, right: left + grid.glyphWidth + grid.pitch * (length - 1) };
    const lineSymbols = (symbols[i] ?? []).map((s) => firstGlyph(s, grid.glyphWidth));
    const placed = symbolsToCells(lineSymbols, length, frame) ?? textToCells(line.text, length, line.confidence);
    const shapes = fillerByShape(image, lineSymbols, frame, length);
    return placed.map((cell, k) => {
      if (!fillers.has(`${i}:${k}`)) return cell;
      // The shape overrides OCR's guess and its glyph-height test, which blur and tilt mislead.
      if (shapes[k] === 'filler') return { char: '<', confidence: Math.max(cell.confidence, 0.9), short: true, empty: false };
      if (shapes[k] === 'glyph' && cell.char !== '<') return { ...cell, short: false };
      return cell;
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
