/**
 * Issue 12, finding 7: at LOG_LEVEL=debug a refused signature logged its canonical request, which holds every
 * signed header, with the X-Security-Token of temporary credentials in clear. The logs are grepped for it.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { redactCanonicalRequest } from '../../src/gateway/aksk.js';
import { mrzEngine, SPECIMEN_IMAGE, vendorSignedRequest } from '../helpers/aksk.js';
import { buildTestApp, PASSPORT_PATH } from '../helpers/index.js';

const SECURITY_TOKEN = 'gQpjbi1ub3J0aC00SECURITYTOKENTHATMUSTNOTBELOGGED';

describe('debug logs redact credentials (issue 12, finding 7)', () => {
  it("logs a refused signature's canonical request with the X-Security-Token value redacted", async () => {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const t = await buildTestApp({ engine: mrzEngine(), clock: new ManualClock(Date.now()), config: { logLevel: 'debug' }, logStream: stream });
    try {
      const image = await SPECIMEN_IMAGE();
      // Temporary credentials sign X-Security-Token with the rest; a wrong SK makes the refusal log its canonical request.
      const forged = await vendorSignedRequest({ path: PASSPORT_PATH, body: { image }, sk: 'wrong-secret', headers: { 'X-Security-Token': SECURITY_TOKEN } });
      expect(Object.keys(forged.headers).map((name) => name.toLowerCase())).toContain('x-security-token');
      expect((await t.app.inject(forged)).statusCode).toBe(401);
      const refusal = lines.map((line) => JSON.parse(line) as { msg?: string; canonicalRequest?: string }).find((entry) => entry.msg === 'AK/SK signature refused');
      expect(refusal?.canonicalRequest).toContain('x-security-token:[redacted]');
      expect(lines.join('\n')).not.toContain(SECURITY_TOKEN);
      // Nor is it in the request log line's headers.
      expect(lines.join('\n')).not.toContain(SECURITY_TOKEN.slice(10, 30));
    } finally {
      await t.app.close();
    }
  });

  it("redacts only credential headers' values, line by line", () => {
    const canonical = ['POST', '/v2/p/ocr/passport/', '', 'content-type:application/json', 'x-auth-token:abc', 'x-security-token:def', 'x-sdk-date:20260101T000000Z', '', 'x'].join(
      '\n',
    );
    expect(redactCanonicalRequest(canonical)).toBe(
      ['POST', '/v2/p/ocr/passport/', '', 'content-type:application/json', 'x-auth-token:[redacted]', 'x-security-token:[redacted]', 'x-sdk-date:20260101T000000Z', '', 'x'].join(
        '\n',
      ),
    );
  });
});
