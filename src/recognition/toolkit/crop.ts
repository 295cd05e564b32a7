/**
 * Crop and reread: a second, closer look at one spot of the page. The spot is cut out (padded, upscaled towards
 * the glyph height OCR reads best, inverted when its print is light, binarised when asked) and read on its own,
 * often with the alphabet the field allows; the words come back in page coordinates.
 */
import type { PreparedImage, Region, RegionOptions } from '../../image/prepare.js';
import type { BoundingBox, OcrEngine, OcrLanguage, OcrResult, PageSegmentationMode } from '../../ocr/engine.js';
import { median } from '../geometry.js';

/** Pixel box → fractional region of the page, padded, clipped to the page. */
export function regionOf(image: { width: number; height: number }, box: BoundingBox, padX = 0, padY = 0): Region {
  const x0 = Math.max(0, box.x0 - padX);
  const y0 = Math.max(0, box.y0 - padY);
  const x1 = Math.min(image.width, box.x1 + padX);
  const y1 = Math.min(image.height, box.y1 + padY);
  return { left: x0 / image.width, top: y0 / image.height, width: Math.max(1, x1 - x0) / image.width, height: Math.max(1, y1 - y0) / image.height };
}

/** The upscaling that brings print `height` px high towards `target` px: never down, at most threefold. */
export const scaleFor = (target: number, height: number): number => Math.min(3, Math.max(1, target / Math.max(1, height)));

export interface RereadOptions extends RegionOptions {
  psm: PageSegmentationMode;
  whitelist?: string;
  lang?: OcrLanguage;
  /** Margin around the box, in pixels of the page. */
  padX?: number;
  padY?: number;
}

/** Moves a box from the crop's (scaled) pixels back onto the page. */
function toPage(box: BoundingBox, left: number, top: number, scale: number): BoundingBox {
  return { x0: left + box.x0 / scale, x1: left + box.x1 / scale, y0: top + box.y0 / scale, y1: top + box.y1 / scale };
}

/** The box read again on its own; every line, word and symbol box of the result is in page coordinates. */
export async function reread(image: PreparedImage, engine: OcrEngine, box: BoundingBox, options: RereadOptions): Promise<OcrResult> {
  const { psm, whitelist, lang, padX = 0, padY = 0, ...cut } = options;
  const region = regionOf(image, box, padX, padY);
  const result = await engine.recognize({
    image: await image.region(region, cut),
    psm,
    ...(whitelist ? { whitelist } : {}),
    ...(lang ? { lang } : {}),
  });
  const left = Math.round(region.left * image.width);
  const top = Math.round(region.top * image.height);
  const scale = cut.scale ?? 1;
  const place = (b: BoundingBox) => toPage(b, left, top, scale);
  return {
    ...result,
    lines: result.lines.map((line) => ({
      ...line,
      bbox: place(line.bbox),
      words: line.words.map((word) => ({ ...word, bbox: place(word.bbox), symbols: word.symbols.map((s) => ({ ...s, bbox: place(s.bbox) })) })),
    })),
  };
}

/** Whether a box holds any print: a blank crop is not worth an OCR call (and makes tesseract log noise). */
export function hasInk(image: PreparedImage, box: BoundingBox): boolean {
  const x0 = Math.max(0, Math.floor(box.x0));
  const x1 = Math.min(image.width - 1, Math.ceil(box.x1));
  const y0 = Math.max(0, Math.floor(box.y0));
  const y1 = Math.min(image.height - 1, Math.ceil(box.y1));
  const levels: number[] = [];
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) levels.push(image.pixels[y * image.width + x] ?? 255);
  if (levels.length === 0) return false;
  const paper = median(levels);
  const ink = levels.filter((level) => level < paper - 60).length;
  return ink >= Math.max(6, levels.length * 0.005);
}
