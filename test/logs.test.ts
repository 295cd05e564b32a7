/**
 * Issue 7, security: the logs never hold tokens, signatures, secret keys, passwords, the admin token or image
 * bytes. Everything the app writes at `trace` (its most verbose level) is captured through a token flow, OCR
 * calls by token and by url, AK/SK calls with a right and a wrong signature (whose refusal is logged at debug with
 * the canonical request), admin calls with a stub image; then the capture is searched for every secret.
 */
import { createHmac } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import type { Config } from '../src/config.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { mrzEngine, SANDBOX_AK, SANDBOX_SK, SPECIMEN_IMAGE, vendorSignedRequest } from './helpers/aksk.js';
import { DEFAULT_CREDENTIALS, PASSPORT_PATH, tokenRequestBody } from './helpers/index.js';

const ADMIN_TOKEN = 'admin-token-that-must-not-be-logged';
const URL_PASSWORD = 'url-password-that-must-not-be-logged';

/** Fragments of a base64 image from all along it: any one in the logs means image bytes leaked. */
function fragments(base64: string, count = 12, length = 24): string[] {
  const step = Math.floor((base64.length - length) / count);
  return Array.from({ length: count }, (_, i) => base64.slice(i * step + 16, i * step + 16 + length));
}

describe.each([{ debugSignatures: false }, { debugSignatures: true }])('the logs, at trace level, $debugSignatures', (settings) => {
  const lines: string[] = [];
  const secrets: Record<string, string> = {};
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const config = loadConfig({
      env: {},
      overrides: { logLevel: 'trace', warmup: false, adminToken: ADMIN_TOKEN, ...(settings as Partial<Config>) },
    });
    // The vendor signer stamps X-Sdk-Date from the real clock.
    app = await buildApp({ config, engine: mrzEngine(), clock: new ManualClock(Date.now()), logStream: stream, sleep: async () => {} });
    const image = await SPECIMEN_IMAGE();

    // IAM: the password goes in, the token comes out in a header.
    const issued = await app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: tokenRequestBody() });
    expect(issued.statusCode).toBe(201);
    const token = String(issued.headers['x-subject-token']);
    await app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: tokenRequestBody(undefined, { ...DEFAULT_CREDENTIALS, password: 'a-wrong-password-not-to-log' }) });

    // OCR by token: a success, a forced outcome, and a url carrying credentials.
    expect((await app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: { image } })).statusCode).toBe(200);
    await app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token, 'x-mock-scenario': 'error=AIS.0105' }, payload: { image } });
    await app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: { url: `http://user:${URL_PASSWORD}@127.0.0.1:1/a.png` } });
    // A token with its signature altered: refused, and neither version logged.
    const [payload = '', signature = ''] = token.split('.');
    const altered = `${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    expect((await app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': altered }, payload: { image } })).statusCode).toBe(401);

    // AK/SK: a right signature, then a wrong one (its refusal is logged at debug, canonical request and all).
    const good = await vendorSignedRequest({ path: PASSPORT_PATH, body: { image } });
    expect((await app.inject(good)).statusCode).toBe(200);
    const forged = await vendorSignedRequest({ path: PASSPORT_PATH, body: { image }, sk: 'a-wrong-secret-key-not-to-log' });
    expect((await app.inject(forged)).statusCode).toBe(401);
    const refusal = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'AK/SK signature refused');
    expect(refusal).toMatchObject({ access: SANDBOX_AK, canonicalRequest: expect.any(String), stringToSign: expect.any(String) });
    // The signature the server expected for that request: as good as the SK for replaying it, so never logged.
    const expectedSignature = createHmac('sha256', SANDBOX_SK).update(String(refusal?.stringToSign)).digest('hex');

    // Admin: the admin token in a header, an image in a stub.
    const stub = await app.inject({
      method: 'POST',
      url: '/_mock/stubs',
      headers: { 'x-mock-admin-token': ADMIN_TOKEN },
      payload: { api: 'passport', image, result: { passport_number: 'X' } },
    });
    expect(stub.statusCode).toBe(400); // the result does not fit the schema: refused, and still not logged
    await app.inject({ url: '/_mock/journal', headers: { 'x-mock-admin-token': 'a-wrong-admin-token-not-to-log' } });

    Object.assign(secrets, {
      token,
      'token signature': signature,
      'token claims': payload.slice(3, 40),
      'altered token': altered,
      SK: SANDBOX_SK,
      'wrong SK': 'a-wrong-secret-key-not-to-log',
      'good signature': /Signature=([0-9a-f]+)/.exec(good.headers.Authorization ?? '')?.[1] ?? 'missing',
      'forged signature': /Signature=([0-9a-f]+)/.exec(forged.headers.Authorization ?? '')?.[1] ?? 'missing',
      'expected signature': expectedSignature,
      password: DEFAULT_CREDENTIALS.password,
      'wrong password': 'a-wrong-password-not-to-log',
      'admin token': ADMIN_TOKEN,
      'wrong admin token': 'a-wrong-admin-token-not-to-log',
      'url password': URL_PASSWORD,
      ...Object.fromEntries(fragments(image).map((fragment, i) => [`image bytes #${i}`, fragment])),
    });
  });
  afterAll(() => app.close());

  it('captured the requests (the check is not vacuous)', () => {
    const text = lines.join('\n');
    // One line per request (src/gateway/request-log.ts), plus the refusals' and forced outcomes' detail at debug.
    expect(lines.length).toBeGreaterThan(12);
    expect(text).toContain(`POST ${PASSPORT_PATH} 200`);
    expect(text).toContain(SANDBOX_AK);
    expect(text).toContain('AK/SK signature refused');
  });

  it('holds no token, signature, secret key, password, admin token or image bytes', () => {
    const text = lines.join('\n');
    expect(Object.values(secrets).every((secret) => secret.length >= 8)).toBe(true);
    const leaked = Object.entries(secrets)
      .filter(([, secret]) => text.includes(secret))
      .map(([name]) => name);
    expect(leaked).toEqual([]);
    console.log(`logs: ${lines.length} lines at trace (debugSignatures ${settings.debugSignatures}), ${Object.keys(secrets).length} secrets, none found`);
  });
});
