/**
 * tesseract.js runs each worker in a `worker_threads` Worker, sets `worker.onerror` on it (a browser API that Node's
 * Worker ignores) and listens for nothing else. A thread that throws then emits `'error'` with no listener, which
 * exits the whole process; a thread that exits leaves its jobs pending forever. tesseract.js exposes the thread
 * only once it has loaded (`worker.worker`), too late for a crash while loading. So its Node adapter's
 * `spawnWorker` is wrapped here, before tesseract.js is loaded, and every thread is handed to the pool the moment
 * it is created. `startWatched` falls back to the late handle if tesseract.js was loaded elsewhere first.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Worker as Thread } from 'node:worker_threads';
import type * as Tesseract from 'tesseract.js';

const require = createRequire(import.meta.url);

let onSpawn: ((thread: Thread) => void) | undefined;
try {
  // tesseract.js 7's Node adapter; should a later version move it, threads are watched from `worker.worker` instead.
  const adapter = require(join(dirname(require.resolve('tesseract.js')), 'worker', 'node', 'index.js')) as {
    spawnWorker?: (options: unknown) => Thread;
  };
  const spawnWorker = adapter.spawnWorker;
  if (typeof spawnWorker === 'function') {
    adapter.spawnWorker = (options) => {
      const thread = spawnWorker(options);
      onSpawn?.(thread);
      return thread;
    };
  }
} catch {
  // Not found: the fallback above.
}

// Loaded only now, so that its createWorker binds the wrapped spawnWorker.
const tesseract = require('tesseract.js') as typeof Tesseract;
export const { OEM } = tesseract;

/**
 * `createWorker`, and the thread it spawned. `thread` is undefined only if tesseract.js was loaded before this
 * module; then the caller takes `worker.worker` once it resolves.
 */
export function createWatchedWorker(...args: Parameters<typeof Tesseract.createWorker>): {
  worker: Promise<Tesseract.Worker>;
  thread: Thread | undefined;
} {
  let thread: Thread | undefined;
  onSpawn = (spawned) => {
    thread = spawned;
  };
  try {
    // createWorker spawns its thread synchronously, before its first await.
    const worker = tesseract.createWorker(...args);
    return { worker, thread: thread as Thread | undefined };
  } finally {
    onSpawn = undefined;
  }
}
