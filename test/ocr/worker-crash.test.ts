/**
 * Issue 12, finding 2: a tesseract.js worker thread that throws used to exit the whole process (tesseract.js sets
 * `worker.onerror`, which Node ignores, so the Worker's 'error' event had no listener), and a worker that died
 * otherwise left its job waiting for the full OCR timeout. Now the job fails at once with ModelArts.4502, the worker
 * is replaced, and the server answers the next request. Real engine, real tesseract worker script, wrapped by
 * test/workers/crash-once.cjs to throw an uncaught exception in the middle of its first recognition.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TesseractEngine } from '../../src/ocr/tesseract-engine.js';
import { buildQuietApp, type QuietApp } from '../helpers/index.js';
import { realEngine } from '../helpers/engines.js';
import { getToken, PASSPORT_PATH } from '../helpers/index.js';

const TIMEOUT_MS = 30_000;

describe('a worker thread that throws (issue 12, finding 2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocr-mock-crash-'));
  const deaths: string[] = [];
  let diedAt = 0;
  let engine: TesseractEngine;
  let t: QuietApp;
  let token: string;
  const passport = readFileSync(new URL('../../fixtures/passport/p01-clean.png', import.meta.url)).toString('base64');
  const expected = JSON.parse(readFileSync(new URL('../../fixtures/passport/p01-clean.json', import.meta.url), 'utf8'));

  beforeAll(async () => {
    process.env.OCR_MOCK_TEST_CRASH_MARKER = join(dir, 'crashed');
    engine = realEngine({
      workers: 1,
      timeoutMs: TIMEOUT_MS,
      workerPath: fileURLToPath(new URL('../workers/crash-once.cjs', import.meta.url)),
      onWorkerDeath: (_lang, cause) => {
        deaths.push(cause);
        diedAt = performance.now();
      },
    });
    t = await buildQuietApp({ engine, config: { resultCacheEntries: 0 } });
    token = await getToken(t.app);
    // No warm-up here: the first recognition is the one whose thread throws.
  });
  afterAll(async () => {
    await t?.app.close();
    await engine?.close();
    delete process.env.OCR_MOCK_TEST_CRASH_MARKER;
    rmSync(dir, { recursive: true, force: true });
  });

  const post = () => t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: { image: passport } });

  it('fails the job at once with ModelArts.4502, replaces the worker, and the server lives', async () => {
    const started = performance.now();
    const crashed = await post();
    const answered = performance.now();
    const waited = answered - started;
    expect(crashed.statusCode).toBe(502);
    expect(crashed.json()).toEqual({ error_code: 'ModelArts.4502', error_msg: 'Backend service response error.' });
    // At once: within moments of the thread's death, not after the 30 s OCR timeout. (Before the crash the request
    // spends its time preparing the image, seconds on a busy machine.)
    expect(answered - diedAt).toBeLessThan(1_000);
    expect(waited).toBeLessThan(TIMEOUT_MS / 2);
    expect(deaths).toEqual([expect.stringContaining('a tesseract worker thread crashed')]);
    expect(engine.deaths).toBe(1);
    expect(engine.replacements).toBe(1);

    expect((await t.app.inject({ url: '/health' })).statusCode).toBe(200);
    const next = await post();
    expect(next.statusCode).toBe(200);
    expect(next.json().result.passport_number).toBe(expected.passport_number);
    console.log(
      `worker crash: answered ModelArts.4502 ${Math.round(answered - diedAt)} ms after the thread died (request ${Math.round(waited)} ms), worker replaced, next request 200`,
    );
  });
});

describe('a worker thread that throws during the boot warm-up', () => {
  it('is replaced, and the warm-up ends instead of holding /health at 503 for ever', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocr-mock-crash-warm-'));
    process.env.OCR_MOCK_TEST_CRASH_MARKER = join(dir, 'crashed');
    const engine = realEngine({ workers: 1, arabicWorkers: 1, timeoutMs: TIMEOUT_MS, workerPath: fileURLToPath(new URL('../workers/crash-once.cjs', import.meta.url)) });
    try {
      await engine.warm();
      expect(engine.isWarm()).toBe(true);
      expect(engine.replacements).toBe(1);
    } finally {
      await engine.close();
      delete process.env.OCR_MOCK_TEST_CRASH_MARKER;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a worker thread that exits just after its warm-up', () => {
  it('does not stay in its slot: the pool replaces it, and the next recognition is answered, not failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocr-mock-exit-warm-'));
    process.env.OCR_MOCK_TEST_EXIT_MARKER = join(dir, 'exited');
    let died: () => void = () => undefined;
    const death = new Promise<void>((resolve) => {
      died = resolve;
    });
    const engine = realEngine({
      workers: 1,
      arabicWorkers: 1,
      timeoutMs: TIMEOUT_MS,
      workerPath: fileURLToPath(new URL('../workers/exit-after-warmup.cjs', import.meta.url)),
      onWorkerDeath: () => died(),
    });
    try {
      await engine.warm();
      expect(engine.isWarm()).toBe(true);
      await death;
      const { WARMUP_IMAGES } = await import('../../src/ocr/warmup-images.js');
      const english = await engine.recognize({ image: WARMUP_IMAGES.eng, psm: '6', whitelist: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<' });
      expect(english.text).toContain('XN7223721');
      const arabic = await engine.recognize({ image: WARMUP_IMAGES.ara, lang: 'ara', psm: '7' });
      expect(arabic.text).toContain('حداد');
      expect([engine.deaths, engine.replacements]).toEqual([1, 1]);
      // The replacement (of whichever language got there first) read the warm-up before taking a job: 2 + 1 warmed.
      const { eng, ara } = engine.warmedWorkers;
      expect(eng + ara).toBe(3);
    } finally {
      await engine.close();
      delete process.env.OCR_MOCK_TEST_EXIT_MARKER;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
