/**
 * Pages that arrive turned by a quarter or half turn (an upright card photographed sideways, a scan fed upside
 * down) without EXIF to say so. A recogniser that finds nothing of its document reads the page again turned;
 * `turnedPage` makes the turned page, prepared exactly as an upload would be.
 */
import sharp from 'sharp';
import { PreparedImage } from '../../image/prepare.js';

export type QuarterTurns = 1 | 2 | 3;

/** The page turned clockwise by `turns` quarter turns, as a new prepared image (from the lossless working copy). */
export async function turnedPage(image: PreparedImage, turns: QuarterTurns): Promise<PreparedImage> {
  const bytes = await sharp(image.png).rotate(90 * turns).png({ compressionLevel: 1 }).toBuffer();
  const odd = turns % 2 === 1;
  return PreparedImage.from({ bytes, format: 'png', width: odd ? image.height : image.width, height: odd ? image.width : image.height });
}

/**
 * The order in which to try turns: a page taller than wide is more likely a landscape document turned sideways
 * (a quarter turn either way first); a wide page more likely upside down.
 */
export function turnsToTry(image: { width: number; height: number }): QuarterTurns[] {
  return image.height > image.width ? [1, 3, 2] : [2, 1, 3];
}
