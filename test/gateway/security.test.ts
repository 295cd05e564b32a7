/**
 * Issue 7, security, beyond what test/gateway-auth, test/aksk*, test/admin-config and test/url-input already prove:
 * - every secret comparison (token signature, AK/SK signature, admin token) goes through crypto.timingSafeEqual;
 * - SSRF: the metadata and private addresses in every spelling WHATWG URLs accept (decimal, hex, octal, short
 *   forms, IPv4-mapped IPv6, cloud metadata addresses of several providers), names whose DNS answers point there,
 *   redirects to such names, and DNS rebinding between hops. DNS is the fetcher's injected resolver: no real
 *   lookups, and the only connections are to a local server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/errors/catalogue.js';
import { urlFetcher, type Resolver, type UrlFetchOptions } from '../../src/image/fetch-url.js';
import { checkUrl, hostOf } from '../../src/image/url-policy.js';
import { vendorSignedRequest } from '../helpers/aksk.js';
import { buildQuietApp, expectAdmin4xx, expectVendor4xx, type QuietApp } from '../helpers/index.js';
import { getToken, PASSPORT_PATH, samplePng } from '../helpers/index.js';

const compared = vi.hoisted(() => ({ calls: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual: typeof crypto.timingSafeEqual = (a, b) => {
    compared.calls += 1;
    return crypto.timingSafeEqual(a, b);
  };
  return { ...crypto, default: { ...crypto, timingSafeEqual }, timingSafeEqual };
});

describe('secrets are compared in constant time (issue 7)', () => {
  const ADMIN_TOKEN = 'admin-token-0123456789';
  let t: QuietApp;
  let token: string;
  beforeAll(async () => {
    t = await buildQuietApp({ config: { adminToken: ADMIN_TOKEN } });
    token = await getToken(t.app);
    return () => t.app.close();
  });

  /** timingSafeEqual calls made while answering `call`, and the answer's code. */
  async function comparisons(call: () => Promise<string>): Promise<{ code: string; calls: number }> {
    const before = compared.calls;
    const code = await call();
    return { code, calls: compared.calls - before };
  }

  it('a token whose signature is altered (same length)', async () => {
    const [payload, signature = ''] = token.split('.');
    const altered = `${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const result = await comparisons(async () => expectVendor4xx(await t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': altered }, payload: {} })));
    expect(result).toEqual({ code: 'APIG.0301', calls: 1 });
  });

  it('an AK/SK signature made with the wrong secret key', async () => {
    // The vendor signer stamps X-Sdk-Date from the real clock; this app's clock is fixed, so move it there.
    t.clock.set(Date.now());
    const forged = await vendorSignedRequest({ path: PASSPORT_PATH, body: { image: 'AAAA' }, sk: 'wrong-secret' });
    const result = await comparisons(async () => expectVendor4xx(await t.app.inject(forged)));
    expect(result).toEqual({ code: 'APIG.0301', calls: 1 });
  });

  it('an admin token of the right length but wrong', async () => {
    const wrong = ADMIN_TOKEN.replace(/.$/, 'X');
    const result = await comparisons(async () => expectAdmin4xx(await t.app.inject({ url: '/_mock/journal', headers: { 'x-mock-admin-token': wrong } })));
    expect(result).toEqual({ code: 'unauthorized', calls: 1 });
  });
});

// ---- SSRF ----

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function local(handler: (path: string, respond: (status: number, headers?: Record<string, string>, body?: Buffer) => void) => void) {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(`${request.headers.host} ${request.url}`);
    handler(request.url ?? '/', (status, headers = {}, body) => response.writeHead(status, headers).end(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, hits };
}

async function outcome(fetch: (url: string) => Promise<Buffer>, url: string): Promise<string> {
  try {
    await fetch(url);
    return 'fetched';
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return error.code;
  }
}

const STRICT: UrlFetchOptions = { timeoutMs: 2_000, maxRedirects: 3, allowLoopback: false, allowlist: [] };
const PNG = await samplePng(300, 200);

describe('SSRF-safe url (issue 7)', () => {
  it('refuses metadata, private and loopback addresses in every spelling a URL accepts', async () => {
    const spellings = [
      'http://169.254.169.254/latest/meta-data/',
      'http://2852039166/', // 169.254.169.254 as one decimal number
      'http://0xa9fea9fe/', // … in hex
      'http://0251.0376.0251.0376/', // … in octal
      'http://169.254.43518/', // … with the last two bytes as one number
      'http://0xA9.0xFE.0xA9.0xFE/',
      'http://[::ffff:169.254.169.254]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[0:0:0:0:0:ffff:a9fe:a9fe]/',
      'http://[fd00:ec2::254]/', // AWS's IPv6 metadata address (unique-local)
      'http://100.100.100.200/', // Alibaba Cloud metadata (carrier-grade NAT range)
      'http://192.0.0.192/', // Oracle Cloud metadata (IETF protocol assignments)
      'http://10.0.0.1/',
      'http://012.0.0.1/', // 10.0.0.1 in octal
      'http://172.16.0.1/',
      'http://192.168.0.1/',
      'http://127.0.0.1/',
      'http://127.1/',
      'http://0x7f000001/',
      'http://2130706433/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
      'http://0/',
      'http://[::]/',
      'http://[fe80::1]/',
      'http://[ff02::1]/',
      'http://255.255.255.255/',
      'http://224.0.0.1/',
      'https://169.254.169.254:443/',
      'http://169.254.169.254.:80/',
    ];
    // No resolver is needed: every one of them is an address literal once the URL is parsed.
    const fetch = urlFetcher({
      ...STRICT,
      resolve: async (host) => {
        throw new Error(`no DNS lookup expected, got ${host}`);
      },
    });
    const answers = await Promise.all(spellings.map(async (url) => [url, hostOf(checkUrl(url)), await outcome(fetch, url)]));
    expect(answers.filter(([, , code]) => code !== 'ModelArts.4601')).toEqual([]);
  });

  it('refuses a name whose DNS answers include such an address, whatever the record order or family', async () => {
    const answers: Record<string, string[]> = {
      'metadata.google.internal': ['169.254.169.254'],
      'public-then-private.test': ['93.184.216.34', '10.1.2.3'],
      'mapped.test': ['::ffff:10.0.0.1'],
      'v6-metadata.test': ['fd00:ec2::254'],
      'localhost.test': ['127.0.0.1'],
      'cgnat.test': ['100.64.0.1'],
    };
    const resolve: Resolver = async (host) => (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    const fetch = urlFetcher({ ...STRICT, resolve });
    const codes = await Promise.all(Object.keys(answers).map(async (host) => [host, await outcome(fetch, `http://${host}/image.png`)]));
    expect(Object.fromEntries(codes)).toEqual(Object.fromEntries(Object.keys(answers).map((host) => [host, 'ModelArts.4601'])));
  });

  it('refuses a redirect to a name that resolves to the metadata address, even from an allowlisted host', async () => {
    const { port, hits } = await local((_path, respond) => respond(302, { location: 'http://metadata.internal.test/latest/meta-data/' }));
    const resolve: Resolver = async (host) => [{ address: host === 'images.partner.test' ? '127.0.0.1' : '169.254.169.254', family: 4 }];
    const fetch = urlFetcher({ ...STRICT, allowlist: ['images.partner.test'], resolve });
    expect(await outcome(fetch, `http://images.partner.test:${port}/scan.png`)).toBe('ModelArts.4601');
    // The allowlisted host was reached (the first hop), the metadata address never was.
    expect(hits).toEqual([`images.partner.test:${port} /scan.png`]);
  });

  it('checks every hop again: DNS rebinding between a redirect and the next request is refused', async () => {
    const { port, hits } = await local((path, respond) => (path === '/first' ? respond(302, { location: '/second' }) : respond(200, {}, PNG)));
    // First answer a harmless address (loopback, allowed here for the local server), then the metadata address.
    let lookups = 0;
    const resolve: Resolver = async () => [{ address: lookups++ === 0 ? '127.0.0.1' : '169.254.169.254', family: 4 }];
    const fetch = urlFetcher({ ...STRICT, allowLoopback: true, resolve });
    expect(await outcome(fetch, `http://rebind.test:${port}/first`)).toBe('ModelArts.4601');
    expect({ lookups, hits }).toEqual({ lookups: 2, hits: [`rebind.test:${port} /first`] });
  });

  it('connects to the address it checked, not a second answer: one lookup per hop', async () => {
    const { port, hits } = await local((_path, respond) => respond(200, {}, PNG));
    let lookups = 0;
    const resolve: Resolver = async () => [{ address: lookups++ === 0 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
    const fetched = await urlFetcher({ ...STRICT, allowLoopback: true, resolve })(`http://pinned.test:${port}/p.png`);
    expect(fetched.equals(PNG)).toBe(true);
    expect({ lookups, hits }).toEqual({ lookups: 1, hits: [`pinned.test:${port} /p.png`] });
  });

  it('answers the route with ModelArts.4601 for metadata addresses, and never connects', async () => {
    const t = await buildQuietApp();
    const token = await getToken(t.app);
    for (const url of ['http://169.254.169.254/latest/meta-data/iam/', 'http://2852039166/', 'http://[::ffff:a9fe:a9fe]/', 'http://[fd00:ec2::254]/']) {
      const response = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token }, payload: { url } });
      expect({ url, code: expectVendor4xx(response) }).toEqual({ url, code: 'ModelArts.4601' });
    }
    await t.app.close();
  });
});
