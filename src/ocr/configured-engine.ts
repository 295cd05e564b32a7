/** The tesseract.js engine as the config sizes it: what the app builds when no engine is injected. */
import type { Config } from '../config.js';
import { TesseractEngine } from './tesseract-engine.js';

/** Where a dead worker is reported; asked at the time, since the engine may start before the logger exists. */
export type WorkerDeathLog = () => { error(details: object, message: string): void } | undefined;

export function configuredEngine(config: Pick<Config, 'ocrWorkers' | 'ocrTimeoutMs'>, log: WorkerDeathLog): TesseractEngine {
  return new TesseractEngine({
    workers: config.ocrWorkers,
    timeoutMs: config.ocrTimeoutMs,
    // Replaced at once; logged by the caller, since the engine knows no logger.
    onWorkerDeath: (lang, cause) => log()?.error({ lang, cause }, 'OCR worker died; its job failed and it is being replaced'),
  });
}
