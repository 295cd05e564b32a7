/**
 * Pages that arrive turned by a quarter or half turn (an upright card photographed sideways, a scan fed upside
 * down) without EXIF to say so. A recogniser that finds nothing of its document reads the page again turned;
 * `turnedPage` makes the turned page, prepared exactly as an upload would be.
 */
import sharp from 'sharp';
import { PreparedImage } from '../../image/prepare.js';
import { textAngle } from '../mrz/locate.js';

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

/** Below this, a page's slant costs OCR nothing worth a resampling. */
const SLANT_WORTH_STRAIGHTENING = 1.5;

/**
 * The page turned so that its print runs level: a card photographed at a slant, a skewed scan. Only slants up to
 * 45° are undone here; beyond that the print runs more up than across, which `turnsToTry` handles.
 */
export async function straightened(image: PreparedImage): Promise<PreparedImage> {
  const angle = textAngle(image.pixels, image.width, image.height);
  if (angle === undefined || Math.abs(angle) < SLANT_WORTH_STRAIGHTENING || Math.abs(angle) > 45) return image;
  const { data, info } = await sharp(image.png).rotate(-angle, { background: '#ffffff' }).png({ compressionLevel: 1 }).toBuffer({ resolveWithObject: true });
  return PreparedImage.from({ bytes: data, format: 'png', width: info.width, height: info.height });
}
