/**
 * Issue 17, ready means fast: at boot every OCR pool (English and Arabic) starts and each worker does one real
 * recognition; /health says 200 only after that. Tests with a fake engine skip it (warmup: false, or an engine
 * that is warm at once).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { OcrEngine, OcrRequest, OcrResult } from '../../src/ocr/engine.js';
import { buildTestApp } from '../helpers/index.js';
import { realEngine } from '../helpers/engines.js';

describe('TesseractEngine.warm', () => {
  const engine = realEngine({ workers: 2, arabicWorkers: 1, timeoutMs: 60_000 });
  afterAll(() => engine.close());

  it('is ready with one warm worker per language, then warms the others before they take jobs, once however many callers wait', async () => {
    expect([engine.isWarm(), engine.warmedWorkers]).toEqual([false, { eng: 0, ara: 0 }]);
    const started = Date.now();
    await Promise.all([engine.warm(), engine.warm()]);
    const ready = Date.now() - started;
    // The second English worker starts only once the first of each language is warm: it cannot be warm yet.
    expect([engine.isWarm(), engine.warmedWorkers]).toEqual([true, { eng: 1, ara: 1 }]);
    await engine.whenAllWarm();
    console.log(`warm-up: one English and one Arabic worker warm in ${ready} ms, the second English one ${Date.now() - started - ready} ms later`);
    expect(engine.warmedWorkers).toEqual({ eng: 2, ara: 1 });
    await engine.warm();
    expect(engine.warmedWorkers).toEqual({ eng: 2, ara: 1 });
  });

  it('reads its warm-up images for real: the passport MRZ and the Arabic name', async () => {
    const { WARMUP_IMAGES } = await import('../../src/ocr/warmup-images.js');
    const english = await engine.recognize({ image: WARMUP_IMAGES.eng, psm: '6', whitelist: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<' });
    // The raw engine reads the MRZ filler `<` as S or K; the passport module corrects that, not the engine.
    expect(english.text).toContain('ANELLE');
    expect(english.text).toContain('XN7223721');
    const arabic = await engine.recognize({ image: WARMUP_IMAGES.ara, lang: 'ara', psm: '7' });
    expect(arabic.text).toContain('حداد');
  });
});

/** An engine whose warm-up ends when the test says. */
class SlowToWarm implements OcrEngine {
  private warmed = false;
  finish: () => void = () => undefined;
  async recognize(_request: OcrRequest): Promise<OcrResult> {
    return { text: '', confidence: 0, lines: [] };
  }
  warm(): Promise<void> {
    return new Promise((resolve) => {
      this.finish = () => {
        this.warmed = true;
        resolve();
      };
    });
  }
  isWarm(): boolean {
    return this.warmed;
  }
  async close(): Promise<void> {}
}

describe('GET /health', () => {
  it('answers 503 starting until the engine is warm, then 200', async () => {
    const engine = new SlowToWarm();
    const t = await buildTestApp({ engine, config: { warmup: true } });
    try {
      await t.app.ready();
      expect((await t.app.inject({ url: '/health' })).json()).toEqual({ status: 'starting' });
      expect((await t.app.inject({ url: '/health' })).statusCode).toBe(503);
      engine.finish();
      await new Promise((resolve) => setImmediate(resolve));
      const ready = await t.app.inject({ url: '/health' });
      expect([ready.statusCode, ready.json()]).toEqual([200, { status: 'ok' }]);
    } finally {
      await t.app.close();
    }
  });

  it('answers 200 at once with warmup off', async () => {
    const t = await buildTestApp({ engine: new SlowToWarm(), config: { warmup: false } });
    try {
      expect((await t.app.inject({ url: '/health' })).statusCode).toBe(200);
    } finally {
      await t.app.close();
    }
  });
});
