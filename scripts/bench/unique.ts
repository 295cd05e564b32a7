/**
 * A copy of an image file with different bytes and the same pixels: a comment is added (a PNG tEXt chunk after
 * IHDR, a JPEG COM segment after SOI). A content-hash result cache has never seen the copy, so the server has
 * to recognise it: warm-up and throughput requests measure recognition, not the cache, and the same image
 * still costs the same OCR work.
 */
import { crc32 } from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC). */
const AFTER_IHDR = 33;

function pngComment(text: string): Buffer {
  const type = Buffer.from('tEXt', 'latin1');
  const data = Buffer.from(`Comment\0${text}`, 'latin1');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([type, data])) >>> 0);
  return Buffer.concat([length, type, data, crc]);
}

function jpegComment(text: string): Buffer {
  const data = Buffer.from(text, 'latin1');
  const header = Buffer.from([0xff, 0xfe, 0, 0]);
  header.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([header, data]);
}

/** `bytes` with `nonce` written into a comment; other formats come back unchanged (and would hit a cache). */
export function uniqueCopy(bytes: Buffer, nonce: string): Buffer {
  if (bytes.length > AFTER_IHDR && bytes.subarray(0, 8).equals(PNG_SIGNATURE) && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return Buffer.concat([bytes.subarray(0, AFTER_IHDR), pngComment(nonce), bytes.subarray(AFTER_IHDR)]);
  }
  if (bytes.length > 2 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    return Buffer.concat([bytes.subarray(0, 2), jpegComment(nonce), bytes.subarray(2)]);
  }
  return bytes;
}
