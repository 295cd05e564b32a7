/** The engines tests run on: one fake that answers from a script, and real tesseract.js closed after use. */
import type { OcrEngine, OcrRequest, OcrResult } from '../../src/ocr/engine.js';
import { TesseractEngine, type TesseractEngineOptions } from '../../src/ocr/tesseract-engine.js';
import { closeWhenDone } from './cleanup.js';

const reads = (): OcrResult => ({ text: '', confidence: 0, lines: [] });

/**
 * Answers from a script (by default, reads nothing) and counts its calls: route tests need no tesseract. It keeps
 * every request it was given unless `record` is false, which tests sending thousands of images want.
 */
export class FakeEngine implements OcrEngine {
  readonly requests: OcrRequest[] = [];
  calls = 0;

  constructor(
    private readonly answer: (request: OcrRequest) => OcrResult = reads,
    private readonly options: { record?: boolean } = {},
  ) {}

  async recognize(request: OcrRequest): Promise<OcrResult> {
    this.calls += 1;
    if (this.options.record !== false) this.requests.push(request);
    return this.answer(request);
  }

  async warm(): Promise<void> {}

  isWarm(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}

/**
 * Real tesseract.js, as the tests that read images run it: one English worker and a generous timeout unless
 * told otherwise, closed when the test (or, made outside a test, the file) ends.
 */
export function realEngine(options: Partial<TesseractEngineOptions> = {}): TesseractEngine {
  const engine = new TesseractEngine({ workers: 1, timeoutMs: 60_000, ...options });
  closeWhenDone(() => engine.close());
  return engine;
}
