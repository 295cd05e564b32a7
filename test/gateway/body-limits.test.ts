/**
 * Issue 12, finding 1 (large bodies, no credentials needed) and issue 17, points 3 and 4 (body limits, Content-Type).
 * What is refused is refused before the body is read: shown over a socket, by an answer that arrives while the body
 * it announced never does. What is read is parsed only after authentication, and never into millions of objects.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { exceedsJsonLimits, MAX_JSON_DEPTH, MAX_JSON_MEMBERS } from '../../src/gateway/json-depth.js';
import { mrzEngine, SPECIMEN_IMAGE, vendorSignedRequest } from '../helpers/aksk.js';
import { buildTestApp, getToken, PASSPORT_PATH, tokenRequestBody, type TestApp } from '../helpers/index.js';
import { rawRequest } from '../helpers/net.js';

const MiB = 1024 * 1024;

describe('refused before the body is read (issue 12, finding 1)', () => {
  let t: TestApp;
  let port: number;
  let token: string;

  beforeAll(async () => {
    t = await buildTestApp({ engine: mrzEngine() });
    token = await getToken(t.app);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(() => t.app.close());

  /** Announces a 13 MB JSON body, sends 20 bytes of it, and waits up to 3 s for an answer. */
  const announce = (method: string, path: string, headers: Record<string, string> = {}, length = 13 * MiB) =>
    rawRequest(
      port,
      [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', `Content-Length: ${length}`]
        .concat(Object.entries(headers).map(([name, value]) => `${name}: ${value}`))
        .join('\r\n'),
      '[[[[[[[[[[[[[[[[[[[[',
      3000,
    );

  it('answers an unknown path, IAM, the admin API and unauthenticated OCR calls without waiting for the body', async () => {
    const cases = [
      ['unknown path', await announce('POST', '/v2/x/ocr/none'), 404, 'APIG.0101'],
      ['unknown admin path', await announce('POST', '/_mock/nothing'), 404, 'not-found'],
      ['IAM over 64 KB', await announce('POST', '/v3/auth/tokens'), 413, undefined],
      ['admin reset over 64 KB', await announce('POST', '/_mock/reset'), 400, 'bad-request'],
      ['OCR without credentials', await announce('POST', PASSPORT_PATH), 401, 'APIG.0301'],
      ['OCR with a junk Authorization', await announce('POST', PASSPORT_PATH, { Authorization: 'junk' }), 401, 'APIG.0301'],
      [
        'OCR signed by an unknown AK',
        await announce('POST', PASSPORT_PATH, {
          Authorization: 'SDK-HMAC-SHA256 Access=NOSUCHKEY, SignedHeaders=host;x-sdk-date, Signature=00',
          'X-Sdk-Date': '20260101T000000Z',
        }),
        401,
        'APIG.0301',
      ],
      ['OCR with a token, over 10 MB', await announce('POST', PASSPORT_PATH, { 'X-Auth-Token': token }), 413, 'ModelArts.4104'],
    ] as const;
    for (const [name, answer, status, code] of cases) {
      expect(answer.status, name).toBe(status);
      expect(answer.firstByteMs, name).not.toBeNull();
      if (code) expect(answer.body, name).toContain(code);
    }
  });

  it('holds a chunked token body to 10 MB as it arrives', async () => {
    const chunk = Buffer.alloc(MiB, 0x41);
    const body = Buffer.concat([Buffer.from('b00000\r\n'.replace('b00000', (11 * MiB).toString(16))), ...Array(11).fill(chunk), Buffer.from('\r\n0\r\n\r\n')]);
    const answer = await rawRequest(
      port,
      [`POST ${PASSPORT_PATH} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', 'Transfer-Encoding: chunked', `X-Auth-Token: ${token}`].join('\r\n'),
      body,
      5000,
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error_code: 'ModelArts.4104', error_msg: 'Invalid Request Content Length.' });
  });
});

describe('parsed only after authentication, within limits (issue 12, finding 1)', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    // Signed requests carry the real time: the server's clock must be near it.
    t = await buildTestApp({ engine: mrzEngine(), clock: new ManualClock(Date.now()) });
    token = await getToken(t.app);
  });
  afterAll(() => t.app.close());

  it('refuses deep and wide JSON from its bytes, without building it: memory stays flat', async () => {
    const deep = '['.repeat(4_500_000) + ']'.repeat(4_500_000);
    const wide = `{"image":"x","a":[${'0,'.repeat(4_000_000)}0]}`;
    const before = process.memoryUsage().rss;
    const answers = await Promise.all(
      [deep, deep, wide, wide].map((payload) =>
        t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token, 'content-type': 'application/json' }, payload }),
      ),
    );
    const grown = (process.memoryUsage().rss - before) / MiB;
    for (const answer of answers) expect(answer.json()).toEqual({ error_code: 'ModelArts.4105', error_msg: 'The JSON format of the input data is incorrect.' });
    // JSON.parse of one such body builds millions of arrays (hundreds of MB); four at once did 1.3–2.5 GB.
    expect(grown).toBeLessThan(150);
    console.log(`bodies: 2 deep + 2 wide 9 MB bodies refused, RSS +${Math.round(grown)} MB`);
  });

  it('does not parse before authenticating: a signed request with a broken body and a bad signature is APIG.0301', async () => {
    const signed = await vendorSignedRequest({ path: PASSPORT_PATH, body: { image: 'x' } });
    const headers = Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value]));
    // A wrong signature (its last hex digit changed) over a body that is not JSON at all.
    headers.authorization = String(headers.authorization).replace(/.$/, (digit) => (digit === '0' ? '1' : '0'));
    const answer = await t.app.inject({ ...signed, headers, payload: '[[[[' });
    expect(answer.json().error_code).toBe('APIG.0301');
  });

  it('counts nesting and values from the bytes, skipping strings', () => {
    expect(exceedsJsonLimits(Buffer.from('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)))).toBe(false);
    expect(exceedsJsonLimits(Buffer.from('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1)))).toBe(true);
    expect(exceedsJsonLimits(Buffer.from(`[${'1,'.repeat(MAX_JSON_MEMBERS - 2)}1]`))).toBe(false);
    expect(exceedsJsonLimits(Buffer.from(`[${'1,'.repeat(MAX_JSON_MEMBERS)}1]`))).toBe(true);
    // Brackets, commas and escaped quotes inside strings are text, not structure.
    expect(exceedsJsonLimits(Buffer.from(JSON.stringify({ s: `\\"${'[,'.repeat(20_000)}"` })))).toBe(false);
    expect(exceedsJsonLimits(Buffer.from(JSON.stringify({ s: 'a\\', t: '['.repeat(600) })))).toBe(false);
  });

  it('keeps IAM bodies small: over 64 KB is 413 in the IAM shape', async () => {
    const body = tokenRequestBody() as { auth: Record<string, unknown> };
    const answer = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: { ...body, padding: 'x'.repeat(70_000) } });
    expect(answer.statusCode).toBe(413);
    expect(answer.json()).toEqual({ error: { code: 413, message: 'The request body is too large.', title: 'Request Entity Too Large' } });
  });
});

describe('body limits of the API reference (issue 17, point 3)', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await buildTestApp({ engine: mrzEngine(), clock: new ManualClock(Date.now()) });
    token = await getToken(t.app);
  });
  afterAll(() => t.app.close());

  /** A JSON body of exactly `size` bytes whose image is base64 of nothing the intake accepts. */
  const bodyOf = (size: number) => {
    const head = '{"image":"';
    return `${head}${'A'.repeat(size - head.length - 2)}"}`;
  };

  it('takes 10 MB with a token (ModelArts.4104 past it) and 12 MB with an AK/SK signature', async () => {
    const post = (payload: string, headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'content-type': 'application/json', ...headers }, payload });

    // Under each limit the body is read, and judged by its image (base64 of zeros is no format: AIS.0102).
    expect((await post(bodyOf(10 * MiB), { 'x-auth-token': token })).json().error_code).toBe('AIS.0102');
    const over = await post(bodyOf(10 * MiB + 1), { 'x-auth-token': token });
    expect(over.statusCode).toBe(413);
    expect(over.json()).toEqual({ error_code: 'ModelArts.4104', error_msg: 'Invalid Request Content Length.' });

    for (const [size, code] of [
      [10 * MiB + 1, 'AIS.0102'],
      [12 * MiB, 'AIS.0102'],
      [12 * MiB + 1, 'ModelArts.4104'],
    ] as const) {
      const payload = bodyOf(size);
      const signed = await vendorSignedRequest({ path: PASSPORT_PATH, body: JSON.parse(payload), payload });
      expect((await t.app.inject(signed)).json().error_code, `${size} bytes signed`).toBe(code);
    }
  });
});

describe('Content-Type: JSON is the default (issue 17, point 4)', () => {
  let t: TestApp;
  let token: string;
  let image: string;
  beforeAll(async () => {
    t = await buildTestApp({ engine: mrzEngine() });
    token = await getToken(t.app);
    image = await SPECIMEN_IMAGE();
  });
  afterAll(() => t.app.close());

  const post = (headers: Record<string, string>, payload: string) => t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers, payload });

  it('reads a body without Content-Type as JSON', async () => {
    const answer = await post({ 'x-auth-token': token }, JSON.stringify({ image }));
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json().result.passport_number).toBe('L898902C3');
  });

  it('answers any other content type, text/plain included, ModelArts.4105, after authentication', async () => {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'application/xml']) {
      expect((await post({ 'x-auth-token': token, 'content-type': type }, JSON.stringify({ image }))).json(), type).toEqual({
        error_code: 'ModelArts.4105',
        error_msg: 'The JSON format of the input data is incorrect.',
      });
      expect((await post({ 'content-type': type }, JSON.stringify({ image }))).json().error_code, type).toBe('APIG.0301');
    }
    expect((await post({ 'x-auth-token': token, 'content-type': 'application/json; charset=utf-8' }, JSON.stringify({ image }))).statusCode).toBe(200);
  });
});
