/**
 * The image layer: decodes once with sharp into a normalised greyscale bitmap, and cuts the regions
 * the recognisers ask for. Recognisers never touch sharp directly.
 */
import sharp from 'sharp';
import { ApiError } from '../errors/catalogue.js';
import type { CheckedImage } from './intake.js';
import { decodeBmp } from './bmp.js';
import { IntegralImage } from './integral.js';

// libvips keeps up to 50 MB of recent operations for reuse; every image here is new, so it only holds memory after
// a load has passed (issue 12: memory back near its start level).
sharp.cache(false);

export interface Region {
  /** Fractions of the image's width and height, 0..1. */
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface RegionOptions {
  /** Scale factor applied after cropping (upscaling helps small print). */
  scale?: number;
  /**
   * Light text on a dark ground becomes dark on light. `'auto'` inverts only when the region's ground (its median
   * grey) is dark, for documents such as bank cards that come in both polarities.
   */
  invert?: boolean | 'auto';
  /** Stretch contrast to the full range. */
  normalise?: boolean;
  /**
   * Black text on white by a local (Sauvola) threshold, after inversion. Tesseract's own global threshold fails
   * on gradients and thin print over a large, textured ground (bank cards); a local one follows the ground.
   */
  binarize?: boolean;
}

/** A ground (median grey) darker than this carries light print. */
const DARK_GROUND_LEVEL = 128;
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
      const raw = image.format === 'bmp' ? await decodeBmp(image.bytes, image.width, image.height) : undefined;
      const base = raw
        ? sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } })
        : sharp(image.bytes, { limitInputPixels: 8192 * 8192, failOn: 'error', pages: 1 }).rotate();
      const meta = await base.clone().metadata();
      const width = meta.autoOrient?.width ?? meta.width ?? image.width;
      const targetWidth = Math.min(MAX_WORKING_WIDTH, Math.max(MIN_WORKING_WIDTH, width));
      const { data, info } = await base.resize({ width: targetWidth, kernel: 'lanczos3' }).grayscale().raw().toBuffer({ resolveWithObject: true });
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

  /** A page from a PNG this layer made (a cut-out already sent to OCR), to cut regions from it in turn. */
  static async fromPng(png: Buffer): Promise<PreparedImage> {
    const { data, info } = await sharp(png).greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const pixels = new Uint8Array(data.buffer, data.byteOffset, info.width * info.height);
    return new PreparedImage(png, info.width, info.height, pixels, levelStats(pixels).mean);
  }

  /** A page made from grey pixels already in memory (a cut-out of another page). */
  static async fromPixels(pixels: Uint8Array, width: number, height: number): Promise<PreparedImage> {
    const png = await sharp(pixels, { raw: { width, height, channels: 1 } })
      .png({ compressionLevel: 1 })
      .toBuffer();
    return new PreparedImage(png, width, height, pixels, levelStats(pixels).mean);
  }

  /**
   * The quadrilateral `corners` (top-left, top-right, bottom-right, bottom-left, in page pixels) cut out and
   * straightened into a `width` × `height` page, by bilinear sampling. It undoes rotation at any angle, and the
   * mild keystone of a phone photo, in one pass; outside the page is white paper.
   */
  async warp(corners: readonly [Point, Point, Point, Point], width: number, height: number, options: { stretch?: boolean } = {}): Promise<PreparedImage> {
    const w = Math.max(1, Math.round(width));
    const h = Math.max(1, Math.round(height));
    const [tl, tr, br, bl] = corners;
    const out = new Uint8Array(w * h);
    const src = this.pixels;
    const sw = this.width;
    const sh = this.height;
    for (let y = 0; y < h; y++) {
      const ty = (y + 0.5) / h;
      const lx = tl.x + (bl.x - tl.x) * ty;
      const ly = tl.y + (bl.y - tl.y) * ty;
      const rx = tr.x + (br.x - tr.x) * ty;
      const ry = tr.y + (br.y - tr.y) * ty;
      for (let x = 0; x < w; x++) {
        const tx = (x + 0.5) / w;
        const px = lx + (rx - lx) * tx - 0.5;
        const py = ly + (ry - ly) * tx - 0.5;
        const x0 = Math.floor(px);
        const y0 = Math.floor(py);
        if (x0 < 0 || y0 < 0 || x0 >= sw - 1 || y0 >= sh - 1) {
          out[y * w + x] = 255;
          continue;
        }
        const fx = px - x0;
        const fy = py - y0;
        const i = y0 * sw + x0;
        const top = (src[i] ?? 255) * (1 - fx) + (src[i + 1] ?? 255) * fx;
        const bottom = (src[i + sw] ?? 255) * (1 - fx) + (src[i + sw + 1] ?? 255) * fx;
        out[y * w + x] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
    if (options.stretch) stretchLevels(out);
    return PreparedImage.fromPixels(out, w, h);
  }

  /**
   * The page turned clockwise by `degrees` about its centre (the corners filled with the page's median grey), then
   * cut to `crop` (fractions of the turned page) when given, and brought to working resolution like any page.
   */
  async turned(degrees: number, crop?: Region): Promise<PreparedImage> {
    const fill = this.medianLevel();
    let pipeline = sharp(this.pixels, { raw: { width: this.width, height: this.height, channels: 1 } }).rotate(degrees, { background: { r: fill, g: fill, b: fill } });
    if (crop) {
      const turned = await pipeline.raw().toBuffer({ resolveWithObject: true });
      const { width, height } = turned.info;
      const left = clamp(Math.round(crop.left * width), 0, width - 1);
      const top = clamp(Math.round(crop.top * height), 0, height - 1);
      pipeline = sharp(turned.data, { raw: { width, height, channels: turned.info.channels } }).extract({
        left,
        top,
        width: clamp(Math.round(crop.width * width), 1, width - left),
        height: clamp(Math.round(crop.height * height), 1, height - top),
      });
    }
    const cut = await pipeline.grayscale().raw().toBuffer({ resolveWithObject: true });
    const targetWidth = Math.min(MAX_WORKING_WIDTH, Math.max(MIN_WORKING_WIDTH, cut.info.width));
    const { data, info } = await sharp(cut.data, { raw: { width: cut.info.width, height: cut.info.height, channels: cut.info.channels } })
      .resize({ width: targetWidth, kernel: 'lanczos3' })
      .grayscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
    const png = await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } })
      .png({ compressionLevel: 1 })
      .toBuffer();
    return new PreparedImage(png, info.width, info.height, pixels, levelStats(pixels).mean);
  }

  private medianLevel(): number {
    const histogram = new Uint32Array(256);
    const step = Math.max(1, Math.floor(this.pixels.length / 50_000));
    let count = 0;
    for (let i = 0; i < this.pixels.length; i += step, count++) histogram[this.pixels[i] ?? 0] = (histogram[this.pixels[i] ?? 0] ?? 0) + 1;
    let seen = 0;
    for (let level = 0; level < 256; level++) {
      seen += histogram[level] ?? 0;
      if (seen * 2 >= count) return level;
    }
    return 255;
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
    const invert = options.invert === 'auto' ? this.isDarkGround(region) : options.invert;
    if (invert) pipeline = pipeline.negate();
    if (options.normalise) pipeline = pipeline.normalise();
    if (options.binarize) {
      const { data, info } = await pipeline.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
      const binary = sauvolaThreshold(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
      pipeline = sharp(binary, { raw: { width: info.width, height: info.height, channels: 1 } });
    }
    return pipeline.png({ compressionLevel: 1 }).toBuffer();
  }

  /**
   * True when the region's ground is dark, i.e. its print is light. The median rather than the mean, so that a
   * large light number on a dark card still counts as dark ground.
   */
  isDarkGround(region: Region = { left: 0, top: 0, width: 1, height: 1 }): boolean {
    const x0 = clamp(Math.round(region.left * this.width), 0, this.width - 1);
    const y0 = clamp(Math.round(region.top * this.height), 0, this.height - 1);
    const x1 = clamp(Math.round((region.left + region.width) * this.width), x0 + 1, this.width);
    const y1 = clamp(Math.round((region.top + region.height) * this.height), y0 + 1, this.height);
    const histogram = new Uint32Array(256);
    let count = 0;
    // A sparse grid is plenty for a median and keeps this cheap on big pages.
    const step = Math.max(1, Math.floor(Math.sqrt(((x1 - x0) * (y1 - y0)) / 20_000)));
    for (let y = y0; y < y1; y += step) {
      for (let x = x0; x < x1; x += step) {
        const level = this.pixels[y * this.width + x] ?? 0;
        histogram[level] = (histogram[level] ?? 0) + 1;
        count++;
      }
    }
    let seen = 0;
    for (let level = 0; level < 256; level++) {
      seen += histogram[level] ?? 0;
      if (seen * 2 >= count) return level < DARK_GROUND_LEVEL;
    }
    return false;
  }

  /** The whole page, optionally transformed like a region. */
  page(options: RegionOptions = {}): Promise<Buffer> {
    if (!options.scale && !options.invert && !options.normalise && !options.binarize) return Promise.resolve(this.png);
    return this.region({ left: 0, top: 0, width: 1, height: 1 }, options);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Sauvola's sensitivity: how far below the local mean, relative to local contrast, a pixel must be to count as ink. */
const SAUVOLA_K = 0.3;
/** The dynamic range of the standard deviation for 8-bit grey. */
const SAUVOLA_R = 128;

/**
 * Sauvola's local threshold, t = m · (1 + k · (s / R − 1)) over a square window, with integral images so that its
 * cost does not grow with the window (some 40 ms for a 1000 × 630 card). The window, about 1/30 of the larger
 * side, spans several strokes of print at working resolution.
 */
function sauvolaThreshold(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const half = clamp(Math.round(Math.max(width, height) / 60), 7, 40);
  const integral = new IntegralImage(pixels, width, height, { squares: true });
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const { mean, deviation } = integral.meanAndDeviation(x, y, half);
      const threshold = mean * (1 + SAUVOLA_K * (deviation / SAUVOLA_R - 1));
      out[y * width + x] = (pixels[y * width + x] ?? 0) > threshold ? 255 : 0;
    }
  }
  return out;
}

/**
 * Print black and paper white: the darkest twentieth of the pixels becomes 0 and the brightest quarter 255. A
 * cut-out of a grey phone photo then thresholds like a scan.
 */
function stretchLevels(pixels: Uint8Array): void {
  const histogram = new Uint32Array(256);
  for (const v of pixels) histogram[v] = (histogram[v] ?? 0) + 1;
  const at = (share: number) => {
    let seen = 0;
    for (let level = 0; level < 256; level++) {
      seen += histogram[level] ?? 0;
      if (seen >= share * pixels.length) return level;
    }
    return 255;
  };
  const ink = at(0.05);
  const paper = at(0.75);
  if (paper - ink < 20) return;
  const range = paper - ink;
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.max(0, Math.min(255, Math.round((((pixels[i] ?? 0) - ink) * 255) / range)));
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
