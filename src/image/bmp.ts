/**
 * BMP, which the vendor accepts but sharp (libvips) cannot decode: bmp-js turns it into raw pixels first.
 *
 * bmp-js is synchronous and trusts its header: a `colors` field of 0xFFFFFFFF makes it read four billion palette
 * entries, and 25 megapixels take it seconds. On the main thread either stalls every other request. So:
 *   - the header is checked first (`checkBmpHeader`): a palette and pixel data that fit in the file, pixels bounded;
 *   - decoding runs in a worker thread, one image at a time (one 25-megapixel decode holds ~175 MB), and the RGB
 *     pixels come back as a transferred buffer. The thread starts on the first BMP, is replaced if it dies, and never
 *     keeps the process alive.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ApiError } from '../errors/catalogue.js';

const require = createRequire(import.meta.url);

/** 25 megapixels: far beyond any 10 MB BMP of a document at 24 bits, well within memory at 4 bytes a pixel. */
export const MAX_BMP_PIXELS = 25_000_000;

export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 3;
}

/** Bits per pixel bmp-js decodes. */
const BIT_DEPTHS = new Set([1, 4, 8, 15, 16, 24, 32]);
const FILE_HEADER = 14;

/**
 * Refuses (AIS.0104) a header bmp-js would trust into long or out-of-bounds work: an unknown bit depth, a palette
 * larger than its depth allows or past the file's end, pixel data that does not fit in the file, or more than
 * `MAX_BMP_PIXELS`. Reads 54 bytes; never decodes.
 */
export function checkBmpHeader(bytes: Buffer): void {
  if (bytes.length < FILE_HEADER + 40) throw ApiError.of('AIS.0104');
  const offset = bytes.readUInt32LE(10);
  const headerSize = bytes.readUInt32LE(14);
  const width = bytes.readUInt32LE(18);
  const height = Math.abs(bytes.readInt32LE(22));
  const bits = bytes.readUInt16LE(28);
  const colors = bytes.readUInt32LE(46);
  if (!BIT_DEPTHS.has(bits) || width === 0 || height === 0 || width * height > MAX_BMP_PIXELS) throw ApiError.of('AIS.0104');
  // bmp-js reads the palette right after a 40-byte info header, whatever headerSize says.
  const paletteEntries = bits < 15 ? (colors === 0 ? 2 ** bits : colors) : 0;
  if (paletteEntries > 2 ** Math.min(bits, 8) || FILE_HEADER + 40 + paletteEntries * 4 > bytes.length) throw ApiError.of('AIS.0104');
  const rowBytes = Math.ceil((width * bits) / 32) * 4;
  if (headerSize < 40 || offset > bytes.length || rowBytes * height > bytes.length - offset) throw ApiError.of('AIS.0104');
}

/** Runs in the worker thread: bmp-js, then ABGR → RGB, answered with the buffer transferred, not copied. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bmp = require(workerData.bmpJs);
parentPort.on('message', ({ id, bytes }) => {
  try {
    const decoded = bmp.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const pixels = decoded.width * decoded.height;
    if (!(pixels > 0) || decoded.data.length < pixels * 4) throw new Error('short pixel data');
    const src = decoded.data;
    const rgb = new Uint8Array(pixels * 3);
    for (let i = 0, j = 0, k = 0; i < pixels; i++, j += 4, k += 3) {
      rgb[k] = src[j + 3];
      rgb[k + 1] = src[j + 2];
      rgb[k + 2] = src[j + 1];
    }
    parentPort.postMessage({ id, ok: true, data: rgb, width: decoded.width, height: decoded.height }, [rgb.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: String(error && error.message) });
  }
});
`;

type Reply = { id: number; ok: true; data: Uint8Array; width: number; height: number } | { id: number; ok: false; message: string };

interface Pending {
  id: number;
  bytes: Buffer;
  resolve: (image: RawImage) => void;
  reject: (error: unknown) => void;
}

/** One decoding thread and a queue in front of it: one image decoded at a time. */
class BmpDecoder {
  private thread: Worker | undefined;
  private readonly queue: Pending[] = [];
  private current: Pending | undefined;
  private nextId = 1;

  decode(bytes: Buffer): Promise<RawImage> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, bytes, resolve, reject });
      this.pump();
    });
  }

  private start(): Worker {
    const thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { bmpJs: require.resolve('bmp-js') } });
    thread.unref();
    thread.on('message', (reply: Reply) => {
      const job = this.current;
      if (!job || job.id !== reply.id) return;
      this.current = undefined;
      if (reply.ok) {
        const data = Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength);
        job.resolve({ data, width: reply.width, height: reply.height, channels: 3 });
      } else {
        job.reject(ApiError.of('AIS.0104'));
      }
      this.pump();
      // Idle, the thread never keeps the process alive; busy, it does, so an answer is never lost.
      if (!this.current) thread.unref();
    });
    // A thread that dies (out of memory, say) fails the image it held; the next image gets a new thread.
    const died = () => {
      if (this.thread !== thread) return;
      this.thread = undefined;
      const job = this.current;
      this.current = undefined;
      job?.reject(ApiError.of('AIS.0104'));
      this.pump();
    };
    thread.on('error', died);
    thread.on('exit', died);
    return thread;
  }

  private pump(): void {
    if (this.current) return;
    const job = this.queue.shift();
    if (!job) return;
    this.current = job;
    this.thread ??= this.start();
    this.thread.ref();
    // A copy goes over, transferred: the caller keeps its bytes, and cloning a Uint8Array through postMessage takes
    // ~100 ms on the main thread for 36 MB where a plain copy takes a few. The pixels come back transferred too.
    const copy = new Uint8Array(job.bytes.length);
    copy.set(job.bytes);
    this.thread.postMessage({ id: job.id, bytes: copy }, [copy.buffer]);
  }
}

const decoder = new BmpDecoder();

/** Decodes a BMP to RGB pixels off the main thread; AIS.0104 for anything bmp-js cannot read. */
export async function decodeBmp(bytes: Buffer, width: number, height: number): Promise<RawImage> {
  if (width * height > MAX_BMP_PIXELS) throw ApiError.of('AIS.0104');
  checkBmpHeader(bytes);
  return decoder.decode(bytes);
}
