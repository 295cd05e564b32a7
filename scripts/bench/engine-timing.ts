/**
 * Per-stage timing: every engine.recognize call the recognition core makes, with what kind of read it was.
 *
 * The timer goes onto the engine the app itself built (`app.ocrEngine`) rather than onto one the benchmark builds and
 * injects, so the figures are always of the engine exactly as buildApp configures it (pool size, options, any
 * cache in front of it), whatever src/app.ts does. Routes hold the same object, so they call the timed method.
 */
import type { OcrEngine, OcrRequest } from '../../src/ocr/engine.js';

export interface EngineCall {
  /** The kind of read, e.g. `text psm 3` or `MRZ psm 6`. */
  stage: string;
  start: number;
  end: number;
  /** Size of the image the engine was given, when it is a PNG (what the image layer produces). */
  width?: number;
  height?: number;
}

/** Width and height from a PNG's IHDR chunk, without decoding it. */
function pngSize(image: Buffer): { width: number; height: number } | undefined {
  const signature = '89504e470d0a1a0a';
  if (image.length < 24 || image.subarray(0, 8).toString('hex') !== signature) return undefined;
  return { width: image.readUInt32BE(16), height: image.readUInt32BE(20) };
}

/** What a call reads, from its request: the whitelist says what it is for, the psm how it segments. */
export function stageOf(request: OcrRequest): string {
  const psm = request.psm ?? '3';
  const whitelist = request.whitelist ?? '';
  let kind = 'text';
  if (whitelist.includes('<')) kind = 'MRZ';
  else if (whitelist !== '' && /^[\d\s/.-]+$/.test(whitelist)) kind = 'digits';
  else if (whitelist !== '') kind = 'whitelisted';
  return `${kind} psm ${psm}${request.lang === 'ara' ? ' ara' : ''}`;
}

export interface EngineRecorder {
  /** The calls recorded since the last take, oldest first. */
  take(): EngineCall[];
}

export function recordEngineCalls(engine: OcrEngine): EngineRecorder {
  const calls: EngineCall[] = [];
  const recognize = engine.recognize.bind(engine);
  engine.recognize = async (request: OcrRequest) => {
    const start = performance.now();
    try {
      return await recognize(request);
    } finally {
      calls.push({ stage: stageOf(request), start, end: performance.now(), ...pngSize(request.image) });
    }
  };
  return { take: () => calls.splice(0) };
}
