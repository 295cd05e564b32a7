/**
 * Issue 7, faults, over HTTP: a recognition that wedges its tesseract.js worker is cut off by ocrTimeoutMs, the
 * request gets the vendor's ModelArts.4402 envelope (504), the worker is replaced, and the next request is
 * recognised as before. Real engine, one worker, no result cache, so the second success is a fresh recognition.
 * (test/ocr/engine-faults.test.ts proves the same at the engine level.)
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildQuietApp, expectVendorError, type QuietApp } from '../helpers/index.js';
import { realEngine } from '../helpers/engines.js';
import { getToken, PASSPORT_PATH } from '../helpers/index.js';

/** Far above one call on the clean fixture (well under a second each), far below reading the crammed page. */
const TIMEOUT_MS = 6_000;

/** A page crammed with text: reading all of it takes tesseract far longer than the timeout. */
async function grindingImage(): Promise<Buffer> {
  const rows = Array.from(
    { length: 90 },
    (_, i) => `<text x="10" y="${30 + i * 36}" font-size="28" font-family="DejaVu Sans">${`LINE ${i} QUICK BROWN FOX 0123456789 `.repeat(5)}</text>`,
  ).join('');
  return sharp(Buffer.from(`<svg width="3400" height="3300"><rect width="3400" height="3300" fill="white"/>${rows}</svg>`))
    .png()
    .toBuffer();
}

describe('a wedged OCR worker, over HTTP (issue 7)', () => {
  const engine = realEngine({ workers: 1, arabicWorkers: 1, timeoutMs: TIMEOUT_MS });
  let t: QuietApp;
  let token: string;
  const passport = readFileSync(new URL('../../fixtures/passport/p01-clean.png', import.meta.url)).toString('base64');
  const expected = JSON.parse(readFileSync(new URL('../../fixtures/passport/p01-clean.json', import.meta.url), 'utf8'));

  beforeAll(async () => {
    t = await buildQuietApp({ engine, config: { resultCacheEntries: 0 } });
    token = await getToken(t.app);
    await engine.warm();
  });
  afterAll(async () => {
    await t.app.close();
    await engine.close();
  });

  const post = (image: string) => t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: { image } });

  it('answers ModelArts.4402 (504) for the wedged recognition, replaces the worker, and recognises the next request', async () => {
    const first = await post(passport);
    expect(first.statusCode).toBe(200);
    expect(first.json().result.passport_number).toBe(expected.passport_number);

    const crammed = (await grindingImage()).toString('base64');
    const started = performance.now();
    const wedged = await post(crammed);
    const waited = performance.now() - started;
    expect(expectVendorError(wedged)).toBe('ModelArts.4402');
    expect(wedged.statusCode).toBe(504);
    expect(wedged.json()).toEqual({ error_code: 'ModelArts.4402', error_msg: 'Backend service timeout error.' });
    expect(engine.replacements).toBeGreaterThanOrEqual(1);
    // Cut off by the timeout, not left to run (reading the whole page takes tesseract many times longer). The timeout
    // is per engine call, so a request's answer comes within (calls it makes) × ocrTimeoutMs; here, one.
    expect(waited).toBeLessThan(3 * TIMEOUT_MS);

    const next = await post(passport);
    expect(next.statusCode).toBe(200);
    expect(next.json()).toEqual(first.json());
    expect((await t.app.inject({ url: '/health' })).statusCode).toBe(200);
    console.log(
      `worker faults: 1 wedged recognition cut off after ${Math.round(waited)} ms (timeout ${TIMEOUT_MS} ms), ${engine.replacements} worker(s) replaced, next request 200`,
    );
  });
});
