/**
 * tesseract.js behind the OcrEngine interface: a fixed pool of workers per language, a plain job queue,
 * a timeout that replaces a hung worker, and a watch on every worker thread: one that throws or exits fails its
 * job at once (an EngineError of kind `crashed`) and is replaced, and the process lives on. A job whose request is given up (its
 * `signal` aborts: the client left, or its deadline passed) leaves the queue at once. Language data comes from the
 * @tesseract.js-data npm packages through `langPath`, so nothing is ever downloaded.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Worker as Thread } from 'node:worker_threads';
import type { Worker, Block, Line } from 'tesseract.js';
import { EngineError, type OcrEngine, type OcrLanguage, type OcrLine, type OcrRequest, type OcrResult } from './engine.js';
import { warmupRequests } from './warmup-images.js';
import { createWatchedWorker, OEM } from './tesseract-threads.js';

const require = createRequire(import.meta.url);

/** The integer "best" LSTM models: near the accuracy of `best` at a fraction of the start-up time. */
export function languageDataPath(lang: OcrLanguage): string {
  return join(dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), '4.0.0_best_int');
}

/** One worker: its tesseract.js handle, and a promise that rejects the moment its thread dies. */
interface Running {
  worker: Promise<Worker>;
  died: Promise<never>;
  /** Terminates the worker on purpose: its exit is then no death. */
  retire(): void;
}

interface Slot extends Running {
  busy: boolean;
  /** Jobs run since this worker started: a worker that ran none has nothing to give back. */
  used: number;
  /** Its thread died or it is wedged: it takes no further job and is replaced once free. */
  dead: boolean;
}

interface Job {
  request: OcrRequest;
  resolve: (result: OcrResult) => void;
  reject: (error: unknown) => void;
  /** Takes the job out of the queue when its request is given up. */
  detach?: () => void;
}

export interface TesseractEngineOptions {
  /** Workers for English, the language every document uses. */
  workers: number;
  /** Workers for Arabic, started on first use. */
  arabicWorkers?: number;
  timeoutMs: number;
  /** The script each worker thread runs; tesseract.js's own by default. Tests pass one that crashes. */
  workerPath?: string;
  /** Told when a worker thread dies (tesseract-engine knows no logger). */
  onWorkerDeath?: (lang: OcrLanguage, cause: string) => void;
  /**
   * After this long with nothing to do, workers that ran jobs are replaced by fresh ones: a tesseract.js worker's
   * WebAssembly memory grows with the largest image it read and never shrinks, so a pool that served a load would
   * otherwise hold that memory for ever. 0 turns it off.
   */
  recycleIdleMs?: number;
}

/** Long enough to span the gaps within a test run's bursts; short enough that memory returns soon after. */
export const RECYCLE_IDLE_MS = 10_000;

function startWorker(lang: OcrLanguage, options: Pick<TesseractEngineOptions, 'workerPath' | 'onWorkerDeath'>): Running {
  let fail: (error: EngineError) => void = () => undefined;
  const died = new Promise<never>((_, reject) => {
    fail = reject;
  });
  // Nobody may be listening when a worker dies idle: that is not an unhandled rejection.
  died.catch(() => undefined);
  const { worker, thread } = createWatchedWorker(lang, OEM.LSTM_ONLY, {
    langPath: languageDataPath(lang),
    gzip: true,
    cacheMethod: 'none',
    // Without it tesseract.js rethrows a job's failure inside its message listener: an uncaught exception.
    errorHandler: () => undefined,
    ...(options.workerPath ? { workerPath: options.workerPath } : {}),
  });
  let dead = false;
  const watch = (watched: Thread) => {
    const die = (cause: string) => {
      if (dead) return;
      dead = true;
      options.onWorkerDeath?.(lang, cause);
      fail(new EngineError('crashed', { cause }));
    };
    watched.on('error', (error: Error) => die(`thread threw: ${error.message}`));
    watched.on('exit', (code: number) => die(`thread exited with code ${code}`));
  };
  if (thread) watch(thread);
  else void worker.then((w) => watch((w as Worker & { worker: Thread }).worker)).catch(() => undefined);
  // A thread that dies while loading would leave `worker` pending forever.
  const ready = Promise.race([worker, died]);
  ready.catch(() => undefined);
  const retire = () => {
    dead = true;
    void worker.then((w) => w.terminate()).catch(() => undefined);
  };
  return { worker: ready, died, retire };
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
  /** What a worker reads before it takes jobs, once `warmFirst` has been called; replacements read it too. */
  private warmup: OcrRequest[] | undefined;
  /** Workers replaced after a timeout or crash. */
  replacements = 0;
  /** Worker threads that died (threw or exited) while the pool was open. */
  deaths = 0;
  /** Workers replaced after the pool stood idle (see `recycleIdleMs`). */
  recycled = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly stopRunning = new Set<(error: EngineError) => void>();

  constructor(
    private readonly lang: OcrLanguage,
    private readonly size: number,
    private readonly timeoutMs: number,
    private readonly options: Pick<TesseractEngineOptions, 'workerPath' | 'onWorkerDeath' | 'recycleIdleMs'> = {},
  ) {}

  /** Starts a worker in `slot` (a new slot when none is given), watching its thread for as long as it holds the slot. */
  private spawnInto(slot: Slot = { busy: false, used: 0, dead: false } as Slot): Slot {
    const running = startWorker(this.lang, {
      ...this.options,
      onWorkerDeath: (lang, cause) => {
        if (this.closed) return;
        this.deaths++;
        this.options.onWorkerDeath?.(lang, cause);
      },
    });
    Object.assign(slot, running, { used: 0, dead: false });
    // A thread that dies between jobs (or just after its last one) must not stay in the slot for the next job to find.
    running.died.catch(() => {
      if (slot.died !== running.died || this.closed) return;
      slot.dead = true;
      if (!slot.busy) this.release(slot);
    });
    return slot;
  }

  /** A fresh worker in the slot; it warms before taking jobs when the pool warms its workers and `warm` allows. */
  private replace(slot: Slot, counter: 'replacements' | 'recycled', warm = true): void {
    const old = slot.retire;
    this.spawnInto(slot);
    this[counter]++;
    old();
    if (warm && this.warmup) void this.warmSlot(slot, this.warmup);
  }

  /** The slot's job (or warm-up) is over: a dead worker gives way to a fresh one, then the queue moves on. */
  private release(slot: Slot, warmReplacement = true): void {
    slot.busy = false;
    if (slot.dead && !this.closed) this.replace(slot, 'replacements', warmReplacement);
    this.dispatch();
  }

  /** Starts every worker; resolves when all can take jobs. */
  async start(): Promise<void> {
    while (this.slots.length < this.size) this.slots.push(this.spawnInto());
    await Promise.all(this.slots.map((s) => s.worker));
  }

  /**
   * The slot's worker reads the warm-up requests, outside the queue and its timeout (a cold worker's first
   * recognition is legitimately slow), busy meanwhile: jobs wait for a warm worker rather than take a cold one.
   */
  private async warmSlot(slot: Slot, requests: OcrRequest[]): Promise<void> {
    slot.busy = true;
    let failed = false;
    try {
      for (const request of requests) await Promise.race([this.recognizeOn(slot, request), slot.died]);
      this.warmedWorkers++;
    } catch {
      // Dead while warming: replaced, and the replacement warms on its first job, so that a worker that cannot
      // warm is not restarted for ever.
      slot.dead = true;
      failed = true;
    } finally {
      this.release(slot, !failed);
    }
  }

  /**
   * Starts the first worker and warms it: resolves then, so that the server can say it is ready while the other
   * workers have not yet taken the CPU from it. `warmRest` starts and warms the others.
   */
  async warmFirst(requests: OcrRequest[]): Promise<void> {
    this.warmup = requests;
    if (this.slots.length === 0) this.slots.push(this.spawnInto());
    await Promise.all(this.slots.filter((slot) => !slot.busy).map((slot) => this.warmSlot(slot, requests)));
  }

  /** Starts the workers `warmFirst` left out and warms them; each takes jobs once warm. */
  async warmRest(): Promise<void> {
    const requests = this.warmup;
    if (!requests || this.closed) return;
    const added: Slot[] = [];
    while (this.slots.length < this.size) {
      const slot = this.spawnInto();
      this.slots.push(slot);
      added.push(slot);
    }
    await Promise.all(added.map((slot) => this.warmSlot(slot, requests)));
  }

  /** Workers that have done their warm-up recognition. */
  warmedWorkers = 0;

  /** Jobs waiting for a worker. */
  get queued(): number {
    return this.queue.length;
  }

  get started(): boolean {
    return this.slots.length > 0;
  }

  run(request: OcrRequest): Promise<OcrResult> {
    if (this.closed) return Promise.reject(new EngineError('closed'));
    const { signal } = request;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.started) void this.start().catch(() => undefined);
    return new Promise((resolve, reject) => {
      const job: Job = { request, resolve, reject };
      if (signal) {
        // Given up while waiting: out of the queue at once, so no worker spends time on it.
        const onAbort = () => {
          const at = this.queue.indexOf(job);
          if (at !== -1) {
            this.queue.splice(at, 1);
            reject(signal.reason);
          }
        };
        signal.addEventListener('abort', onAbort, { once: true });
        job.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  private dispatch(): void {
    clearTimeout(this.idleTimer);
    for (const slot of this.slots) {
      if (slot.busy || slot.dead) continue;
      const job = this.queue.shift();
      if (!job) break;
      job.detach?.();
      slot.busy = true;
      slot.used++;
      void this.execute(slot, job).finally(() => this.release(slot));
    }
    const recycleMs = this.options.recycleIdleMs ?? RECYCLE_IDLE_MS;
    if (recycleMs > 0 && !this.closed && this.queue.length === 0 && this.slots.every((slot) => !slot.busy)) {
      this.idleTimer = setTimeout(() => this.recycle(), recycleMs);
      this.idleTimer.unref();
    }
  }

  /** Idle: every worker that ran jobs gives way to a fresh one, returning its grown WebAssembly memory. */
  private recycle(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (slot.busy || slot.used === 0) continue;
      this.replace(slot, 'recycled');
    }
  }

  private async execute(slot: Slot, job: Job): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let stopThis: ((error: EngineError) => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EngineError('timeout')), this.timeoutMs);
      // Closing the pool ends running jobs at once rather than when their timeout fires.
      stopThis = reject;
      this.stopRunning.add(reject);
    });
    // The request given up while its call runs: its caller is answered now; the worker finishes the call (or times
    // out) before it takes the next job, since stopping tesseract mid-call means restarting it.
    const { signal } = job.request;
    const giveUp = () => job.reject(signal?.reason);
    if (signal?.aborted) giveUp();
    else signal?.addEventListener('abort', giveUp, { once: true });
    const work = this.recognizeOn(slot, job.request);
    // A thread that dies fails its job now, not when the timeout fires.
    const settled = Promise.race([work, stop, slot.died]);
    try {
      job.resolve(await settled);
    } catch (error) {
      // A worker that timed out or crashed may be wedged: replaced (by `release`) rather than reused.
      slot.dead = true;
      job.reject(error instanceof EngineError ? error : new EngineError('failed', { cause: error }));
    } finally {
      clearTimeout(timer);
      if (stopThis) this.stopRunning.delete(stopThis);
      signal?.removeEventListener('abort', giveUp);
    }
  }

  private async recognizeOn(slot: Slot, request: OcrRequest): Promise<OcrResult> {
    const worker = await slot.worker;
    // Closed while the worker was being awaited: it is terminated, and tesseract.js would fail with a TypeError.
    if (this.closed) throw new EngineError('closed');
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
    clearTimeout(this.idleTimer);
    for (const job of this.queue.splice(0)) job.reject(new EngineError('closed'));
    for (const stop of this.stopRunning) stop(new EngineError('closed'));
    for (const slot of this.slots) slot.retire();
    await Promise.allSettled(this.slots.map(async (s) => (await s.worker).terminate()));
  }
}

export class TesseractEngine implements OcrEngine {
  private readonly pools: Record<OcrLanguage, WorkerPool>;
  private warmed = false;
  private warming: Promise<void> | undefined;
  private warmingRest: Promise<void> | undefined;

  constructor(options: TesseractEngineOptions) {
    const { workerPath, onWorkerDeath, recycleIdleMs } = options;
    const threads = {
      ...(workerPath ? { workerPath } : {}),
      ...(onWorkerDeath ? { onWorkerDeath } : {}),
      ...(recycleIdleMs !== undefined ? { recycleIdleMs } : {}),
    };
    this.pools = {
      eng: new WorkerPool('eng', options.workers, options.timeoutMs, threads),
      ara: new WorkerPool('ara', options.arabicWorkers ?? 1, options.timeoutMs, threads),
    };
  }

  recognize(request: OcrRequest): Promise<OcrResult> {
    return this.pools[request.lang ?? 'eng'].run(request);
  }

  /**
   * Every pool (English and Arabic) starts a worker that does real recognitions, so the first request after ready is
   * as fast as the next: starting a worker alone leaves the model's first run, seconds on a busy machine, to the first
   * client. Resolves once each language has one warm worker; the other workers start only then (they would take the
   * CPU from the first ones) and warm in the background, taking no job until warm (`whenAllWarm`).
   */
  warm(): Promise<void> {
    // Once, however many callers wait (the app at boot, startMockServer); a failed warm-up may be tried again.
    this.warming ??= Promise.all(this.languages.map(async (lang) => this.pools[lang].warmFirst(await warmupRequests(lang)))).then(
      () => {
        this.warmed = true;
        this.warmingRest = Promise.all(this.languages.map((lang) => this.pools[lang].warmRest())).then(() => undefined);
      },
      (error: unknown) => {
        this.warming = undefined;
        throw error;
      },
    );
    return this.warming;
  }

  /** Resolves once every worker of every pool is warm (after `warm`). */
  async whenAllWarm(): Promise<void> {
    await this.warm();
    await this.warmingRest;
  }

  private get languages(): OcrLanguage[] {
    return Object.keys(this.pools) as OcrLanguage[];
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

  /** Workers replaced by fresh ones after the engine stood idle. */
  get recycled(): number {
    return this.pools.eng.recycled + this.pools.ara.recycled;
  }

  /** Engine calls waiting for a worker. */
  get queued(): number {
    return this.pools.eng.queued + this.pools.ara.queued;
  }

  /** How many worker threads died (threw or exited) while the engine was open. */
  get deaths(): number {
    return this.pools.eng.deaths + this.pools.ara.deaths;
  }

  async close(): Promise<void> {
    await Promise.all([this.pools.eng.close(), this.pools.ara.close()]);
  }
}
