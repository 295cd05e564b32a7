import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PROJECT } from '../../src/config.js';
import type { OcrRequest, OcrResult } from '../../src/ocr/engine.js';
import { buildTestApp, getToken, PASSPORT_PATH, samplePng, FakeEngine, type TestApp } from '../helpers/index.js';

const OTHER_PROJECT = { id: '11112222333344445555666677778888', name: 'other' };
const IDENTITIES = [{ domain: 'mock-domain', user: 'mock-user', password: 'mock-password', projects: [{ ...DEFAULT_PROJECT }, OTHER_PROJECT] }];

describe('per-project requests per minute (APIG.0308)', () => {
  let t: TestApp;

  const post = (token: string, url = PASSPORT_PATH) => t.app.inject({ method: 'POST', url, headers: { 'x-auth-token': token }, payload: {} });

  it('answers 429 past the limit, with the limit in the message and Retry-After, on the injected clock', async () => {
    t = await buildTestApp({ config: { rateLimitPerMinute: 3 } });
    const token = await getToken(t.app);
    for (let i = 0; i < 3; i += 1) expect((await post(token)).json().error_code).toBe('AIS.0101');

    const refused = await post(token);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({
      error_code: 'APIG.0308',
      error_msg: 'The throttling threshold has been reached: policy user over ratelimit,limit:3,time:1 minute',
      request_id: refused.headers['x-request-id'],
    });
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.headers['x-ratelimit-limit']).toBeUndefined();

    t.clock.advance(45_000);
    expect((await post(token)).headers['retry-after']).toBe('15');
    t.clock.advance(15_000);
    expect((await post(token)).json().error_code).toBe('AIS.0101');
  });

  it('counts each project apart, and only authenticated OCR calls', async () => {
    t = await buildTestApp({ config: { rateLimitPerMinute: 1, identities: IDENTITIES } });
    const token = await getToken(t.app);
    const otherToken = await getToken(t.app, { id: OTHER_PROJECT.id });
    // Unauthenticated calls are refused before the throttle and do not use up the project's quota.
    for (let i = 0; i < 3; i += 1) {
      const anonymous = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, payload: {} });
      expect(anonymous.json().error_code).toBe('APIG.0301');
    }
    expect((await post(token)).json().error_code).toBe('AIS.0101');
    expect((await post(token)).json().error_code).toBe('APIG.0308');
    expect((await post(otherToken, `/v2/${OTHER_PROJECT.id}/ocr/passport`)).json().error_code).toBe('AIS.0101');
    // IAM is not behind the OCR gateway's throttle.
    await getToken(t.app);
  });

  it('defaults to a limit no test suite reaches', async () => {
    t = await buildTestApp();
    const token = await getToken(t.app);
    for (let i = 0; i < 100; i += 1) expect((await post(token)).statusCode).toBe(400);
  });
});

/** An engine whose answers wait until the test opens the gate; after that it answers at once. */
class GatedEngine extends FakeEngine {
  private waiting: Array<() => void> | undefined = [];
  override async recognize(request: OcrRequest): Promise<OcrResult> {
    const answer = super.recognize(request);
    const waiting = this.waiting;
    if (waiting) await new Promise<void>((resolve) => waiting.push(resolve));
    return answer;
  }
  open(): void {
    for (const release of this.waiting ?? []) release();
    this.waiting = undefined;
  }
}

describe('concurrent recognitions per project (ModelArts.4401)', () => {
  let t: TestApp;

  it('refuses a recognition past the maximum in flight, and frees the slot when one ends', async () => {
    const engine = new GatedEngine();
    t = await buildTestApp({ engine, config: { maxConcurrentPerProject: 2, identities: IDENTITIES } });
    const token = await getToken(t.app);
    const otherToken = await getToken(t.app, { id: OTHER_PROJECT.id });
    const payload = { image: (await samplePng(400, 300)).toString('base64') };
    const send = (tok = token, url = PASSPORT_PATH) => t.app.inject({ method: 'POST', url, headers: { 'x-auth-token': tok }, payload });

    const running = [send(), send()];
    await vi.waitFor(() => expect(engine.requests.length).toBe(2));

    const refused = await send();
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ error_code: 'ModelArts.4401', error_msg: 'Max concurrency error.' });

    // Another project has its own slots.
    const other = send(otherToken, `/v2/${OTHER_PROJECT.id}/ocr/passport`);
    await vi.waitFor(() => expect(engine.requests.length).toBe(3));

    engine.open();
    for (const response of await Promise.all([...running, other])) expect(response.statusCode).not.toBe(429);
    // Every slot is free again.
    const results = await Promise.all([send(), send()]);
    expect(results.map((r) => r.statusCode)).not.toContain(429);
  });

  it('does not hold a slot for a request that fails before the backend', async () => {
    t = await buildTestApp({ config: { maxConcurrentPerProject: 1 } });
    const token = await getToken(t.app);
    const bad = { image: 'not base64!' };
    for (let i = 0; i < 3; i += 1) {
      const response = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: bad });
      expect(response.json().error_code).toBe('AIS.0102');
    }
  });
});
