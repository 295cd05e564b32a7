/**
 * How far a page's text is turned, from its pixels alone: print is dark strokes on a lighter ground, arranged in
 * rows. Projected along the true row direction, ink piles into sharp peaks (the rows) and gaps; along any other
 * direction the profile flattens. The angle whose profile is sharpest (largest sum of squared bin counts) is the
 * skew; the same test on columns tells a page turned a quarter (text running up or down).
 *
 * Cheap: it works on a copy of about 320 px wide, and costs a few milliseconds, so a recogniser can ask on every
 * page and turn the page only when it is off by more than a degree. A document photographed on a table at an
 * angle (up to about 15°, perspective included) becomes level enough for OCR's line finding.
 */

import { IntegralImage } from '../../image/integral.js';

export interface PageSkew {
  /** Clockwise turn of the text in degrees: turn the page by minus this to level it. */
  angle: number;
  /** The rows are sharper read down the page than across it: the text runs vertically (a page turned 90°/270°). */
  vertical: boolean;
  /** Sharpness of the best profile against a flat one (1 = no structure). */
  contrast: number;
}

const WORK_WIDTH = 320;
/** Ink is this much darker than the local mean. */
const INK_CONTRAST = 22;
const LOCAL_RADIUS = 6;

/** Ink pixels (darker than their neighbourhood) of a reduced copy, as coordinates. */
function inkPoints(pixels: Uint8Array, width: number, height: number): { xs: Float32Array; ys: Float32Array; w: number; h: number } {
  const step = Math.max(1, width / WORK_WIDTH);
  const w = Math.max(1, Math.floor(width / step));
  const h = Math.max(1, Math.floor(height / step));
  const small = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.floor(y * step));
    for (let x = 0; x < w; x++) small[y * w + x] = pixels[sy * width + Math.min(width - 1, Math.floor(x * step))] ?? 0;
  }
  const integral = new IntegralImage(small, w, h);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if ((small[y * w + x] ?? 0) < integral.mean(x, y, LOCAL_RADIUS) - INK_CONTRAST) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  return { xs: Float32Array.from(xs), ys: Float32Array.from(ys), w, h };
}

/** Sum of squared bin counts of the points projected across direction `degrees` (rows when `across` is false). */
function sharpness(xs: Float32Array, ys: Float32Array, degrees: number, columns: boolean, size: number): number {
  const a = (degrees * Math.PI) / 180;
  const sin = Math.sin(a);
  const cos = Math.cos(a);
  const offset = size;
  const bins = new Float64Array(size * 3);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] ?? 0;
    const y = ys[i] ?? 0;
    const p = columns ? x * cos + y * sin : y * cos - x * sin;
    const bin = Math.round(p) + offset;
    if (bin >= 0 && bin < bins.length) bins[bin] = (bins[bin] ?? 0) + 1;
  }
  let total = 0;
  for (const count of bins) total += count * count;
  return total;
}

/** The page's skew, searched over ±`maxAngle` degrees in half-degree steps (refined to a quarter). */
export function estimateSkew(pixels: Uint8Array, width: number, height: number, maxAngle = 16): PageSkew {
  const { xs, ys, w, h } = inkPoints(pixels, width, height);
  const size = Math.ceil(Math.hypot(w, h));
  if (xs.length < 50) return { angle: 0, vertical: false, contrast: 1 };
  const best = (columns: boolean) => {
    let top = { angle: 0, score: -1 };
    for (let angle = -maxAngle; angle <= maxAngle; angle += 0.5) {
      const score = sharpness(xs, ys, angle, columns, size);
      if (score > top.score) top = { angle, score };
    }
    for (const angle of [top.angle - 0.25, top.angle + 0.25]) {
      const score = sharpness(xs, ys, angle, columns, size);
      if (score > top.score) top = { angle, score };
    }
    return top;
  };
  const rows = best(false);
  const columns = best(true);
  // A flat profile's score: the points spread evenly over the extent.
  const flat = (xs.length * xs.length) / Math.max(1, h);
  const vertical = columns.score > rows.score * 1.3;
  const chosen = vertical ? columns : rows;
  return { angle: vertical ? -chosen.angle : chosen.angle, vertical, contrast: chosen.score / flat };
}
