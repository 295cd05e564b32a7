/**
 * Finding rows of text from pixels alone, by a horizontal projection of dark pixels. Cheap (one pass over the
 * bitmap), so a recogniser can locate a machine-readable zone before, or while, OCR reads the rest.
 */

export interface TextRow {
  /** Pixel rows, top inclusive, bottom exclusive. */
  top: number;
  bottom: number;
  /** Leftmost and rightmost columns with ink in the row. */
  left: number;
  right: number;
}

/** A pixel this much darker than the page's typical level counts as ink. */
const INK_CONTRAST = 60;
/** A pixel row with fewer ink pixels than this share of the width is background. */
const MIN_ROW_INK = 0.004;

function typicalLevel(pixels: Uint8Array): number {
  const histogram = new Uint32Array(256);
  for (let i = 0; i < pixels.length; i += 5) histogram[pixels[i] ?? 0]!++;
  // The brightest common level is the paper: the 75th percentile is robust to dark photos and print.
  const target = (pixels.length / 5) * 0.75;
  let seen = 0;
  for (let level = 0; level < 256; level++) {
    seen += histogram[level] ?? 0;
    if (seen >= target) return level;
  }
  return 255;
}

export function findTextRows(pixels: Uint8Array, width: number, height: number): TextRow[] {
  const threshold = typicalLevel(pixels) - INK_CONTRAST;
  const inkPerRow = new Uint32Array(height);
  for (let y = 0; y < height; y++) {
    let count = 0;
    const offset = y * width;
    for (let x = 0; x < width; x++) if ((pixels[offset + x] ?? 255) < threshold) count++;
    inkPerRow[y] = count;
  }
  const minInk = Math.max(2, width * MIN_ROW_INK);
  const rows: TextRow[] = [];
  let start = -1;
  for (let y = 0; y <= height; y++) {
    const inked = y < height && (inkPerRow[y] ?? 0) >= minInk;
    if (inked && start < 0) start = y;
    if (!inked && start >= 0) {
      if (y - start >= 4) rows.push(extent(pixels, width, start, y, threshold));
      start = -1;
    }
  }
  return rows;
}

function extent(pixels: Uint8Array, width: number, top: number, bottom: number, threshold: number): TextRow {
  let left = width;
  let right = -1;
  for (let y = top; y < bottom; y++) {
    const offset = y * width;
    for (let x = 0; x < left; x++) if ((pixels[offset + x] ?? 255) < threshold) { left = x; break; }
    for (let x = width - 1; x > right; x--) if ((pixels[offset + x] ?? 255) < threshold) { right = x; break; }
  }
  return { top, bottom, left, right: right + 1 };
}
