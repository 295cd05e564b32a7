/**
 * tesseract.js behind the OcrEngine interface: a fixed pool of workers per language, a plain job queue,
 * and a timeout that replaces a hung worker. Language data comes from the @tesseract.js-data npm packages
 * through `langPath`, so nothing is ever downloaded.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createWorker, OEM, type Worker, type Block, type Line } from 'tesseract.js';
import { ApiError } from '../errors/catalogue.js';
import type { OcrEngine, OcrLanguage, OcrLine, OcrRequest, OcrResult } from './engine.js';
import { warmupRequests } from './warmup-images.js';

const require = createRequire(import.meta.url);

/** The integer "best" LSTM models: near the accuracy of `best` at a fraction of the start-up time. */
export function languageDataPath(lang: OcrLanguage): string {
  return join(dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), '4.0.0_best_int');
}

interface Slot {
  worker: Promise<Worker>;
  busy: boolean;
}

interface Job {
  request: OcrRequest;
  resolve: (result: OcrResult) => void;
  reject: (error: unknown) => void;
}

export interface TesseractEngineOptions {
  /** Workers for English, the language every document uses. */
  workers: number;
  /** Workers for Arabic, started on first use. */
  arabicWorkers?: number;
  timeoutMs: number;
}

async function startWorker(lang: OcrLanguage): Promise<Worker> {
  return createWorker(lang, OEM.LSTM_ONLY, {
    langPath: languageDataPath(lang),
    gzip: true,
    cacheMethod: 'none',
  });
}

function toLines(blocks: Block[] | null): OcrLine[] {
  const lines: Line[] = (blocks ?? []).flatMap((b) => b.paragraphs.flatMap((p) => p.lines));
  return lines.map((line) => ({
    text: line.text.replace(/\n$/, ''),
    confidence: line.confidence / 100,
    bbox: line.bbox,
    words: line.words.map((word) => ({
      text: word.text,
      confidence: word.confidence / 100,
      bbox: word.bbox,
      symbols: word.symbols.map((s) => ({ text: s.text, confidence: s.confidence / 100, bbox: s.bbox })),
    })),
  }));
}

class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private closed = false;
  /** Workers replaced after a timeout or crash. */
  replacements = 0;
  private readonly stopRunning = new Set<(error: ApiError) => void>();

  constructor(
    private readonly lang: OcrLanguage,
    private readonly size: number,
    private readonly timeoutMs: number,
  ) {}

  /** Starts every worker; resolves when all can take jobs. */
  async start(): Promise<void> {
    while (this.slots.length < this.size) this.slots.push({ worker: startWorker(this.lang), busy: false });
    await Promise.all(this.slots.map((s) => s.worker));
  }

  /**
   * Starts every worker and has each read the warm-up requests once, outside the queue and its timeout (a cold worker's first
   * recognition is legitimately slow). Jobs that arrive meanwhile wait for the worker to finish.
   */
  async warm(requests: OcrRequest[]): Promise<void> {
    await this.start();
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.busy = true;
        try {
          for (const request of requests) await this.recognizeOn(slot, request);
          this.warmedWorkers++;
        } finally {
          slot.busy = false;
          this.dispatch();
        }
      }),
    );
  }

  /** Workers that have done their warm-up recognition. */
  warmedWorkers = 0;

  get started(): boolean {
    return this.slots.length > 0;
  }

  run(request: OcrRequest): Promise<OcrResult> {
    if (this.closed) return Promise.reject(ApiError.of('ModelArts.4508'));
    if (!this.started) void this.start().catch(() => undefined);
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.busy = true;
      void this.execute(slot, job).finally(() => {
        slot.busy = false;
        this.dispatch();
      });
    }
  }

  private async execute(slot: Slot, job: Job): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let stopThis: ((error: ApiError) => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(ApiError.of('ModelArts.4402')), this.timeoutMs);
      // Closing the pool ends running jobs at once rather than when their timeout fires.
      stopThis = reject;
      this.stopRunning.add(reject);
    });
    try {
      const result = await Promise.race([this.recognizeOn(slot, job.request), stop]);
      job.resolve(result);
    } catch (error) {
      // A worker that timed out or crashed may be wedged: replace it rather than reuse it (unless closing).
      if (!this.closed) {
        const old = slot.worker;
        slot.worker = startWorker(this.lang);
        this.replacements++;
        void old.then((w) => w.terminate()).catch(() => undefined);
      }
      job.reject(error instanceof ApiError ? error : ApiError.of('AIS.0105'));
    } finally {
      clearTimeout(timer);
      if (stopThis) this.stopRunning.delete(stopThis);
    }
  }

  private async recognizeOn(slot: Slot, request: OcrRequest): Promise<OcrResult> {
    const worker = await slot.worker;
    await worker.setParameters({
      tessedit_pageseg_mode: (request.psm ?? '3') as never,
      tessedit_char_whitelist: request.whitelist ?? '',
      user_defined_dpi: '300',
    });
    const { data } = await worker.recognize(request.image, {}, { text: true, blocks: true });
    return { text: data.text, confidence: data.confidence / 100, lines: toLines(data.blocks) };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(ApiError.of('ModelArts.4508'));
    for (const stop of this.stopRunning) stop(ApiError.of('ModelArts.4508'));
    await Promise.allSettled(this.slots.map(async (s) => (await s.worker).terminate()));
  }
}

export class TesseractEngine implements OcrEngine {
  private readonly pools: Record<OcrLanguage, WorkerPool>;
  private warmed = false;
  private warming: Promise<void> | undefined;

  constructor(options: TesseractEngineOptions) {
    this.pools = {
      eng: new WorkerPool('eng', options.workers, options.timeoutMs),
      ara: new WorkerPool('ara', options.arabicWorkers ?? 1, options.timeoutMs),
    };
  }

  recognize(request: OcrRequest): Promise<OcrResult> {
    return this.pools[request.lang ?? 'eng'].run(request);
  }

  /**
   * Every pool (English and Arabic) starts, and every worker does one real recognition, so the first request
   * after ready is as fast as the next: starting a worker alone leaves the model's first run, seconds on a busy
   * machine, to the first client.
   */
  warm(): Promise<void> {
    // Once, however many callers wait (the app at boot, startMockServer); a failed warm-up may be tried again.
    this.warming ??= Promise.all((Object.keys(this.pools) as OcrLanguage[]).map(async (lang) => this.pools[lang].warm(await warmupRequests(lang)))).then(
      () => {
        this.warmed = true;
      },
      (error: unknown) => {
        this.warming = undefined;
        throw error;
      },
    );
    return this.warming;
  }

  /** Workers warmed by a recognition, per language. */
  get warmedWorkers(): Record<OcrLanguage, number> {
    return { eng: this.pools.eng.warmedWorkers, ara: this.pools.ara.warmedWorkers };
  }

  isWarm(): boolean {
    return this.warmed;
  }

  /** How many workers were replaced after hanging or crashing. */
  get replacements(): number {
    return this.pools.eng.replacements + this.pools.ara.replacements;
  }

  async close(): Promise<void> {
    await Promise.all([this.pools.eng.close(), this.pools.ara.close()]);
  }
}
