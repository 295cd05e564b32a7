/**
 * The `url` image field: address classification and URL checks with plain strings, then the fetcher against
 * local HTTP servers on 127.0.0.1 (port 0), then the route. No sleeps: the one timeout case uses a 100 ms limit.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors/catalogue.js';
import { urlFetcher, type Resolver, type UrlFetchOptions } from '../../src/image/fetch-url.js';
import { checkUrl, classifyAddress, compilePolicy, isAddressAllowed } from '../../src/image/url-policy.js';
import { buildTestApp, getToken, PASSPORT_PATH, samplePng, FakeEngine, type TestApp } from '../helpers/index.js';

describe('classifyAddress', () => {
  it('classifies IPv4 and IPv6 addresses', () => {
    const cases: Record<string, string> = {
      '8.8.8.8': 'public',
      '2001:4860:4860::8888': 'public',
      '127.0.0.1': 'loopback',
      '127.9.9.9': 'loopback',
      '::1': 'loopback',
      '10.1.2.3': 'private',
      '172.16.0.1': 'private',
      '172.31.255.255': 'private',
      '172.32.0.1': 'public',
      '192.168.1.1': 'private',
      '169.254.169.254': 'link-local',
      'fe80::1': 'link-local',
      'fc00::1': 'unique-local',
      'fd12:3456::1': 'unique-local',
      '0.0.0.0': 'unspecified',
      '::': 'unspecified',
      '224.0.0.1': 'multicast',
      'ff02::1': 'multicast',
      '255.255.255.255': 'multicast',
      '100.64.0.1': 'reserved',
      '::ffff:10.0.0.1': 'private',
      '::ffff:169.254.169.254': 'link-local',
      '::ffff:127.0.0.1': 'loopback',
      '::10.0.0.1': 'private',
      '::a00:1': 'private',
      '::808:808': 'public',
      '64:ff9b::a00:1': 'reserved',
      '2002:a00:1::': 'reserved',
      'not-an-ip': 'invalid',
    };
    expect(Object.fromEntries(Object.keys(cases).map((address) => [address, classifyAddress(address)]))).toEqual(cases);
  });
});

describe('isAddressAllowed', () => {
  it('allows public addresses and, by default, loopback; nothing else', () => {
    const policy = compilePolicy({ allowLoopback: true, allowlist: [] });
    const verdicts = ['8.8.8.8', '127.0.0.1', '::1', '10.0.0.1', '169.254.169.254', 'fe80::1', 'fc00::1', '0.0.0.0', '224.0.0.1'].map((address) => [
      address,
      isAddressAllowed(policy, address),
    ]);
    expect(Object.fromEntries(verdicts)).toEqual({
      '8.8.8.8': true,
      '127.0.0.1': true,
      '::1': true,
      '10.0.0.1': false,
      '169.254.169.254': false,
      'fe80::1': false,
      'fc00::1': false,
      '0.0.0.0': false,
      '224.0.0.1': false,
    });
  });

  it('refuses loopback when told to, and opens addresses and ranges the allowlist names', () => {
    expect(isAddressAllowed(compilePolicy({ allowLoopback: false, allowlist: [] }), '127.0.0.1')).toBe(false);
    const policy = compilePolicy({ allowLoopback: false, allowlist: ['10.20.0.0/16', '192.168.1.7', 'fd00::/8', 'images.internal'] });
    expect(['10.20.3.4', '10.21.0.1', '192.168.1.7', '192.168.1.8', 'fd00::5', '::ffff:10.20.0.9', '127.0.0.1'].map((a) => isAddressAllowed(policy, a))).toEqual([
      true,
      false,
      true,
      false,
      true,
      true,
      false,
    ]);
  });
});

describe('checkUrl', () => {
  const code = (raw: string) => {
    try {
      checkUrl(raw);
      return 'ok';
    } catch (error) {
      return (error as ApiError).code;
    }
  };

  it('accepts http and https URLs without credentials', () => {
    expect(['http://example.com/a.png', 'https://example.com:8443/a.png?x=1', 'http://[::1]:8080/x'].map(code)).toEqual(['ok', 'ok', 'ok']);
  });

  it('refuses other schemes, credentials and what is not a URL with ModelArts.4601', () => {
    const refused = [
      'ftp://example.com/a.png',
      'file:///etc/passwd',
      'gopher://x/',
      'data:image/png;base64,AAAA',
      'http://user:pw@example.com/a.png',
      'http://user@example.com/',
      'not a url',
      '//example.com/a.png',
    ];
    expect(refused.map(code)).toEqual(refused.map(() => 'ModelArts.4601'));
  });
});

interface Site {
  url: string;
  hosts: Array<string | undefined>;
  server: Server;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A local server; `handler` picks, per request path, what to do with the response. */
async function site(handler: (path: string, headers: IncomingHttpHeaders) => (response: ServerResponse) => void): Promise<Site> {
  const hosts: Array<string | undefined> = [];
  const server = createServer((request, response) => {
    hosts.push(request.headers.host);
    handler(request.url ?? '/', request.headers)(response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hosts, server };
}

const PNG = await samplePng(300, 200);

const serve = (bytes: Buffer) => () => (response: ServerResponse) => response.end(bytes);

async function fetchCode(fetch: (url: string) => Promise<Buffer>, url: string): Promise<string> {
  try {
    await fetch(url);
    return 'ok';
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return error.code;
  }
}

const OPTIONS: UrlFetchOptions = { timeoutMs: 2_000, maxRedirects: 2, allowLoopback: true, allowlist: [] };

describe('urlFetcher against local servers', () => {
  it('fetches the bytes from a loopback server', async () => {
    const { url } = await site(serve(PNG));
    expect((await urlFetcher(OPTIONS)(`${url}/p.png`)).equals(PNG)).toBe(true);
  });

  it('follows redirects up to the limit, checking each hop', async () => {
    const target = await site(serve(PNG));
    const hops = await site((path) => (response) => {
      const next = Number(path.slice(1));
      response.writeHead(302, { location: next > 0 ? `/${next - 1}` : `${target.url}/p.png` }).end();
    });
    expect((await urlFetcher(OPTIONS)(`${hops.url}/1`)).equals(PNG)).toBe(true);
    expect(await fetchCode(urlFetcher(OPTIONS), `${hops.url}/2`)).toBe('ModelArts.4603');
  });

  it('refuses a redirect to a private, link-local or non-http target with ModelArts.4601', async () => {
    for (const location of ['http://10.0.0.1/x.png', 'http://169.254.169.254/latest/meta-data/', 'http://[fd00::1]/x', 'file:///etc/passwd', 'http://u:p@127.0.0.1/x']) {
      const { url } = await site(() => (response) => response.writeHead(301, { location }).end());
      expect({ location, code: await fetchCode(urlFetcher(OPTIONS), url) }).toEqual({ location, code: 'ModelArts.4601' });
    }
  });

  it('refuses loopback when urlAllowLoopback is off, unless the allowlist opens it', async () => {
    const { url } = await site(serve(PNG));
    expect(await fetchCode(urlFetcher({ ...OPTIONS, allowLoopback: false }), url)).toBe('ModelArts.4601');
    expect(await fetchCode(urlFetcher({ ...OPTIONS, allowLoopback: false, allowlist: ['127.0.0.1/32'] }), url)).toBe('ok');
  });

  it('gives ModelArts.4603 for a 404, a refused connection, and a redirect without Location', async () => {
    const missing = await site(() => (response) => response.writeHead(404).end('no'));
    expect(await fetchCode(urlFetcher(OPTIONS), `${missing.url}/x.png`)).toBe('ModelArts.4603');
    const closed = await site(serve(PNG));
    await new Promise((resolve) => closed.server.close(resolve));
    expect(await fetchCode(urlFetcher(OPTIONS), closed.url)).toBe('ModelArts.4603');
    const nowhere = await site(() => (response) => response.writeHead(302).end());
    expect(await fetchCode(urlFetcher(OPTIONS), nowhere.url)).toBe('ModelArts.4603');
  });

  it('gives ModelArts.4603 when the server is too slow, headers or body', async () => {
    const silent = await site(() => () => undefined);
    const fast = { ...OPTIONS, timeoutMs: 100 };
    expect(await fetchCode(urlFetcher(fast), silent.url)).toBe('ModelArts.4603');
    const dribbling = await site(() => (response) => response.writeHead(200, { 'content-length': '1000' }).write('x'));
    expect(await fetchCode(urlFetcher(fast), dribbling.url)).toBe('ModelArts.4603');
  });

  it('stops at 10 MB while streaming, with or without a Content-Length (AIS.0103)', async () => {
    const tenMb = 10 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024);
    const streaming = await site(() => (response) => {
      // Chunked: no Content-Length, so only counting while streaming can stop it.
      for (let i = 0; i < 11; i += 1) response.write(chunk);
      response.end();
    });
    expect(await fetchCode(urlFetcher(OPTIONS), streaming.url)).toBe('AIS.0103');
    const declared = await site(() => (response) => response.writeHead(200, { 'content-length': String(tenMb + 1) }).write('x'));
    expect(await fetchCode(urlFetcher(OPTIONS), declared.url)).toBe('AIS.0103');
    const exact = await site(() => (response) => response.end(Buffer.alloc(tenMb)));
    expect(await fetchCode(urlFetcher(OPTIONS), exact.url)).toBe('ok');
  });

  it('checks every address a name resolves to, and connects to the checked one with the original Host', async () => {
    const { url, hosts } = await site(serve(PNG));
    const port = new URL(url).port;
    const answers: Record<string, string[]> = {
      'images.test': ['127.0.0.1'],
      'metadata.test': ['169.254.169.254'],
      'mixed.test': ['127.0.0.1', '10.0.0.5'],
      'empty.test': [],
    };
    const resolve: Resolver = async (host) => {
      const found = answers[host];
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    const fetch = urlFetcher({ ...OPTIONS, resolve });
    expect(await fetchCode(fetch, `http://images.test:${port}/p.png`)).toBe('ok');
    expect(hosts.at(-1)).toBe(`images.test:${port}`);
    expect(await fetchCode(fetch, `http://metadata.test:${port}/`)).toBe('ModelArts.4601');
    expect(await fetchCode(fetch, `http://mixed.test:${port}/`)).toBe('ModelArts.4601');
    expect(await fetchCode(fetch, `http://empty.test:${port}/`)).toBe('ModelArts.4603');
    expect(await fetchCode(fetch, `http://unknown.test:${port}/`)).toBe('ModelArts.4603');
    // A host name on the allowlist may resolve anywhere.
    expect(await fetchCode(urlFetcher({ ...OPTIONS, resolve, allowlist: ['Metadata.Test'] }), `http://metadata.test:${port}/`)).toBe('ModelArts.4603');
  });
});

describe('url on OCR routes', () => {
  let t: TestApp;

  const post = async (payload: object) => t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': await getToken(t.app) }, payload });

  it('recognises the image behind a loopback URL', async () => {
    const engine = new FakeEngine();
    t = await buildTestApp({ engine });
    const { url } = await site(serve(PNG));
    const response = await post({ url: `${url}/p.png` });
    // The scripted engine reads nothing, so no MRZ: but the image was fetched and handed to OCR.
    expect(response.json().error_code).toBe('AIS.0104');
    expect(engine.requests.length).toBeGreaterThan(0);
  });

  it('answers the vendor codes for refused and failed URLs, and judges fetched bytes like base64 ones', async () => {
    t = await buildTestApp({ config: { urlTimeoutMs: 1_000 } });
    const missing = await site(() => (response) => response.writeHead(404).end());
    const notAnImage = await site(() => (response) => response.end('GIF89a...'));
    const cases = {
      'http://10.1.1.1/a.png': 'ModelArts.4601',
      'ftp://127.0.0.1/a.png': 'ModelArts.4601',
      'http://user:secret@127.0.0.1/a.png': 'ModelArts.4601',
      [`${missing.url}/a.png`]: 'ModelArts.4603',
      [`${notAnImage.url}/a.gif`]: 'AIS.0102',
      '': 'AIS.0101',
    };
    const answers: Record<string, string> = {};
    for (const url of Object.keys(cases)) answers[url] = (await post({ url })).json().error_code;
    expect(answers).toEqual(cases);
  });

  it('lets the urlAllowLoopback config switch loopback off', async () => {
    t = await buildTestApp({ config: { urlAllowLoopback: false } });
    const { url } = await site(serve(PNG));
    const response = await post({ url });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error_code: 'ModelArts.4601', error_msg: 'The URL is not allowed.' });
  });
});
