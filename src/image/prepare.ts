/**
 * The image layer: decodes once with sharp into a normalised greyscale bitmap, and cuts the regions
 * the recognisers ask for. Recognisers never touch sharp directly.
 */
import sharp from 'sharp';
import { ApiError } from '../errors/catalogue.js';
import type { CheckedImage } from './intake.js';

export interface Region {
  /** Fractions of the image's width and height, 0..1. */
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface RegionOptions {
  /** Scale factor applied after cropping (upscaling helps small print). */
  scale?: number;
  /** Light text on a dark ground becomes dark on light. */
  invert?: boolean;
  /** Stretch contrast to the full range. */
  normalise?: boolean;
}

/** Below this standard deviation of grey levels an image carries no readable content. */
const BLANK_STDEV = 4;
/** OCR works best with glyphs 20–40 px high; pages are brought near this width. */
const MIN_WORKING_WIDTH = 1000;
const MAX_WORKING_WIDTH = 2200;

export class PreparedImage {
  private constructor(
    /** Greyscale PNG of the whole page at working resolution. */
    readonly png: Buffer,
    readonly width: number,
    readonly height: number,
    /** Raw 8-bit grey pixels, row-major, for geometric analysis. */
    readonly pixels: Uint8Array,
    /** Mean grey level 0..255 (dark cards are low). */
    readonly meanLevel: number,
  ) {}

  static async from(image: CheckedImage): Promise<PreparedImage> {
    try {
      const base = sharp(image.bytes, { limitInputPixels: 8192 * 8192, failOn: 'error', pages: 1 }).rotate();
      const meta = await base.clone().metadata();
      const width = meta.autoOrient?.width ?? meta.width ?? image.width;
      const targetWidth = Math.min(MAX_WORKING_WIDTH, Math.max(MIN_WORKING_WIDTH, width));
      const { data, info } = await base
        .resize({ width: targetWidth, kernel: 'lanczos3' })
        .grayscale()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
      const { mean, stdev } = levelStats(pixels);
      if (stdev < BLANK_STDEV) throw ApiError.of('AIS.0104');
      const png = await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } })
        .png({ compressionLevel: 1 })
        .toBuffer();
      return new PreparedImage(png, info.width, info.height, pixels, mean);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw ApiError.of('AIS.0104');
    }
  }

  /** A region of the page as PNG, ready for the OCR engine. */
  async region(region: Region, options: RegionOptions = {}): Promise<Buffer> {
    const left = clamp(Math.round(region.left * this.width), 0, this.width - 1);
    const top = clamp(Math.round(region.top * this.height), 0, this.height - 1);
    const width = clamp(Math.round(region.width * this.width), 1, this.width - left);
    const height = clamp(Math.round(region.height * this.height), 1, this.height - top);
    let pipeline = sharp(this.pixels, { raw: { width: this.width, height: this.height, channels: 1 } }).extract({
      left,
      top,
      width,
      height,
    });
    if (options.scale && options.scale !== 1) {
      pipeline = pipeline.resize({ width: Math.round(width * options.scale), kernel: 'lanczos3' });
    }
    if (options.invert) pipeline = pipeline.negate();
    if (options.normalise) pipeline = pipeline.normalise();
    return pipeline.png({ compressionLevel: 1 }).toBuffer();
  }

  /** The whole page, optionally transformed like a region. */
  page(options: RegionOptions = {}): Promise<Buffer> {
    if (!options.scale && !options.invert && !options.normalise) return Promise.resolve(this.png);
    return this.region({ left: 0, top: 0, width: 1, height: 1 }, options);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function levelStats(pixels: Uint8Array): { mean: number; stdev: number } {
  let sum = 0;
  let sumSquares = 0;
  // Every 7th pixel is plenty for a blankness test and keeps big pages cheap.
  let count = 0;
  for (let i = 0; i < pixels.length; i += 7) {
    const v = pixels[i] ?? 0;
    sum += v;
    sumSquares += v * v;
    count++;
  }
  const mean = sum / count;
  return { mean, stdev: Math.sqrt(Math.max(0, sumSquares / count - mean * mean)) };
}
