/**
 * The AK/SK verifier against the vendor's own signer (`@huaweicloud/huaweicloud-sdk-core`): requests it signs
 * must verify, and every way of breaking one must give the gateway's reason. Plus plain-string canonicalisation
 * and the lockout arithmetic on an injected clock.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify as stringifyQuery } from 'node:querystring';
import { afterEach, describe, expect, it } from 'vitest';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js';
import { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js';
import { DefaultHttpClient } from '@huaweicloud/huaweicloud-sdk-core/http/DefaultHttpClient.js';
import { HttpRequestBuilder } from '@huaweicloud/huaweicloud-sdk-core/http/IHttpRequestBuilder.js';
import {
  AKSK_REASONS,
  AkLockout,
  DEFAULT_MAX_SKEW_MS,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  parseAuthorization,
  parseSdkDate,
  sign,
  splitRequestTarget,
  stringToSign,
  verifySignature,
  verifySignatureWithLockout,
  type ReceivedRequest,
} from '../../src/gateway/signature.js';

const ENDPOINT = 'https://ocr.ae-ad-1.g42cloud.com';
const HOST = 'ocr.ae-ad-1.g42cloud.com';
const PROJECT_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const PASSPORT_PATH = `/v2/${PROJECT_ID}/ocr/passport`;
const AK = 'OCRMOCKACCESSKEY0001';
const SK = 'ocrmock-secret-key-0000000000000000000001';
const SIGNED_AT = '20261125T101500Z';
const SIGNED_AT_MS = Date.UTC(2026, 10, 25, 10, 15, 0);
const MINUTE = 60_000;
const BODY = { image: 'iVBORw0KGgoAAAANSUhEUgAAAA==', country_code: 'ARE' };

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const secrets: Record<string, string> = { [AK]: SK };
const lookupSecret = (access: string) => (Object.hasOwn(secrets, access) ? secrets[access] : undefined);

interface VendorSignOptions {
  body?: unknown;
  query?: Record<string, string | string[]>;
  contentType?: string;
  /** Extra headers given to the signer before it signs (it signs every header it is given). */
  headers?: Record<string, string>;
  ak?: string;
  sk?: string;
}

/**
 * Signs a passport request with the vendor's signer, the way `HcClient.buildRequest` prepares it for the
 * generated OCR client, and returns it in the form the HTTP layer must hand to `verifySignature`:
 * the path as sent, the query as DefaultHttpClient serialises it (`querystring.stringify`), lower-cased headers,
 * and the body bytes axios sends for a JSON object (`JSON.stringify`).
 */
async function vendorSigned(options: VendorSignOptions = {}): Promise<ReceivedRequest> {
  const { body = BODY, query = {}, contentType = 'application/json', headers = {}, ak = AK, sk = SK } = options;
  const credentials = new BasicCredentials().withAk(ak).withSk(sk).withProjectId(PROJECT_ID);
  const request = new HttpRequestBuilder()
    .withEndpoint(ENDPOINT)
    .withUrl('/v2/{project_id}/ocr/passport')
    // A preset X-Sdk-Date is kept by the signer, so the test controls the signing time.
    .withHeaders({ 'content-type': contentType, 'X-Sdk-Date': SIGNED_AT, ...headers })
    .withMethod('POST')
    .withPathParams({})
    .withData(body)
    .withQueryParams(query)
    .build();
  // The HcClient argument is only used for federated tokens, which BasicCredentials with an AK/SK never needs.
  const signed = await credentials.processAuthRequest(undefined as unknown as HcClient, request);
  const received: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers as Record<string, unknown>)) received[name.toLowerCase()] = String(value);
  return {
    method: 'POST',
    path: String(signed.url),
    query: stringifyQuery(query),
    headers: received,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  };
}

const verifyAt = (request: ReceivedRequest, now = SIGNED_AT_MS) => verifySignature({ request, lookupSecret, now, maxSkewMs: DEFAULT_MAX_SKEW_MS });

/** The canonical request for the default vendor-signed passport POST, written out by hand. */
const PASSPORT_CANONICAL = [
  'POST',
  `${PASSPORT_PATH}/`,
  '',
  `content-type:application/json\nhost:${HOST}\nx-project-id:${PROJECT_ID}\nx-sdk-date:${SIGNED_AT}\n`,
  'content-type;host;x-project-id;x-sdk-date',
  sha256(JSON.stringify(BODY)),
].join('\n');

describe('requests signed by the vendor SDK', () => {
  it('signs content-type, host, x-project-id and x-sdk-date, and the signature verifies', async () => {
    const request = await vendorSigned();
    expect(request.headers).toEqual({
      'content-type': 'application/json',
      'x-sdk-date': SIGNED_AT,
      'x-project-id': PROJECT_ID,
      host: HOST,
      authorization: expect.stringMatching(/^SDK-HMAC-SHA256 Access=OCRMOCKACCESSKEY0001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$/),
    });
    expect(verifyAt(request)).toEqual({ ok: true, access: AK });
  });

  it('computes the same canonical request and signature as the vendor, byte for byte', async () => {
    const request = await vendorSigned();
    const vendorSignature = parseAuthorization(String(request.headers.authorization))?.signature;
    const signedHeaders = ['content-type', 'host', 'x-project-id', 'x-sdk-date'];
    expect(canonicalRequest({ ...request, signedHeaders })).toBe(PASSPORT_CANONICAL);
    expect(sign(SK, stringToSign(SIGNED_AT, PASSPORT_CANONICAL))).toBe(vendorSignature);
  });

  it('verifies a query string: decoded, sorted by name then value, re-encoded the vendor way', async () => {
    const query = { zeta: ['2', '10', '1'], alpha: "x y!*'()+é~/", empty: '', 'a b': 'v' };
    const request = await vendorSigned({ query });
    // The signer sorts array values in place, so the SDK sends them sorted; querystring leaves !*'() unescaped.
    expect(request.query).toBe("zeta=1&zeta=10&zeta=2&alpha=x%20y!*'()%2B%C3%A9~%2F&empty=&a%20b=v");
    expect(verifyAt(request)).toEqual({ ok: true, access: AK });
    // Order and escaping on the wire do not matter, only the decoded pairs.
    const reordered = 'a+b=v&empty&zeta=2&alpha=x+y%21%2A%27%28%29%2B%C3%A9%7E/&zeta=10&zeta=1';
    expect(verifyAt({ ...request, query: reordered })).toEqual({ ok: true, access: AK });
  });

  it('verifies a body with non-ASCII text, hashed as UTF-8 bytes', async () => {
    const request = await vendorSigned({ body: { image: 'AAAA', note: 'مصر – Ünïcode ✓' } });
    expect(verifyAt(request)).toEqual({ ok: true, access: AK });
  });

  it('refuses a wrong secret key with the canonical request and string to sign for debugging', async () => {
    const request = await vendorSigned({ sk: 'not-the-secret' });
    expect(verifyAt(request)).toEqual({
      ok: false,
      reason: 'verify aksk signature fail',
      access: AK,
      detail: "signature does not match; compare canonicalRequest with the client's",
      canonicalRequest: PASSPORT_CANONICAL,
      stringToSign: `SDK-HMAC-SHA256\n${SIGNED_AT}\n${sha256(PASSPORT_CANONICAL)}`,
    });
  });

  it('answers Get secretKey failed for an unknown AK', async () => {
    const request = await vendorSigned({ ak: 'UNKNOWNACCESSKEY9999' });
    expect(verifyAt(request)).toMatchObject({
      ok: false,
      reason: 'Get secretKey failed',
      access: 'UNKNOWNACCESSKEY9999',
      detail: 'unknown access key UNKNOWNACCESSKEY9999',
    });
  });

  it('refuses a body altered by one byte', async () => {
    const request = await vendorSigned();
    const body = Buffer.from(request.body);
    body[10] = (body[10] ?? 0) ^ 0x01;
    expect(verifyAt({ ...request, body })).toMatchObject({ ok: false, reason: 'verify aksk signature fail', access: AK });
  });

  it('refuses re-serialised JSON that differs from the bytes signed (verification is over the raw body)', async () => {
    const request = await vendorSigned();
    const reserialised = Buffer.from(JSON.stringify(BODY, null, 1));
    expect(verifyAt({ ...request, body: reserialised })).toMatchObject({ ok: false, reason: 'verify aksk signature fail' });
  });

  it('refuses a path or query altered after signing', async () => {
    const request = await vendorSigned({ query: { a: '1' } });
    expect(verifyAt({ ...request, path: `/v2/${PROJECT_ID}/ocr/bankcard` })).toMatchObject({ ok: false, reason: 'verify aksk signature fail' });
    expect(verifyAt({ ...request, query: 'a=2' })).toMatchObject({ ok: false, reason: 'verify aksk signature fail' });
  });

  it('accepts up to 15 minutes of clock skew either way, and refuses 16', async () => {
    const request = await vendorSigned();
    expect(verifyAt(request, SIGNED_AT_MS + 15 * MINUTE)).toEqual({ ok: true, access: AK });
    expect(verifyAt(request, SIGNED_AT_MS - 15 * MINUTE)).toEqual({ ok: true, access: AK });
    expect(verifyAt(request, SIGNED_AT_MS + 16 * MINUTE)).toEqual({
      ok: false,
      reason: 'verify aksk signature fail',
      access: AK,
      detail: `X-Sdk-Date ${SIGNED_AT} is 960 s behind the server's clock (2026-11-25T10:31:00.000Z); at most 900 s allowed`,
      canonicalRequest: PASSPORT_CANONICAL,
      stringToSign: `SDK-HMAC-SHA256\n${SIGNED_AT}\n${sha256(PASSPORT_CANONICAL)}`,
    });
    expect(verifyAt(request, SIGNED_AT_MS - 16 * MINUTE)).toMatchObject({
      ok: false,
      reason: 'verify aksk signature fail',
      detail: expect.stringContaining('960 s ahead of'),
    });
  });

  it('refuses a missing or malformed X-Sdk-Date', async () => {
    const request = await vendorSigned();
    const { 'x-sdk-date': _date, ...withoutDate } = request.headers;
    expect(verifyAt({ ...request, headers: withoutDate })).toEqual({
      ok: false,
      reason: 'verify aksk signature fail',
      access: AK,
      detail: 'no X-Sdk-Date header',
      canonicalRequest: PASSPORT_CANONICAL.replace(`x-sdk-date:${SIGNED_AT}`, 'x-sdk-date:'),
    });
    for (const date of ['2026-11-25T10:15:00Z', '20261125T101500', '20261131T101500Z', 'Tue, 25 Nov 2026 10:15:00 GMT']) {
      expect(verifyAt({ ...request, headers: { ...request.headers, 'x-sdk-date': date } })).toMatchObject({
        ok: false,
        reason: 'verify aksk signature fail',
        detail: `X-Sdk-Date "${date}" is not YYYYMMDDTHHMMSSZ`,
      });
    }
  });

  it('refuses a request missing a header named in SignedHeaders', async () => {
    const request = await vendorSigned();
    const { 'x-project-id': _projectId, ...headers } = request.headers;
    expect(verifyAt({ ...request, headers })).toMatchObject({
      ok: false,
      reason: 'verify aksk signature fail',
      access: AK,
      detail: 'signed header(s) absent: x-project-id',
    });
  });

  it('ignores headers that were not signed, such as those added after signing', async () => {
    const request = await vendorSigned();
    const headers = { ...request.headers, 'user-agent': 'huaweicloud-usdk-nodejs/3.0', 'content-length': String(request.body.length) };
    expect(verifyAt({ ...request, headers })).toEqual({ ok: true, access: AK });
  });

  it('accepts UNSIGNED-PAYLOAD, which the SDK sends for non-JSON content types, whatever the body', async () => {
    const request = await vendorSigned({ contentType: 'application/octet-stream', body: 'raw bytes' });
    expect(request.headers['x-sdk-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(parseAuthorization(String(request.headers.authorization))?.signedHeaders).toEqual(['content-type', 'host', 'x-project-id', 'x-sdk-content-sha256', 'x-sdk-date']);
    expect(verifyAt(request)).toEqual({ ok: true, access: AK });
    expect(verifyAt({ ...request, body: Buffer.from('other bytes') })).toEqual({ ok: true, access: AK });
  });

  it('uses a stated X-Sdk-Content-Sha256 as the hash line only when it matches the body', async () => {
    const body = { image: 'AAAA' };
    const request = await vendorSigned({ body, headers: { 'X-Sdk-Content-Sha256': sha256(JSON.stringify(body)) } });
    expect(verifyAt(request)).toEqual({ ok: true, access: AK });
    expect(verifyAt({ ...request, body: Buffer.from('{"image":"BBBB"}') })).toMatchObject({
      ok: false,
      reason: 'verify aksk signature fail',
      detail: "X-Sdk-Content-Sha256 is neither UNSIGNED-PAYLOAD nor the body's SHA-256",
    });
  });

  it('refuses a missing or malformed Authorization without naming an AK', async () => {
    const request = await vendorSigned();
    const { authorization, ...headers } = request.headers;
    expect(verifyAt({ ...request, headers })).toEqual({ ok: false, reason: 'verify aksk signature fail', detail: 'no Authorization header' });
    const malformed = String(authorization).replace(', SignedHeaders', ',SignedHeaders');
    expect(verifyAt({ ...request, headers: { ...headers, authorization: malformed } })).toEqual({
      ok: false,
      reason: 'verify aksk signature fail',
      detail: 'Authorization is not "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b;…>, Signature=<hex>"',
    });
  });
});

describe('a request sent by the SDK over HTTP, verified as the server received it', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  interface Captured {
    url: string;
    method: string;
    headers: IncomingHttpHeaders;
    body: Buffer;
  }

  /** A bare node:http server that records the first request and answers `{}`. */
  async function captureServer(): Promise<{ endpoint: string; captured: Promise<Captured> }> {
    let resolveCaptured!: (value: Captured) => void;
    const captured = new Promise<Captured>((resolve) => (resolveCaptured = resolve));
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        resolveCaptured({ url: req.url ?? '', method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, captured };
  }

  it("verifies what Node received from HcClient (the generated OCR client's request options)", async () => {
    const { endpoint, captured } = await captureServer();
    const client = new HcClient(new DefaultHttpClient({}, [endpoint]))
      .withCredential(new BasicCredentials().withAk(AK).withSk(SK).withProjectId(PROJECT_ID))
      .withEndpoints([endpoint]);
    await client.sendRequest({
      method: 'POST',
      url: '/v2/{project_id}/ocr/passport',
      contentType: 'application/json;charset=UTF-8',
      queryParams: { zeta: ['b', 'a'], alpha: "x y!*'()+é" },
      pathParams: {},
      headers: { 'Content-Type': 'application/json;charset=UTF-8' },
      data: BODY,
    });
    const received = await captured;
    const { path, query } = splitRequestTarget(received.url);
    const request: ReceivedRequest = { method: received.method, path, query, headers: received.headers, body: received.body };
    expect({ path, signedHeaders: parseAuthorization(String(received.headers.authorization))?.signedHeaders }).toEqual({
      path: PASSPORT_PATH,
      signedHeaders: ['content-type', 'host', 'x-project-id', 'x-sdk-date'],
    });
    // The SDK read the clock itself, so verify at the real time.
    expect(verifySignature({ request, lookupSecret, now: Date.now(), maxSkewMs: DEFAULT_MAX_SKEW_MS })).toEqual({ ok: true, access: AK });
  });
});

describe('canonicalisation, plain strings', () => {
  it('builds a hand-written example exactly', () => {
    expect(
      canonicalRequest({
        method: 'GET',
        path: '/v1/objects',
        query: 'b=2&a=x+y%21&b=1&flag',
        headers: { host: 'example.com', 'x-sdk-date': SIGNED_AT, 'content-type': '  text/plain \t', accept: 'ignored' },
        signedHeaders: ['content-type', 'host', 'x-sdk-date'],
        body: Buffer.alloc(0),
      }),
    ).toBe(
      [
        'GET',
        '/v1/objects/',
        'a=x%20y%21&b=1&b=2&flag=',
        `content-type:text/plain\nhost:example.com\nx-sdk-date:${SIGNED_AT}\n`,
        'content-type;host;x-sdk-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
  });

  it('uses UNSIGNED-PAYLOAD literally in place of the body hash', () => {
    const canonical = canonicalRequest({
      method: 'PUT',
      path: '/',
      query: '',
      headers: { host: 'h', 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' },
      signedHeaders: ['host', 'x-sdk-content-sha256'],
      body: Buffer.from('anything'),
    });
    expect(canonical).toBe('PUT\n/\n\nhost:h\nx-sdk-content-sha256:UNSIGNED-PAYLOAD\n\nhost;x-sdk-content-sha256\nUNSIGNED-PAYLOAD');
  });

  it('encodes each raw path segment and always ends the URI with /', () => {
    expect(['/', '/v2/p/ocr/passport', '/v2/p/ocr/passport/', '/a b/é', '/a%20b', '/a+b~c'].map(canonicalUri)).toEqual([
      '/',
      '/v2/p/ocr/passport/',
      '/v2/p/ocr/passport/',
      '/a%20b/%C3%A9/',
      '/a%2520b/',
      '/a%2Bb~c/',
    ]);
  });

  it('canonicalises query strings', () => {
    expect(['', 'a=1', 'b=1&a=2', 'a=2&a=10&a=1', 'k=%7e%2A', 'x=a+b', 'x=a%2Bb', '&&a=&b', 'bad=%zz', '%C3%A9=%E2%9C%93'].map(canonicalQueryString)).toEqual([
      '',
      'a=1',
      'a=2&b=1',
      'a=1&a=10&a=2',
      'k=~%2A',
      'x=a%20b',
      'x=a%2Bb',
      'a=&b=',
      'bad=%25zz',
      '%C3%A9=%E2%9C%93',
    ]);
  });

  it('builds the string to sign and signs it with HMAC-SHA256', () => {
    expect(stringToSign(SIGNED_AT, 'canonical')).toBe(`SDK-HMAC-SHA256\n${SIGNED_AT}\n${sha256('canonical')}`);
    expect(sign('key', 'The quick brown fox jumps over the lazy dog')).toBe('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });

  it('splits a request-target into raw path and raw query', () => {
    expect(['/a/b?x=1&y=%20', '/a/b', '/a?', 'http://h:1/a?q', '/a#frag', '?q'].map(splitRequestTarget)).toEqual([
      { path: '/a/b', query: 'x=1&y=%20' },
      { path: '/a/b', query: '' },
      { path: '/a', query: '' },
      { path: '/a', query: 'q' },
      { path: '/a', query: '' },
      { path: '/', query: 'q' },
    ]);
  });
});

describe('parseAuthorization', () => {
  const sig = 'ab'.repeat(32);

  it('parses the exact form the vendor signer writes', () => {
    expect(parseAuthorization(`SDK-HMAC-SHA256 Access=AK1, SignedHeaders=content-type;host;x-sdk-date, Signature=${sig}`)).toEqual({
      access: 'AK1',
      signedHeaders: ['content-type', 'host', 'x-sdk-date'],
      signature: sig,
    });
  });

  it('rejects anything else', () => {
    for (const header of [
      '',
      `SDK-HMAC-SHA256 Access=AK1,SignedHeaders=host, Signature=${sig}`,
      `SDK-HMAC-SHA256  Access=AK1, SignedHeaders=host, Signature=${sig}`,
      `sdk-hmac-sha256 Access=AK1, SignedHeaders=host, Signature=${sig}`,
      `SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host, Signature=${sig}, Extra=1`,
      `SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=${sig}`,
      `SDK-HMAC-SHA256 Access=AK1, SignedHeaders=Host, Signature=${sig}`,
      `SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;;x-sdk-date, Signature=${sig}`,
      `SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host, Signature=`,
      `V11-HMAC-SHA256 Credential=AK1/20261125/ae-ad-1/ocr, SignedHeaders=host, Signature=${sig}`,
      `Bearer abc`,
    ]) {
      expect(parseAuthorization(header), header).toBeNull();
    }
  });
});

describe('parseSdkDate', () => {
  it('reads YYYYMMDDTHHMMSSZ as UTC and rejects every other shape or impossible date', () => {
    expect(
      ['20261125T101500Z', '20240229T235959Z', '20230229T000000Z', '20261125T246000Z', '20261125T101500', '2026-11-25T10:15:00Z', ' 20261125T101500Z'].map(parseSdkDate),
    ).toEqual([SIGNED_AT_MS, Date.UTC(2024, 1, 29, 23, 59, 59), null, null, null, null, null]);
  });
});

describe('AkLockout', () => {
  const T0 = SIGNED_AT_MS;
  const lockMs = 5 * MINUTE;
  const newLockout = (maxTrackedKeys?: number) => new AkLockout({ maxFailures: 5, lockMs, ...(maxTrackedKeys === undefined ? {} : { maxTrackedKeys }) });

  it('locks on the fifth consecutive failure, for five minutes, then starts again from zero', () => {
    const lockout = newLockout();
    for (let i = 1; i <= 4; i++) expect(lockout.recordFailure(AK, T0 + i)).toEqual({ failures: i, lockedUntil: null });
    expect(lockout.isLocked(AK, T0 + 4)).toBe(false);
    expect(lockout.recordFailure(AK, T0 + 5)).toEqual({ failures: 5, lockedUntil: T0 + 5 + lockMs });
    expect(lockout.isLocked(AK, T0 + 5 + lockMs - 1)).toBe(true);
    expect(lockout.isLocked(AK, T0 + 5 + lockMs)).toBe(false);
    expect(lockout.status(AK, T0 + 5 + lockMs)).toEqual({ failures: 0, lockedUntil: null });
  });

  it('does not extend a lock for failures while locked', () => {
    const lockout = newLockout();
    for (let i = 0; i < 5; i++) lockout.recordFailure(AK, T0);
    expect(lockout.recordFailure(AK, T0 + MINUTE)).toEqual({ failures: 5, lockedUntil: T0 + lockMs });
  });

  it('resets the count on a success, so only consecutive failures lock', () => {
    const lockout = newLockout();
    for (let i = 0; i < 4; i++) lockout.recordFailure(AK, T0);
    lockout.recordSuccess(AK);
    for (let i = 0; i < 4; i++) lockout.recordFailure(AK, T0);
    expect(lockout.status(AK, T0)).toEqual({ failures: 4, lockedUntil: null });
  });

  it('tracks AKs separately, forgets the least recently failed beyond its cap, and resets', () => {
    const lockout = newLockout(2);
    lockout.recordFailure('A', T0);
    lockout.recordFailure('B', T0);
    lockout.recordFailure('A', T0);
    lockout.recordFailure('C', T0);
    expect(['A', 'B', 'C'].map((ak) => lockout.status(ak, T0))).toEqual([
      { failures: 2, lockedUntil: null },
      { failures: 0, lockedUntil: null },
      { failures: 1, lockedUntil: null },
    ]);
    lockout.reset();
    expect(lockout.status('A', T0)).toEqual({ failures: 0, lockedUntil: null });
  });

  it('rejects nonsensical options', () => {
    expect(() => new AkLockout({ maxFailures: 0, lockMs })).toThrow(RangeError);
    expect(() => new AkLockout({ maxFailures: 5, lockMs: -1 })).toThrow(RangeError);
    expect(() => new AkLockout({ maxFailures: 5, lockMs, maxTrackedKeys: 0 })).toThrow(RangeError);
  });
});

describe('verifySignatureWithLockout', () => {
  const verify = (request: ReceivedRequest, lockout: AkLockout, now: number) => verifySignatureWithLockout({ request, lookupSecret, now, maxSkewMs: DEFAULT_MAX_SKEW_MS, lockout });

  it('after five bad signatures refuses even a correct one for five minutes', async () => {
    const lockout = new AkLockout({ maxFailures: 5, lockMs: 5 * MINUTE });
    const good = await vendorSigned();
    const bad = await vendorSigned({ sk: 'wrong' });
    for (let i = 0; i < 5; i++) expect(verify(bad, lockout, SIGNED_AT_MS)).toMatchObject({ ok: false, reason: AKSK_REASONS.signatureFail });
    expect(verify(good, lockout, SIGNED_AT_MS)).toEqual({
      ok: false,
      reason: 'AK access failed to reach the limit,forbidden',
      access: AK,
      detail: `access key ${AK} is locked after repeated failures`,
    });
    expect(verify(good, lockout, SIGNED_AT_MS + 5 * MINUTE - 1)).toMatchObject({ ok: false, reason: AKSK_REASONS.locked });
    expect(verify(good, lockout, SIGNED_AT_MS + 5 * MINUTE)).toEqual({ ok: true, access: AK });
  });

  it('clears the count on success and never counts unknown AKs', async () => {
    const lockout = new AkLockout({ maxFailures: 5, lockMs: 5 * MINUTE });
    const good = await vendorSigned();
    const bad = await vendorSigned({ sk: 'wrong' });
    const unknown = await vendorSigned({ ak: 'UNKNOWNACCESSKEY9999' });
    for (let i = 0; i < 4; i++) verify(bad, lockout, SIGNED_AT_MS);
    expect(verify(good, lockout, SIGNED_AT_MS)).toEqual({ ok: true, access: AK });
    expect(lockout.status(AK, SIGNED_AT_MS)).toEqual({ failures: 0, lockedUntil: null });
    for (let i = 0; i < 6; i++) expect(verify(unknown, lockout, SIGNED_AT_MS)).toMatchObject({ reason: AKSK_REASONS.unknownAccessKey });
    expect(lockout.status('UNKNOWNACCESSKEY9999', SIGNED_AT_MS)).toEqual({ failures: 0, lockedUntil: null });
  });
});
