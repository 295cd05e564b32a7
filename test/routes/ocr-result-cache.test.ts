/** The same image sent twice is recognised once; the cache can be turned off. */
import { describe, expect, it } from 'vitest';
import { mrzEngine, SPECIMEN_IMAGE } from '../helpers/aksk.js';
import { buildTestApp, getToken, PASSPORT_PATH, type TestApp } from '../helpers/index.js';

describe('the result cache on OCR routes', () => {
  let t: TestApp;

  async function sendTwice(config = {}) {
    const engine = mrzEngine();
    t = await buildTestApp({ engine, config });
    const token = await getToken(t.app);
    const payload = { image: await SPECIMEN_IMAGE() };
    const first = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload });
    const calls = engine.requests.length;
    const second = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload });
    return { first, second, callsFirst: calls, callsSecond: engine.requests.length - calls };
  }

  it('answers a repeated image from the cache, without OCR, with the same result', async () => {
    const { first, second, callsFirst, callsSecond } = await sendTwice();
    expect(first.statusCode).toBe(200);
    expect(first.json().result.passport_number).toBe('L898902C3');
    expect(callsFirst).toBeGreaterThan(0);
    expect(callsSecond).toBe(0);
    // The very text of the first answer, sent again as it is.
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('recognises again when the cache is off', async () => {
    const { second, callsSecond } = await sendTwice({ resultCacheEntries: 0 });
    expect(second.statusCode).toBe(200);
    expect(callsSecond).toBeGreaterThan(0);
  });
});
