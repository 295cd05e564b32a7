/**
 * Pages that arrive turned by a quarter or half turn (an upright card photographed sideways, a scan fed upside
 * down) without EXIF to say so. A recogniser that finds nothing of its document reads the page again turned;
 * `turnedPage` makes the turned page, prepared exactly as an upload would be.
 */
import type { PreparedImage } from '../../image/prepare.js';
import { estimateSkew } from './page-skew.js';

export type QuarterTurns = 1 | 2 | 3;

/** The page turned clockwise by `turns` quarter turns, as a new prepared image (from the lossless working copy). */
export function turnedPage(image: PreparedImage, turns: QuarterTurns): Promise<PreparedImage> {
  return image.turned(90 * turns);
}

/**
 * The order in which to try turns: a page taller than wide is more likely a landscape document turned sideways
 * (a quarter turn either way first); a wide page more likely upside down.
 */
export function turnsToTry(image: { width: number; height: number }): QuarterTurns[] {
  return image.height > image.width ? [1, 3, 2] : [2, 1, 3];
}

/** Below this, a page's slant costs OCR nothing worth a resampling. */
const SLANT_WORTH_STRAIGHTENING = 1.5;

/**
 * The page turned so that its print runs level (the skew from the ink's row profile, as the ID card reader levels
 * its page): a card photographed at a slant, a skewed scan. Print running up or down is left to `turnsToTry`.
 * `minAngle`: the slant (degrees) from which it is worth the resampling.
 */
export async function straightened(image: PreparedImage, minAngle = SLANT_WORTH_STRAIGHTENING): Promise<PreparedImage> {
  const skew = estimateSkew(image.pixels, image.width, image.height);
  if (skew.vertical || Math.abs(skew.angle) < minAngle) return image;
  return image.turned(-skew.angle);
}
