/**
 * MRZ lines are printed in a monospaced font at a fixed pitch, so a line of N characters is a grid of N cells.
 * OCR often inserts, drops or merges symbols in filler runs (`<<<<` read as `KLKLK`); placing each symbol in
 * its cell by position, instead of trusting the symbol count, restores the true length and alignment.
 * The filler `<` is also shorter than a capital letter, which tells it apart from the K, L or C it is read as.
 */
import type { BoundingBox, OcrSymbol } from '../../ocr/engine.js';
import { CAP_HEIGHT_GLYPH, fitLine, median } from '../geometry.js';
import type { GlyphMatch } from '../toolkit/glyph-shapes.js';

export interface Cell {
  /** The character OCR read in this cell; `<` for an empty cell. */
  char: string;
  /** 0..1 */
  confidence: number;
  /** The glyph's ink is clearly shorter than a capital's: the shape of the filler. */
  short: boolean;
  /** No symbol fell into this cell. */
  empty: boolean;
  /** What the cell's glyph looks likeliest to be by its shape alone (OCR-B templates). */
  looks?: CellLooks;
}

/** A glyph's likeliest letter, digit, and character of either kind, by shape. */
export interface CellLooks {
  letter: GlyphMatch;
  digit: GlyphMatch;
  any: GlyphMatch;
}

const centreX = (b: BoundingBox) => (b.x0 + b.x1) / 2;

/** Below this share of the local cap height a glyph counts as short. */
const SHORT_RATIO = 0.9;

const usable = (symbols: readonly OcrSymbol[]) => symbols.filter((s) => s.text.trim() !== '' && s.bbox.x1 > s.bbox.x0 && s.bbox.y1 > s.bbox.y0);

/** Where the MRZ's columns start and end. */
export interface GridFrame {
  left: number;
  right: number;
}

/**
 * The MRZ lines are left- and right-aligned on one grid: the frame spans the outermost glyphs of all lines, so a
 * line whose first or last glyph OCR dropped is still placed right.
 */
export function sharedFrame(lines: readonly (readonly OcrSymbol[])[]): GridFrame | undefined {
  const glyphs = lines.flatMap((line) => usable(line));
  if (glyphs.length === 0) return undefined;
  return { left: Math.min(...glyphs.map((s) => s.bbox.x0)), right: Math.max(...glyphs.map((s) => s.bbox.x1)) };
}

/**
 * Places a line's symbols in `length` cells. The grid runs from the first glyph's left edge to the last
 * glyph's right edge (of this line, or the shared frame), or follows `cellAt` where a fitted grid knows better;
 * each symbol goes to the cell nearest its centre, the best-placed one winning a cell.
 */
export function symbolsToCells(symbols: readonly OcrSymbol[], length: number, frame?: GridFrame, cellAt?: (x: number) => number): Cell[] | undefined {
  const glyphs = usable(symbols);
  const tall = glyphs.filter((s) => CAP_HEIGHT_GLYPH.test(s.text));
  if (glyphs.length < length / 2 || tall.length < 2) return undefined;

  // Cap top and baseline follow the line even when the page is slightly rotated.
  const top = fitLine(tall.map((s) => ({ x: centreX(s.bbox), y: s.bbox.y0 })));
  const base = fitLine(tall.map((s) => ({ x: centreX(s.bbox), y: s.bbox.y1 })));

  const left = frame?.left ?? Math.min(...glyphs.map((s) => s.bbox.x0));
  const right = frame?.right ?? Math.max(...glyphs.map((s) => s.bbox.x1));
  const glyphWidth = median(tall.map((s) => s.bbox.x1 - s.bbox.x0));
  const pitch = (right - left - glyphWidth) / (length - 1);
  if (!(pitch > 0)) return undefined;

  const cells: (Cell & { offset: number })[] = Array.from({ length }, () => ({
    char: '<',
    confidence: 0.5,
    short: true,
    empty: true,
    offset: Infinity,
  }));
  for (const symbol of glyphs) {
    const x = centreX(symbol.bbox);
    const position = cellAt ? cellAt(x) : (x - left - glyphWidth / 2) / pitch;
    const index = Math.round(position);
    const cell = cells[index];
    if (!cell) continue;
    const offset = Math.abs(position - index);
    if (offset >= cell.offset) continue;
    const capHeight = base(x) - top(x);
    const height = symbol.bbox.y1 - symbol.bbox.y0;
    Object.assign(cell, {
      char: symbol.text.toUpperCase(),
      confidence: symbol.confidence,
      short: capHeight > 0 && height < SHORT_RATIO * capHeight,
      empty: false,
      offset,
    });
  }
  return cells.map(({ char, confidence, short, empty }) => ({ char, confidence, short, empty }));
}

/** Cells from plain text, when no symbol geometry is available: one cell per character, padded with fillers. */
export function textToCells(text: string, length: number, confidence: number): Cell[] {
  const chars = text.replace(/\s+/g, '').toUpperCase().slice(0, length).padEnd(length, '<');
  return [...chars].map((char) => ({ char, confidence, short: char === '<', empty: false }));
}
