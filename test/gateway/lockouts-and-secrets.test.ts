/**
 * Issue 12, the low findings (the 11 error paths and SIGTERM's 503 are in test/connections.test.ts): the default
 * token secret beyond loopback, tokens of removed users, namespace rotation against the AK lockout, IAM password
 * comparison and failure throttle, and throttle state that never shrank.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SERVER_WIDE_LOCKOUT } from '../../src/gateway/lockouts.js';
import { IdentityDirectory } from '../../src/gateway/identities.js';
import { FixedWindowCounter } from '../../src/gateway/fixed-window.js';
import { mrzEngine, SPECIMEN_IMAGE, vendorSignedRequest } from '../helpers/aksk.js';
import { buildTestApp, DEFAULT_CREDENTIALS, getToken, PASSPORT_PATH, tokenRequestBody, type TestApp } from '../helpers/index.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

describe('the default token secret (issue 12, low)', () => {
  async function warningsWhenListeningOn(host: string, tokenSecret?: string): Promise<string[]> {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    t = await buildTestApp({ config: { logLevel: 'warn', ...(tokenSecret ? { tokenSecret } : {}) }, logStream: stream });
    await t.app.listen({ port: 0, host });
    await t.app.close();
    t = undefined;
    return lines.map((line) => String((JSON.parse(line) as { msg: string }).msg)).filter((msg) => msg.includes('tokenSecret'));
  }

  it('is warned about at start when the server listens beyond loopback', async () => {
    expect(await warningsWhenListeningOn('0.0.0.0')).toEqual([expect.stringContaining('OCR_MOCK_TOKEN_SECRET')]);
    expect(await warningsWhenListeningOn('127.0.0.1')).toEqual([]);
    expect(await warningsWhenListeningOn('0.0.0.0', 'a-secret-of-our-own')).toEqual([]);
  });
});

describe('tokens of removed users (issue 12, low)', () => {
  it('stop working once the user is removed, or taken off the project', async () => {
    t = await buildTestApp({ engine: mrzEngine() });
    const token = await getToken(t.app);
    const image = await SPECIMEN_IMAGE();
    const ocr = () => t!.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: { image } });
    expect((await ocr()).statusCode).toBe(200);
    const other = { domain: 'mock-domain', user: 'someone-else', password: 'pw', projects: [{ id: 'p2', name: 'other' }] };
    await t.app.inject({ method: 'PATCH', url: '/_mock/config', payload: { identities: [other] } });
    expect((await ocr()).json()).toEqual({ error_code: 'ModelArts.0203', error_msg: 'Invalid token.' });
    // The same user again, but without the token's project.
    await t.app.inject({ method: 'PATCH', url: '/_mock/config', payload: { identities: [{ ...DEFAULT_CREDENTIALS, projects: [{ id: 'p2', name: 'other' }] }] } });
    expect((await ocr()).json().error_code).toBe('ModelArts.0203');
    await t.app.inject({ method: 'POST', url: '/_mock/reset' });
    expect((await ocr()).statusCode).toBe(200);
  });
});

describe('the AK lockout across namespaces (issue 12, low)', () => {
  it('locks the AK everywhere after 50 failures spread over fresh namespaces; a namespace still locks after 5', async () => {
    t = await buildTestApp({ engine: mrzEngine(), clock: new ManualClock(Date.now()) });
    const image = await SPECIMEN_IMAGE();
    const signed = (namespace: string, sk?: string) =>
      vendorSignedRequest({ path: PASSPORT_PATH, body: { image }, headers: { 'X-Mock-Namespace': namespace }, ...(sk ? { sk } : {}) });
    // Four failures in each of many namespaces: never five in one, so no namespace's own lock is reached.
    let failures = 0;
    for (let n = 0; failures < SERVER_WIDE_LOCKOUT.maxFailures; n++) {
      for (let i = 0; i < 4 && failures < SERVER_WIDE_LOCKOUT.maxFailures; i++, failures++) {
        const answer = await t.app.inject(await signed(`rotating-${n}`, 'a-guessed-secret'));
        expect(answer.json().error_msg).toContain('verify aksk signature fail');
      }
    }
    const locked = await t.app.inject(await signed('a-fresh-namespace'));
    expect(locked.json()).toMatchObject({ error_code: 'APIG.0301', error_msg: expect.stringContaining('AK access failed to reach the limit') });
    // A reset of everything lifts it.
    await t.app.inject({ method: 'POST', url: '/_mock/reset' });
    expect((await t.app.inject(await signed('a-fresh-namespace'))).statusCode).toBe(200);
    // A namespace's own five-failure lock is unchanged, and stays its own.
    for (let i = 0; i < 5; i++) await t.app.inject(await signed('one-test', 'a-guessed-secret'));
    expect((await t.app.inject(await signed('one-test'))).json().error_msg).toContain('AK access failed to reach the limit');
    expect((await t.app.inject(await signed('another-test'))).statusCode).toBe(200);
  });
});

describe('IAM passwords (issue 12, low)', () => {
  it('are compared whole: an unknown user, a prefix, a longer password all fail', () => {
    const directory = new IdentityDirectory([{ ...DEFAULT_CREDENTIALS, projects: [{ id: 'p', name: 'p' }] }]);
    const { domain, user, password } = DEFAULT_CREDENTIALS;
    expect(directory.authenticate(domain, user, password)?.user).toBe(user);
    for (const wrong of [password.slice(0, -1), `${password}x`, password.toUpperCase(), '']) expect(directory.authenticate(domain, user, wrong)).toBeUndefined();
    expect(directory.authenticate(domain, 'nobody', password)).toBeUndefined();
  });

  it('throttles failed logins per address and user: 429 with Retry-After until the minute ends', async () => {
    const clock = new ManualClock();
    t = await buildTestApp({ clock, config: { iamMaxFailuresPerMinute: 3 } });
    const login = (password: string, user = DEFAULT_CREDENTIALS.user) =>
      t!.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: tokenRequestBody(undefined, { ...DEFAULT_CREDENTIALS, user, password }) });
    for (let i = 0; i < 3; i++) expect((await login('wrong')).statusCode).toBe(401);
    const throttled = await login(DEFAULT_CREDENTIALS.password);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json()).toEqual({ error: { code: 429, message: expect.any(String), title: 'Too Many Requests' } });
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // Another user is not affected; and after the minute, the right password works.
    expect((await login('wrong', 'another-user')).statusCode).toBe(401);
    clock.advance(60_000);
    expect((await login(DEFAULT_CREDENTIALS.password)).statusCode).toBe(201);
  });
});

describe('throttle state (issue 12, low)', () => {
  it('stays fast and bounded with 60,000 namespaces in one window, and drops ended windows', () => {
    const counter = new FixedWindowCounter(20_000);
    const started = performance.now();
    for (let i = 0; i < 60_000; i++) counter.hit(`namespace-${i}`, 1_000 + i, 60_000);
    const took = performance.now() - started;
    expect(counter.size).toBe(20_000);
    // Swept by walking every live window on each new key, this took minutes.
    expect(took).toBeLessThan(5_000);
    // The window of the newest key is intact; after the minute, one hit drops every ended window.
    expect(counter.peek('namespace-59999', 61_000, 60_000).state.count).toBe(1);
    counter.hit('late', 200_000, 60_000);
    expect(counter.size).toBe(1);
  });

  it('keeps a live window where it is, and moves a restarted one to the back', () => {
    const counter = new FixedWindowCounter();
    counter.hit('a', 0, 1000);
    counter.hit('b', 10, 1000);
    counter.hit('a', 500, 1000);
    expect(counter.peek('a', 600, 1000).state).toEqual({ count: 2, start: 0 });
    counter.hit('a', 1200, 1000); // a's window ended: it restarts, and b's (ended at 1010) is dropped
    expect(counter.size).toBe(1);
    expect(counter.peek('a', 1300, 1000).state).toEqual({ count: 1, start: 1200 });
  });
});
