/**
 * Issue 12, finding 6: with no admin token (the default), a page in the user's browser could reset the mock
 * (`POST /_mock/reset`, `text/plain`, `Origin: http://evil.example` answered 200) or change its config through a
 * rebound DNS name (`PATCH /_mock/config` accepted any `Host`). Refused now, before the body is read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { adminRefusal } from '../../src/mock/admin-guard.js';
import type { Config } from '../../src/config.js';
import { buildTestApp, type TestApp } from '../helpers/index.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

async function app(config: Partial<Config> = {}) {
  t = await buildTestApp({ config });
  return t.app;
}

describe('the admin API refuses cross-site calls (issue 12, finding 6)', () => {
  it("refuses the probe's reset from another site: 403 forbidden, and nothing is reset", async () => {
    const a = await app();
    await a.inject({ method: 'PATCH', url: '/_mock/config', payload: { rateLimitPerMinute: 7 } });
    const answer = await a.inject({
      method: 'POST',
      url: '/_mock/reset',
      headers: { origin: 'http://evil.example', 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(answer.statusCode).toBe(403);
    expect(answer.json()).toEqual({ error: 'forbidden', message: expect.stringContaining('http://evil.example') });
    expect((await a.inject({ url: '/_mock/config' })).json().rateLimitPerMinute).toBe(7);
  });

  it('refuses a Host that is a dotted name it was not told (DNS rebinding)', async () => {
    const a = await app();
    const answer = await a.inject({ method: 'PATCH', url: '/_mock/config', headers: { host: 'evil.example:8080' }, payload: { rateLimitPerMinute: 1 } });
    expect(answer.statusCode).toBe(403);
    expect(answer.json().error).toBe('forbidden');
    for (const host of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080', '172.17.0.2', 'ocr-mock:8080', 'app.localhost']) {
      expect((await a.inject({ url: '/_mock/config', headers: { host } })).statusCode, host).toBe(200);
    }
  });

  it('refuses bodies that are not JSON, which a page may send without a CORS preflight', async () => {
    const a = await app();
    for (const headers of [{ 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, {}]) {
      const answer = await a.inject({ method: 'POST', url: '/_mock/reset', headers, payload: Buffer.from('{}') });
      expect(answer.statusCode, JSON.stringify(headers)).toBe(415);
      expect(answer.json().error).toBe('unsupported-media-type');
    }
    // Without a body, or with JSON, as the AdminClient sends it.
    expect((await a.inject({ method: 'POST', url: '/_mock/reset' })).statusCode).toBe(200);
    expect((await a.inject({ method: 'PATCH', url: '/_mock/config', payload: { rateLimitPerMinute: 9 } })).statusCode).toBe(200);
  });

  it('answers its own page (same origin) and callers without Origin; Sec-Fetch-Site cross-site is refused', async () => {
    const a = await app();
    expect((await a.inject({ url: '/_mock/journal', headers: { host: 'localhost:8080', origin: 'http://localhost:8080' } })).statusCode).toBe(200);
    expect((await a.inject({ url: '/_mock/journal', headers: { host: 'localhost:8080', origin: 'http://localhost:3000' } })).statusCode).toBe(403);
    expect((await a.inject({ url: '/_mock/journal', headers: { origin: 'null' } })).statusCode).toBe(403);
    expect((await a.inject({ url: '/_mock/journal', headers: { 'sec-fetch-site': 'cross-site' } })).statusCode).toBe(403);
    expect((await a.inject({ url: '/_mock/journal', headers: { 'sec-fetch-site': 'same-origin' } })).statusCode).toBe(200);
  });

  it('opens deliberately: adminAllowedHosts and adminAllowedOrigins, or * for any', async () => {
    const a = await app({ adminAllowedHosts: ['ocr-mock.test'], adminAllowedOrigins: ['http://localhost:3000'] });
    expect((await a.inject({ url: '/_mock/journal', headers: { host: 'ocr-mock.test:8080' } })).statusCode).toBe(200);
    expect((await a.inject({ url: '/_mock/journal', headers: { host: 'localhost:8080', origin: 'http://localhost:3000' } })).statusCode).toBe(200);
    expect((await a.inject({ url: '/_mock/journal', headers: { host: 'other.test' } })).statusCode).toBe(403);
    await a.close();
    const open = await app({ adminAllowedHosts: ['*'], adminAllowedOrigins: ['*'] });
    expect((await open.inject({ url: '/_mock/journal', headers: { host: 'evil.example', origin: 'http://evil.example' } })).statusCode).toBe(200);
  });

  it('is a pure function of the headers', () => {
    const none = { allowedHosts: [], allowedOrigins: [] };
    expect(adminRefusal({ host: 'localhost' }, none)).toBeUndefined();
    expect(adminRefusal({ host: 'evil.example' }, none)?.code).toBe('forbidden');
    expect(adminRefusal({ host: 'localhost', origin: 'http://localhost:3000' }, none)?.code).toBe('forbidden');
    expect(adminRefusal({ host: 'localhost:8080', origin: 'http://localhost:8080' }, none)).toBeUndefined();
    expect(adminRefusal({ host: 'localhost', 'content-length': '2' }, none)?.code).toBe('unsupported-media-type');
    expect(adminRefusal({ host: 'localhost', 'content-type': 'application/json; charset=utf-8', 'content-length': '2' }, none)).toBeUndefined();
  });
});

describe('environment lists (issue 12, finding 6)', () => {
  it('reads OCR_MOCK_ADMIN_ALLOWED_HOSTS and _ORIGINS as comma-separated lists', async () => {
    const { loadConfig } = await import('../../src/config.js');
    const config = loadConfig({ env: { OCR_MOCK_ADMIN_ALLOWED_HOSTS: 'a.test, b.test', OCR_MOCK_ADMIN_ALLOWED_ORIGINS: 'http://localhost:3000' } });
    expect(config.adminAllowedHosts).toEqual(['a.test', 'b.test']);
    expect(config.adminAllowedOrigins).toEqual(['http://localhost:3000']);
  });
});
