/**
 * The OCR engine as the recognition core sees it. The core never knows which engine runs:
 * production uses the tesseract.js pool, route tests inject a scripted engine.
 */
export type OcrLanguage = 'eng' | 'ara';

/** Tesseract page segmentation modes the core uses. */
export const PageSegmentation = {
  auto: '3',
  singleColumn: '4',
  singleBlock: '6',
  singleLine: '7',
  sparse: '11',
} as const;
export type PageSegmentationMode = (typeof PageSegmentation)[keyof typeof PageSegmentation];

export interface OcrRequest {
  /** An encoded image (PNG is what the image layer produces). */
  image: Buffer;
  lang?: OcrLanguage;
  psm?: PageSegmentationMode;
  /** Only these characters may be recognised. */
  whitelist?: string;
  /** Aborted when the request is given up (client gone, deadline passed): a queued call is dropped at once. */
  signal?: AbortSignal;
}

export interface BoundingBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface OcrSymbol {
  text: string;
  /** 0..1 */
  confidence: number;
  bbox: BoundingBox;
}

export interface OcrWord {
  text: string;
  confidence: number;
  bbox: BoundingBox;
  symbols: OcrSymbol[];
}

export interface OcrLine {
  text: string;
  confidence: number;
  bbox: BoundingBox;
  words: OcrWord[];
}

export interface OcrResult {
  text: string;
  /** 0..1 */
  confidence: number;
  lines: OcrLine[];
}

/**
 * How an engine call failed, in the engine's own terms: it knows nothing of vendor error codes. One table
 * (src/errors/engine-failures.ts) says which vendor code answers each kind.
 */
export type EngineFailureKind =
  /** The call overran the engine's timeout; its worker is replaced. */
  | 'timeout'
  /** The worker running the call died (its thread threw or exited); it is replaced. */
  | 'crashed'
  /** The engine was closed before or while the call ran. */
  | 'closed'
  /** The engine ran the call and it failed (tesseract threw). */
  | 'failed';

export class EngineError extends Error {
  constructor(
    readonly kind: EngineFailureKind,
    options?: ErrorOptions,
  ) {
    super(`OCR engine call ${kind}`, options);
    this.name = 'EngineError';
  }
}

export interface OcrEngine {
  recognize(request: OcrRequest): Promise<OcrResult>;
  /** Resolves once the engine can answer without a cold start. */
  warm(): Promise<void>;
  isWarm(): boolean;
  close(): Promise<void>;
}

/**
 * The engine as one request sees it: every call carries the request's signal, and once that aborts every further
 * call fails at once with its reason, so a recognition given up stops at its next call.
 */
export function engineFor(engine: OcrEngine, signal: AbortSignal): OcrEngine {
  return {
    recognize: (request) => (signal.aborted ? Promise.reject(signal.reason) : engine.recognize({ ...request, signal })),
    warm: () => engine.warm(),
    isWarm: () => engine.isWarm(),
    close: () => engine.close(),
  };
}
