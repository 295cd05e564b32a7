/** Small geometry shared by the recognisers, over OCR boxes and pixel levels. */

/** The middle value (the upper one of an even count); 0 for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Least-squares line y = intercept + slope · x through points; flat through the mean when x does not vary. */
export function lineFit(points: readonly { x: number; y: number }[]): { slope: number; intercept: number } {
  const n = points.length;
  const meanX = points.reduce((s, p) => s + p.x, 0) / n;
  const meanY = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - meanX) ** 2;
    sxy += (p.x - meanX) * (p.y - meanY);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { slope, intercept: meanY - slope * meanX };
}

/** The same line as a function of x. */
export function fitLine(points: readonly { x: number; y: number }[]): (x: number) => number {
  const { slope, intercept } = lineFit(points);
  return (x) => intercept + slope * x;
}

/** The arithmetic mean; 0 for none. */
export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

/** The smallest box holding every box. */
export function union(boxes: readonly { x0: number; y0: number; x1: number; y1: number }[]): { x0: number; y0: number; x1: number; y1: number } {
  return {
    x0: Math.min(...boxes.map((b) => b.x0)),
    y0: Math.min(...boxes.map((b) => b.y0)),
    x1: Math.max(...boxes.map((b) => b.x1)),
    y1: Math.max(...boxes.map((b) => b.y1)),
  };
}

/** MRZ characters that are never the filler and have full cap height: they define a line's cap top and baseline. */
export const CAP_HEIGHT_GLYPH = /^[0-9A-JMNOPQRTUVWY]$/;
