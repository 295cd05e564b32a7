/**
 * The fallback for pages whose pixels show no MRZ shape (a tight crop, heavy clutter): the MRZ is looked for in a
 * page's OCR lines, and its band read again with the MRZ alphabet. The usual way in is the locator (locate.ts).
 */
import type { PreparedImage, Region } from '../../image/prepare.js';
import { PageSegmentation, type OcrEngine, type OcrLine } from '../../ocr/engine.js';
import { cellsFromLines, MRZ_WHITELIST } from './band.js';
import { correctMrz, type MrzHints, type MrzReading } from './correct.js';
import type { Cell } from './grid.js';
import type { MrzLayout } from './layouts.js';

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

/** OCR of a region with the MRZ whitelist, placed into cells; undefined when it holds no MRZ-like lines. */
export async function mrzCellsInBand(image: PreparedImage, engine: OcrEngine, layout: MrzLayout, band: Region): Promise<Cell[][] | undefined> {
  const result = await engine.recognize({ image: await image.region(band), psm: PageSegmentation.singleBlock, whitelist: MRZ_WHITELIST });
  const at = { left: Math.round(band.left * image.width), top: Math.round(band.top * image.height), scale: 1 };
  return cellsFromLines(image, result.lines, layout, at);
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
