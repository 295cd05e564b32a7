/** Finds the MRZ on a page, reads it with a character whitelist, and corrects it by its check digits. */
import type { PreparedImage, Region } from '../../image/prepare.js';
import { findTextRows } from '../../image/text-rows.js';
import { PageSegmentation, type OcrEngine, type OcrLine } from '../../ocr/engine.js';
import { correctMrz, type MrzHints, type MrzReading } from './correct.js';
import { sharedFrame, symbolsToCells, textToCells, type Cell } from './grid.js';
import type { MrzLayout } from './layouts.js';

export const MRZ_WHITELIST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

/** A line that could be MRZ when read without a whitelist: long, few spaces, MRZ characters, fillers. */
function looksLikeMrz(line: OcrLine, layout: MrzLayout): boolean {
  const compact = line.text.replace(/\s+/g, '');
  if (compact.length < layout.lineLength * 0.6) return false;
  const mrzChars = compact.replace(/[^A-Z0-9<]/g, '').length;
  const fillerish = (compact.match(/[<«]|KK|LL|KL|LK|CK|KC/g) ?? []).length;
  return mrzChars / compact.length > 0.85 && fillerish >= 2;
}

/** The band that holds the MRZ: from the lines of a page read, or the page's bottom as a fallback. */
export function mrzBand(image: PreparedImage, layout: MrzLayout, pageLines: readonly OcrLine[] = []): Region {
  const candidates = pageLines.filter((line) => looksLikeMrz(line, layout)).slice(-layout.lines);
  const fallbackTop = layout.format === 'TD3' ? 0.62 : 0.5;
  if (candidates.length === 0) return { left: 0, top: fallbackTop, width: 1, height: 1 - fallbackTop };
  const y0 = Math.min(...candidates.map((l) => l.bbox.y0));
  const y1 = Math.max(...candidates.map((l) => l.bbox.y1));
  const lineHeight = (y1 - y0) / candidates.length;
  const top = Math.max(0, y0 - lineHeight * 1.2);
  const bottom = Math.min(image.height, y1 + lineHeight * 1.2);
  return { left: 0, top: top / image.height, width: 1, height: (bottom - top) / image.height };
}

/**
 * The MRZ band found from pixels alone: the lowest run of `layout.lines` wide text rows of equal height, evenly
 * spaced. Undefined when the page does not show that shape clearly (rotated, cluttered): then OCR finds it.
 */
export function mrzBandFromPixels(image: PreparedImage, layout: MrzLayout): Region | undefined {
  const rows = findTextRows(image.pixels, image.width, image.height).filter(
    (r) => r.right - r.left >= image.width * 0.55 && r.bottom - r.top < image.height * 0.12,
  );
  for (let first = rows.length - layout.lines; first >= 0; first--) {
    const group = rows.slice(first, first + layout.lines);
    const heights = group.map((r) => r.bottom - r.top);
    const height = Math.max(...heights);
    const evenHeights = Math.min(...heights) >= height * 0.6;
    const closeTogether = group.every((r, i) => i === 0 || r.top - (group[i - 1]?.bottom ?? 0) < height * 2);
    if (!evenHeights || !closeTogether) continue;
    const top = Math.max(0, (group[0]?.top ?? 0) - height * 0.8);
    const bottom = Math.min(image.height, (group.at(-1)?.bottom ?? image.height) + height * 0.8);
    return { left: 0, top: top / image.height, width: 1, height: (bottom - top) / image.height };
  }
  return undefined;
}

/** OCR of a band with the MRZ whitelist, placed into cells; undefined when the band holds no MRZ-like lines. */
export async function mrzCellsInBand(
  image: PreparedImage,
  engine: OcrEngine,
  layout: MrzLayout,
  band: Region,
): Promise<Cell[][] | undefined> {
  const result = await engine.recognize({
    image: await image.region(band),
    psm: PageSegmentation.singleBlock,
    whitelist: MRZ_WHITELIST,
  });
  return linesToCells(result.lines, layout);
}

function linesToCells(lines: readonly OcrLine[], layout: MrzLayout): Cell[][] | undefined {
  const mrzLines = lines.filter((l) => l.text.replace(/\s+/g, '').length >= layout.lineLength * 0.6).slice(-layout.lines);
  if (mrzLines.length < layout.lines) return undefined;
  const symbols = mrzLines.map((line) => line.words.flatMap((w) => w.symbols));
  const frame = sharedFrame(symbols);
  return mrzLines.map(
    (line, i) =>
      symbolsToCells(symbols[i] ?? [], layout.lineLength, frame) ?? textToCells(line.text, layout.lineLength, line.confidence),
  );
}

/** How many check digits hold: the measure for choosing between two readings. */
export function readingScore(reading: MrzReading): number {
  const checks = Object.values(reading.fields).filter((f) => f.valid !== undefined);
  return checks.filter((f) => f.valid).length + (reading.compositeValid ? 1 : 0);
}

export async function readMrz(
  image: PreparedImage,
  engine: OcrEngine,
  layout: MrzLayout,
  pageLines: readonly OcrLine[] = [],
  hints: MrzHints = {},
): Promise<MrzReading | undefined> {
  const cells = await mrzCellsInBand(image, engine, layout, mrzBand(image, layout, pageLines));
  return cells ? correctMrz(cells, layout, hints) : undefined;
}
