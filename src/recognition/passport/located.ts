/** The passport found by its MRZ: the band and the printed zone above it, cut out upright and read at once. */
import type { PreparedImage } from '../../image/prepare.js';
import { withoutSurround } from '../../image/surround.js';
import { PageSegmentation, type OcrEngine, type OcrResult } from '../../ocr/engine.js';
import { BAND_PITCH, bandCells, cutOut, readingScore, readRightWayUp } from '../mrz/band.js';
import { correctMrz } from '../mrz/correct.js';
import type { Cell } from '../mrz/grid.js';
import { TD3 } from '../mrz/layouts.js';
import { quadAbove, squared, type LocatedMrz } from '../mrz/locate.js';

/** The printed zone above a TD3 MRZ is about this share of the MRZ's width high (ICAO 9303 data page). */
const ZONE_ABOVE_MRZ = 0.68;
/** Printed text may run past the MRZ's ends: the zone is this share of the MRZ's width wider on each side. */
const ZONE_WIDEN = 0.1;
/** A page turned less than this (degrees) is read as it lies: tesseract copes, and resampling would blur. */
const SQUARE_ENOUGH = 2;

export interface Located {
  cells: Cell[][];
  page: OcrResult;
  /** The printed zone as read, for a second look. */
  zone: Buffer;
}

/**
 * The document found from its MRZ: the band and the printed zone above it, cut out upright whatever the page's
 * angle, and read at once. When the fillers could not tell which way up the page lies and the band reads no
 * check digit, the half-turned cut is read too.
 */
export async function readLocated(image: PreparedImage, engine: OcrEngine, found: LocatedMrz): Promise<Located | undefined> {
  return readRightWayUp<Located>(
    image,
    found,
    TD3,
    (read) => (read ? readingScore(correctMrz(read.cells, TD3)) : -1),
    async (band, located) => {
      const zone = await printedZone(image, located);
      const [cells, page] = await Promise.all([bandCells(band, engine, TD3), engine.recognize({ image: zone, psm: PageSegmentation.auto })]);
      return cells ? { cells, page, zone } : undefined;
    },
    // The larger look rereads the band only: the printed zone read stands.
    async (band, best) => {
      const cells = best && (await bandCells(band, engine, TD3));
      return best && cells ? { ...best, cells } : undefined;
    },
  );
}

/**
 * The printed zone above the MRZ, as a PNG for OCR: enlarged (never reduced) to the band's scale, where small label
 * print reads; levels kept (light label ink would suffer from a stretch tuned to the MRZ's black). A page within
 * 2° of square is cropped and scaled by sharp (Lanczos: small print stays sharp) and left to tesseract's own
 * deskew; a page turned further is cut out upright.
 * A photo's surround (the table the page lies on) is painted in the paper's tone, so that light label print
 * survives tesseract's global threshold.
 */
async function printedZone(image: PreparedImage, located: LocatedMrz): Promise<Buffer> {
  return withoutSurround(await zoneAbove(image, located));
}

async function zoneAbove(image: PreparedImage, located: LocatedMrz): Promise<Buffer> {
  const above = quadAbove(located, ZONE_ABOVE_MRZ, ZONE_WIDEN);
  const pitch = Math.max(located.pitch, BAND_PITCH);
  if (Math.abs(located.angle) >= SQUARE_ENOUGH) return (await cutOut(image, located, above, pitch, { stretch: false })).png;
  const [tl, , br] = squared(above);
  const left = Math.max(0, tl.x);
  const top = Math.max(0, tl.y);
  const region = {
    left: left / image.width,
    top: top / image.height,
    width: (Math.min(image.width, br.x) - left) / image.width,
    height: (Math.min(image.height, br.y) - top) / image.height,
  };
  return image.region(region, { scale: pitch / located.pitch });
}
