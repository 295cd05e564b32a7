/**
 * Issue 12, finding 4 (no global bound on OCR work; abandoned requests kept running) and issue 17, point 5
 * (`Retry-After` on ModelArts.4401). A gated engine holds recognitions until the test lets them go, so what is
 * queued, refused and given up is exact.
 */
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OcrEngine, OcrRequest, OcrResult } from '../src/ocr/engine.js';
import type { TesseractEngine } from '../src/ocr/tesseract-engine.js';
import { SPECIMEN_IMAGE, SPECIMEN_MRZ } from './helpers/aksk.js';
import { buildTestApp, getToken, PASSPORT_PATH, type TestApp } from './helpers/index.js';
import { realEngine } from './helpers/engines.js';
import { rawRequest } from './helpers/net.js';

/** Answers the specimen MRZ, but only while open (`release()` opens, `hold()` closes); records every call's signal. */
class GatedEngine implements OcrEngine {
  readonly signals: AbortSignal[] = [];
  private waiting: Array<() => void> = [];
  private open = false;
  calls = 0;
  async recognize(request: OcrRequest): Promise<OcrResult> {
    this.calls++;
    if (request.signal) this.signals.push(request.signal);
    if (!this.open) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const lines = SPECIMEN_MRZ.map((text, i) => ({ text, confidence: 0.95, bbox: { x0: 10, y0: 300 + i * 40, x1: 590, y1: 330 + i * 40 }, words: [] }));
    return { text: SPECIMEN_MRZ.join('\n'), confidence: 0.95, lines };
  }
  release(): void {
    this.open = true;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
  hold(): void {
    this.open = false;
  }
  get pending(): number {
    return this.waiting.length;
  }
  async warm(): Promise<void> {}
  isWarm(): boolean {
    return true;
  }
  async close(): Promise<void> {
    this.release();
  }
}

const until = async (condition: () => boolean, ms = 5000) => {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

describe('a global bound on recognitions (issue 12, finding 4; issue 17, point 5)', () => {
  it('refuses past maxQueuedRecognitions at once with ModelArts.4401 and Retry-After, whatever the namespaces', async () => {
    const engine = new GatedEngine();
    t = await buildTestApp({ engine, config: { maxQueuedRecognitions: 3, resultCacheEntries: 0 } });
    const token = await getToken(t.app);
    const image = await SPECIMEN_IMAGE();
    // Five clients, each in a namespace of its own: per-namespace limits alone would let all five queue.
    const answered: Array<Awaited<ReturnType<TestApp['app']['inject']>>> = [];
    const requests = Array.from({ length: 5 }, (_, i) =>
      Promise.resolve(t!.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token, 'x-mock-namespace': `client-${i}` }, payload: { image } })).then(
        (answer) => {
          answered.push(answer);
          return answer;
        },
      ),
    );
    // Two are answered while three wait in the engine.
    await until(() => answered.length === 2 && engine.pending === 3);
    for (const answer of answered) {
      expect(answer.statusCode).toBe(429);
      expect(answer.json()).toEqual({ error_code: 'ModelArts.4401', error_msg: 'Max concurrency error.' });
      expect(answer.headers['retry-after']).toBe('1');
    }
    engine.release();
    expect((await Promise.all(requests)).filter((answer) => answer.statusCode === 200)).toHaveLength(3);
    // Released, the bound admits again.
    engine.hold();
    const again = Promise.resolve(t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: { image } }));
    await until(() => engine.pending === 1);
    engine.release();
    expect((await again).statusCode).toBe(200);
  });

  it('sends Retry-After with the per-project ModelArts.4401 and a forced one', async () => {
    const engine = new GatedEngine();
    t = await buildTestApp({ engine, config: { maxConcurrentPerProject: 1, resultCacheEntries: 0 } });
    const token = await getToken(t.app);
    const image = await SPECIMEN_IMAGE();
    const first = Promise.resolve(t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: { image } }));
    await until(() => engine.pending === 1);
    const second = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: { image } });
    expect(second.json().error_code).toBe('ModelArts.4401');
    expect(second.headers['retry-after']).toBe('1');
    engine.release();
    expect((await first).statusCode).toBe(200);

    const forced = await t.app.inject({
      method: 'POST',
      url: PASSPORT_PATH,
      headers: { 'x-auth-token': token, 'x-mock-scenario': 'error=ModelArts.4401' },
      payload: { image },
    });
    expect(forced.statusCode).toBe(429);
    expect(forced.headers['retry-after']).toBe('1');
  });
});

describe('requests given up (issue 12, finding 4)', () => {
  it('answers ModelArts.4402 once ocrTimeoutMs has passed, queueing included: no client waits past it', async () => {
    const engine = new GatedEngine();
    t = await buildTestApp({ engine, config: { ocrTimeoutMs: 400, resultCacheEntries: 0 } });
    const token = await getToken(t.app);
    const started = performance.now();
    const answer = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: { image: await SPECIMEN_IMAGE() } });
    const waited = performance.now() - started;
    expect(answer.statusCode).toBe(504);
    expect(answer.json()).toEqual({ error_code: 'ModelArts.4402', error_msg: 'Backend service timeout error.' });
    expect(waited).toBeLessThan(3000);
    expect(engine.signals.every((signal) => signal.aborted)).toBe(true);
  });

  it('aborts the engine calls of a request whose client closed its connection', async () => {
    const engine = new GatedEngine();
    t = await buildTestApp({ engine, config: { resultCacheEntries: 0 } });
    const token = await getToken(t.app);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as AddressInfo).port;
    const body = JSON.stringify({ image: await SPECIMEN_IMAGE() });
    // The client sends its request, waits 1.5 s for an answer that does not come, and leaves.
    const head = [`POST ${PASSPORT_PATH} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, `X-Auth-Token: ${token}`];
    const answer = await rawRequest(port, head.join('\r\n'), body, 1500);
    expect(answer.status).toBeNull();
    await until(() => engine.signals.length > 0 && engine.signals.every((signal) => signal.aborted));
  });

  it('drops the queued calls of a given-up request from the tesseract.js queue at once', async () => {
    const engine = realEngine({ workers: 1, timeoutMs: 30_000 });
    try {
      await engine.warm();
      const page = await sharp({ create: { width: 600, height: 200, channels: 3, background: '#fff' } })
        .png()
        .toBuffer();
      const busy = engine.recognize({ image: page });
      const controller = new AbortController();
      const queued = Array.from({ length: 3 }, () =>
        engine.recognize({ image: page, signal: controller.signal }).then(
          () => 'read',
          (error: unknown) => error,
        ),
      );
      expect(engine.queued).toBe(3);
      controller.abort(new Error('the client left'));
      expect((await Promise.all(queued)).map((outcome) => (outcome as Error).message)).toEqual(Array(3).fill('the client left'));
      expect(engine.queued).toBe(0);
      await busy;
    } finally {
      await engine.close();
    }
  });
});

describe('after an overload (issue 12, finding 4)', () => {
  let engine: TesseractEngine;
  beforeAll(async () => {
    engine = realEngine({ workers: 1, timeoutMs: 30_000 });
    await engine.warm();
  });
  afterAll(() => engine.close());

  it('holds nothing for requests refused or given up: the queue is empty and the bound admits again', async () => {
    t = await buildTestApp({ engine, config: { maxQueuedRecognitions: 4, ocrTimeoutMs: 1500, resultCacheEntries: 0 } });
    const token = await getToken(t.app);
    const image = (
      await sharp({ create: { width: 900, height: 600, channels: 3, background: '#fff' } })
        .composite([{ input: Buffer.from('<svg width="900" height="600"><text x="40" y="300" font-size="40">NOTHING TO SEE HERE</text></svg>') }])
        .png()
        .toBuffer()
    ).toString('base64');
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        t!.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token, 'x-mock-namespace': `n${i}` }, payload: { image } }),
      ),
    );
    const codes = answers.map((answer) => (answer.statusCode === 200 ? '200' : String(answer.json().error_code)));
    expect(codes.filter((code) => code === 'ModelArts.4401').length).toBeGreaterThanOrEqual(20);
    expect(codes.every((code) => ['ModelArts.4401', 'ModelArts.4402', 'AIS.0104', '200'].includes(code))).toBe(true);
    await until(() => engine.queued === 0, 10_000);
    const after = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: { image } });
    expect(after.json().error_code).not.toBe('ModelArts.4401');
  });
});

describe('memory after load (issue 12, finding 4)', () => {
  it('replaces workers that served jobs once the pool stands idle, so their grown WebAssembly memory is returned', async () => {
    const engine = realEngine({ workers: 1, timeoutMs: 30_000, recycleIdleMs: 300 });
    try {
      await engine.warm();
      const page = await sharp({ create: { width: 600, height: 200, channels: 3, background: '#fff' } })
        .png()
        .toBuffer();
      await engine.recognize({ image: page });
      expect(engine.recycled).toBe(0);
      await until(() => engine.recycled === 1, 5000);
      // Idle and unused since, the fresh worker is not replaced again; it answers the next call.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(engine.recycled).toBe(1);
      await engine.recognize({ image: page });
      expect(engine.deaths).toBe(0);
    } finally {
      await engine.close();
    }
  });
});
