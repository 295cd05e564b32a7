/** Small geometry shared by the recognisers, over OCR boxes and pixel levels. */

/** The middle value (the upper one of an even count); 0 for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Least-squares line through points, as a function of x; flat through the mean when x does not vary. */
export function fitLine(points: readonly { x: number; y: number }[]): (x: number) => number {
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
  return (x) => meanY + slope * (x - meanX);
}

/** MRZ characters that are never the filler and have full cap height: they define a line's cap top and baseline. */
export const CAP_HEIGHT_GLYPH = /^[0-9A-JMNOPQRTUVWY]$/;
