/**
 * BMP, which the vendor accepts but sharp (libvips) cannot decode: bmp-js turns it into raw pixels first.
 * The pixel count is bounded before decoding, as bmp-js allocates the whole bitmap up front.
 */
import { createRequire } from 'node:module';
import { ApiError } from '../errors/catalogue.js';

const require = createRequire(import.meta.url);
const bmp = require('bmp-js') as { decode(buffer: Buffer): { width: number; height: number; data: Buffer } };

/** 25 megapixels: far beyond any 10 MB BMP of a document at 24 bits, well within memory at 4 bytes a pixel. */
export const MAX_BMP_PIXELS = 25_000_000;

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

export function decodeBmp(bytes: Buffer, width: number, height: number): RawImage {
  if (width * height > MAX_BMP_PIXELS) throw ApiError.of('AIS.0104');
  let decoded: { width: number; height: number; data: Buffer };
  try {
    decoded = bmp.decode(bytes);
  } catch {
    throw ApiError.of('AIS.0104');
  }
  const pixels = decoded.width * decoded.height;
  if (!(pixels > 0) || decoded.data.length < pixels * 4) throw ApiError.of('AIS.0104');
  // bmp-js gives ABGR; sharp wants RGB.
  const rgb = Buffer.alloc(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    rgb[i * 3] = decoded.data[i * 4 + 3] ?? 0;
    rgb[i * 3 + 1] = decoded.data[i * 4 + 2] ?? 0;
    rgb[i * 3 + 2] = decoded.data[i * 4 + 1] ?? 0;
  }
  return { data: rgb, width: decoded.width, height: decoded.height, channels: 3 };
}
