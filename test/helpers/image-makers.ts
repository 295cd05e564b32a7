/**
 * Hostile and malformed image files for test/image/hostile-images.test.ts, built byte by byte from a seed: truncated
 * JPEGs and PNGs, lying headers, pixel bombs, many-page TIFFs, absurd BMPs, polyglots. Nothing is committed; the
 * same seed makes the same files.
 */
import { crc32, deflateSync } from 'node:zlib';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
export const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

export function randomBytes(random: Random, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(random() * 256);
  return out;
}

// ---- PNG ----

export const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngChunk(type: string, data: Buffer, crc?: number): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc ?? crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, tail]);
}

export function ihdr(width: number, height: number, bitDepth = 8, colourType = 0): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width >>> 0, 0);
  data.writeUInt32BE(height >>> 0, 4);
  data[8] = bitDepth;
  data[9] = colourType;
  return pngChunk('IHDR', data);
}

/** A greyscale PNG whose rows come from `pixel(x, y)`; rows are compressed, so a blank page is tiny. */
export function png(width: number, height: number, pixel: (x: number, y: number) => number): Buffer {
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width + 1);
    for (let x = 0; x < width; x++) raw[row + 1 + x] = pixel(x, y);
  }
  return Buffer.concat([PNG_MAGIC, ihdr(width, height), pngChunk('IDAT', deflateSync(raw, { level: 9 })), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A PNG that declares `width`×`height` but carries only a few bytes of pixel data. */
export function pngDeclaring(width: number, height: number, bitDepth = 8, colourType = 0): Buffer {
  return Buffer.concat([PNG_MAGIC, ihdr(width, height, bitDepth, colourType), pngChunk('IDAT', deflateSync(Buffer.alloc(64))), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A PNG of `side`×`side` white pixels: a few KB that decode to `side`² bytes (a decompression bomb within limits). */
export function whitePngBomb(side: number): Buffer {
  const row = Buffer.alloc(side + 1, 0xff);
  row[0] = 0;
  const raw = Buffer.alloc((side + 1) * side);
  for (let y = 0; y < side; y++) row.copy(raw, y * (side + 1));
  return Buffer.concat([PNG_MAGIC, ihdr(side, side), pngChunk('IDAT', deflateSync(raw, { level: 9 })), pngChunk('IEND', Buffer.alloc(0))]);
}

// ---- JPEG ----

/** Offset of the first SOFn marker (FFC0–FFC2) of a JPEG, found by walking its segments. */
export function sofOffset(jpeg: Buffer): number {
  let i = 2;
  while (i + 4 < jpeg.length) {
    if (jpeg[i] !== 0xff) return -1;
    const marker = jpeg[i + 1] ?? 0;
    if (marker >= 0xc0 && marker <= 0xc2) return i;
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
  return -1;
}

/** The same JPEG with its frame header claiming `width`×`height`. */
export function jpegClaiming(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  const at = sofOffset(out);
  out.writeUInt16BE(height & 0xffff, at + 5);
  out.writeUInt16BE(width & 0xffff, at + 7);
  return out;
}

/** A JPEG with a second, small frame header inserted before the real one. */
export function jpegWithDecoyFrame(jpeg: Buffer, width: number, height: number): Buffer {
  const at = sofOffset(jpeg);
  const decoy = Buffer.from(jpeg.subarray(at, at + 2 + jpeg.readUInt16BE(at + 2)));
  decoy.writeUInt16BE(height, 5);
  decoy.writeUInt16BE(width, 7);
  return Buffer.concat([jpeg.subarray(0, at), decoy, jpeg.subarray(at)]);
}

/**
 * A JPEG that is also a valid JavaScript program: its APP0 segment's length bytes are `/*`, so in latin-1 the file
 * reads `ÿØÿà/* … *\/=alert(1);/* …`: an identifier, a comment, an assignment, and the rest commented out.
 */
export function jpegJavaScriptPolyglot(jpeg: Buffer): Buffer {
  const length = 0x2f2a; // "/*"
  const script = Buffer.from('*/=alert("polyglot");/*', 'latin1');
  const app0 = Buffer.alloc(2 + length);
  app0[0] = 0xff;
  app0[1] = 0xe0;
  app0.writeUInt16BE(length, 2);
  app0.write('JFIF\0', 4, 'latin1');
  app0.fill(0x20, 9);
  script.copy(app0, app0.length - script.length - 4);
  // Drop the original APP0 (if any), keep everything after it; end with a comment closer after EOI.
  let rest = jpeg.subarray(2);
  if (rest[0] === 0xff && rest[1] === 0xe0) rest = rest.subarray(2 + rest.readUInt16BE(2));
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, scrubCommentClosers(rest), Buffer.from('*/', 'latin1')]);
}

/** `*\/` inside entropy-coded data would end the JS comment early; 0x2A→0x2B keeps the JPEG decodable enough. */
function scrubCommentClosers(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 0; i + 1 < out.length; i++) if (out[i] === 0x2a && out[i + 1] === 0x2f) out[i] = 0x2b;
  return out;
}

// ---- TIFF ----

interface TiffEntry {
  tag: number;
  type: 3 | 4;
  value: number;
  count?: number;
}

/**
 * A little-endian, uncompressed 8-bit grey TIFF: `pages` IFDs that all point at one strip of `width`×`height`
 * pixels. `loop` makes the last IFD point back at the first; `entries` replaces the first IFD's tags.
 */
export function tiff(options: { width: number; height: number; pages?: number; loop?: boolean; pixels?: Buffer; firstEntries?: (strip: number) => TiffEntry[] }): Buffer {
  const { width, height, pages = 1, loop = false } = options;
  const pixels = options.pixels ?? Buffer.alloc(width * height, 0x80);
  const stripAt = 8;
  const firstIfd = stripAt + pixels.length + (pixels.length % 2);
  const standard = (strip: number): TiffEntry[] => [
    { tag: 256, type: 4, value: width },
    { tag: 257, type: 4, value: height },
    { tag: 258, type: 3, value: 8 },
    { tag: 259, type: 3, value: 1 },
    { tag: 262, type: 3, value: 1 },
    { tag: 273, type: 4, value: strip },
    { tag: 277, type: 3, value: 1 },
    { tag: 278, type: 4, value: height },
    { tag: 279, type: 4, value: pixels.length },
  ];
  const ifds: Buffer[] = [];
  let offset = firstIfd;
  for (let page = 0; page < pages; page++) {
    const entries = page === 0 && options.firstEntries ? options.firstEntries(stripAt) : standard(stripAt);
    const size = 2 + entries.length * 12 + 4;
    const ifd = Buffer.alloc(size);
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach((entry, i) => {
      const at = 2 + i * 12;
      ifd.writeUInt16LE(entry.tag, at);
      ifd.writeUInt16LE(entry.type, at + 2);
      ifd.writeUInt32LE(entry.count ?? 1, at + 4);
      if (entry.type === 3) ifd.writeUInt16LE(entry.value & 0xffff, at + 8);
      else ifd.writeUInt32LE(entry.value >>> 0, at + 8);
    });
    const next = page + 1 < pages ? offset + size : loop ? firstIfd : 0;
    ifd.writeUInt32LE(next, size - 4);
    ifds.push(ifd);
    offset += size;
  }
  const header = Buffer.alloc(8);
  header.write('II', 0, 'latin1');
  header.writeUInt16LE(42, 2);
  header.writeUInt32LE(firstIfd, 4);
  return Buffer.concat([header, pixels, Buffer.alloc(pixels.length % 2), ...ifds]);
}

// ---- BMP ----

export interface BmpHeader {
  width: number;
  height: number;
  bitsPerPixel?: number;
  compression?: number;
  dataOffset?: number;
  dibSize?: number;
  coloursUsed?: number;
  /** Bytes after the headers. */
  body?: Buffer;
}

export function bmp(header: BmpHeader): Buffer {
  const { width, height, bitsPerPixel = 24, compression = 0, dibSize = 40, coloursUsed = 0 } = header;
  const rowBytes = Math.ceil((Math.abs(width) * bitsPerPixel) / 32) * 4;
  const body = header.body ?? Buffer.alloc(Math.min(rowBytes * Math.abs(height), 2_000_000), 0x7f);
  const head = Buffer.alloc(54);
  head.write('BM', 0, 'latin1');
  head.writeUInt32LE(54 + body.length, 2);
  head.writeUInt32LE(header.dataOffset ?? 54, 10);
  head.writeUInt32LE(dibSize >>> 0, 14);
  head.writeInt32LE(width | 0, 18);
  head.writeInt32LE(height | 0, 22);
  head.writeUInt16LE(1, 26);
  head.writeUInt16LE(bitsPerPixel & 0xffff, 28);
  head.writeUInt32LE(compression >>> 0, 30);
  head.writeUInt32LE(body.length, 34);
  head.writeUInt32LE(coloursUsed >>> 0, 46);
  return Buffer.concat([head, body]);
}

// ---- other files for polyglots ----

/** A stored (uncompressed) ZIP with one file: local header, data, central directory, end record. */
export function zip(name: string, content: Buffer): Buffer {
  const file = Buffer.from(name, 'latin1');
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(content.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(content.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(file.length, 28);
  const localSize = 30 + file.length + content.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + file.length, 12);
  end.writeUInt32LE(localSize, 16);
  return Buffer.concat([local, file, content, central, file, end]);
}
