/**
 * Turning a request's `image` into checked bytes: strict base64, a format sniffed from magic bytes,
 * and the size limits read from the header before anything is decoded.
 */
import { imageSize, disableTypes } from 'image-size';
import { ApiError } from '../errors/catalogue.js';

/** The formats the vendor accepts, named as image-size reports them. */
export type ImageFormat = 'jpg' | 'png' | 'bmp' | 'tiff';
const ACCEPTED_FORMATS: readonly ImageFormat[] = ['jpg', 'png', 'bmp', 'tiff'];

// Formats image-size would otherwise also recognise; the vendor refuses them, and not parsing them is cheaper.
disableTypes(['cur', 'dds', 'gif', 'heif', 'icns', 'ico', 'j2c', 'jp2', 'jxl', 'jxl-stream', 'ktx', 'pnm', 'psd', 'svg', 'tga', 'webp']);

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MIN_IMAGE_SIDE = 15;
/**
 * Pages a TIFF may have. Only the first is read, but libvips walks every page's directory to count them: a 10 MB
 * file of ~90,000 tiny pages costs seconds of CPU and tens of MB before one pixel is decoded.
 */
export const MAX_TIFF_PAGES = 100;

export interface ImageLimits {
  maxSide: number;
  formats: readonly ImageFormat[];
}

export interface CheckedImage {
  bytes: Buffer;
  format: ImageFormat;
  width: number;
  height: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes the `image` field. Line breaks (MIME-wrapped base64) are tolerated, nothing else is. */
export function decodeBase64Image(encoded: string): Buffer {
  if (/^data:/i.test(encoded.trimStart())) throw ApiError.of('AIS.0102');
  const compact = encoded.replace(/[\r\n]/g, '');
  if (compact.length === 0) throw ApiError.of('AIS.0101');
  // Reject before decoding: base64 is 4 characters per 3 bytes.
  if (Math.floor((compact.length * 3) / 4) > MAX_IMAGE_BYTES + 2) throw ApiError.of('AIS.0103');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw ApiError.of('AIS.0102');
  return Buffer.from(compact, 'base64');
}

/** Magic bytes, so the format is judged by content, never by what a header or extension claims. */
function sniffFormat(bytes: Buffer): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) return 'bmp';
  const head = bytes.subarray(0, 4).toString('latin1');
  if (head === 'II*\0' || head === 'MM\0*') return 'tiff';
  return undefined;
}

/** Checks format, byte size and side lengths; throws AIS.0102, AIS.0103 or AIS.0104. */
export function checkImage(bytes: Buffer, limits: ImageLimits): CheckedImage {
  if (bytes.length === 0) throw ApiError.of('AIS.0101');
  if (bytes.length > MAX_IMAGE_BYTES) throw ApiError.of('AIS.0103');
  const format = sniffFormat(bytes);
  if (!format || !limits.formats.includes(format)) throw ApiError.of('AIS.0102');
  let size: { width?: number; height?: number };
  try {
    size = imageSize(ownMemory(bytes));
  } catch {
    throw ApiError.of('AIS.0104');
  }
  const { width, height } = size;
  if (!width || !height) throw ApiError.of('AIS.0104');
  if (Math.min(width, height) < MIN_IMAGE_SIDE || Math.max(width, height) > limits.maxSide) {
    throw ApiError.of('AIS.0103');
  }
  if (format === 'tiff' && tiffPagesExceed(bytes, MAX_TIFF_PAGES)) throw ApiError.of('AIS.0104');
  return { bytes, format, width, height };
}

/**
 * image-size reads through DataViews over the input's whole ArrayBuffer, not just its view. A small Buffer is a
 * slice of Node's shared pool, so a short or cut header would be completed with whatever bytes follow it there
 * (another request's, say), and the same file could get AIS.0103 once and AIS.0104 the next time. A copy of its
 * own makes a read past the end throw, as it should.
 */
function ownMemory(bytes: Buffer): Uint8Array {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length ? bytes : new Uint8Array(bytes);
}

/** Follows a classic TIFF's chain of page directories, stopping at a loop or a pointer past the end as libtiff does. */
function tiffPagesExceed(bytes: Buffer, max: number): boolean {
  const le = bytes[0] === 0x49;
  const u16 = (at: number) => (le ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (le ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const seen = new Set<number>();
  let pages = 0;
  for (let offset = bytes.length >= 8 ? u32(4) : 0; offset !== 0 && !seen.has(offset) && offset + 2 <= bytes.length; ) {
    seen.add(offset);
    if (++pages > max) return true;
    const next = offset + 2 + u16(offset) * 12;
    if (next + 4 > bytes.length) break;
    offset = u32(next);
  }
  return false;
}

export const ALL_FORMATS = ACCEPTED_FORMATS;
