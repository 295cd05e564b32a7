/** Whatever a client sends in the gateway's headers and fields: a vendor envelope, never a 5xx. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, getToken, PASSPORT_PATH, type TestApp } from '../helpers/index.js';

// Header values Node accepts: visible ASCII and spaces, no leading or trailing space.
const headerText = fc
  .string({ unit: fc.constantFrom(...' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'), maxLength: 80 })
  .map((s) => s.trim());

const authorization = fc.oneof(
  headerText,
  fc
    .tuple(headerText, headerText, fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 64 }))
    .map(([a, h, s]) => `SDK-HMAC-SHA256 Access=${a}, SignedHeaders=${h}, Signature=${s}`),
  fc.constant('SDK-HMAC-SHA256 Access=OCRMOCKACCESSKEY0001, SignedHeaders=constructor;__proto__;host, Signature=00'),
);

// Only URLs that are refused before any DNS lookup or connection, so the property stays offline and fast.
const url = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('http://10.0.0.1/a.png', 'http://[fe80::1]/', 'ftp://127.0.0.1/', 'http://u:p@127.0.0.1/', 'file:///etc/passwd', 'http://0.0.0.0:1/', 'javascript:alert(1)'),
);

describe('gateway inputs, fuzzed', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await buildTestApp({ config: { rateLimitPerMinute: 100_000 } });
    token = await getToken(t.app);
  });
  afterAll(() => t.app.close());

  it('answers signatures of any shape with APIG.0301, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(authorization, fc.option(headerText, { nil: undefined }), async (auth, sdkDate) => {
        const headers: Record<string, string> = { authorization: auth };
        if (sdkDate !== undefined) headers['x-sdk-date'] = sdkDate;
        const response = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers, payload: { image: 'AAAA' } });
        expect(response.statusCode).toBe(401);
        expect(response.json().error_code).toBe('APIG.0301');
      }),
      { numRuns: 150 },
    );
  });

  it('answers any scenario header and any url with a 4xx vendor envelope', async () => {
    await fc.assert(
      fc.asyncProperty(headerText, url, async (scenario, imageUrl) => {
        const headers: Record<string, string> = { 'x-auth-token': token };
        if (scenario !== '') headers['x-mock-scenario'] = scenario;
        const response = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers, payload: { url: imageUrl } });
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
        expect(response.statusCode).toBeLessThan(500);
        expect(Object.keys(response.json())).toEqual(expect.arrayContaining(['error_code', 'error_msg']));
      }),
      { numRuns: 150 },
    );
  });
});
