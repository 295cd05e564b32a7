/**
 * Issue 7, bad input: property-based fuzzing of every route's body, headers and path with fast-check, over 10,000
 * cases in this file alone (counted and checked at the end). Random JSON, wrong types, huge strings, deep nesting,
 * unicode and lone surrogates, truncated or mangled base64, mutated tokens, hostile headers and paths.
 *
 * Every answer is its route family's error shape with a 4xx: the vendor envelope on OCR routes and unknown paths,
 * `{error, message}` under /_mock/, Keystone's shape on IAM. Never a 5xx, never fastify's own shape, and the app
 * still answers /health after each property. The engine is scripted and forced delays are recorded, so no case
 * runs OCR, sleeps or opens a connection (`url`s are refused or fail by policy: loopback is off).
 * The seed is fixed for CI; FUZZ_SEED=<n> explores others.
 */
import fc from 'fast-check';
import Fastify from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/gateway/token.js';
import { DEFAULT_PROJECT } from '../../src/config.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/errors/catalogue.js';
import { frameworkErrorHandler, registerErrorHandling } from '../../src/gateway/vendor-errors.js';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../../src/gateway/json-depth.js';
import { parseScenario } from '../../src/mock/scenario.js';
import { PASSPORT_RESULT } from '../helpers/index.js';
import { getToken, PROJECT_ID, samplePng, tokenRequestBody } from '../helpers/index.js';
import { buildQuietApp, expectAdmin4xx, expectIam4xx, expectVendor4xx, expectVendorError, FUZZ_SEED, OCR_APIS, type QuietApp } from '../helpers/index.js';

/** Cases run, per property; the total is checked and printed at the end. */
const counts: Record<string, number> = {};
const count = (name: string) => {
  counts[name] = (counts[name] ?? 0) + 1;
};
/** A subset of one of the above, reported but not added to the total. */
const SUBSETS = new Set(['admin calls without the admin token']);
const RUNS = { body: 3000, headers: 2000, tokens: 800, paths: 1600, iam: 1300, admin: 1500 };
const run = (numRuns: number) => ({ numRuns, seed: FUZZ_SEED, endOnFailure: true });

const PNG = await samplePng(200, 100);
const JPEG = await sharp(PNG).jpeg().toBuffer();
const TIFF = await sharp(PNG).tiff().toBuffer();
const IMAGES_B64 = [PNG, JPEG, TIFF].map((b) => b.toString('base64'));
const ocrPath = (api: string, project: string = PROJECT_ID) => `/v2/${project}/ocr/${api}`;

// ---- building blocks ----

const visibleAscii = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';
/** What an HTTP header value may carry: visible ASCII, spaces and tabs inside, and latin-1 bytes 0x80–0xFF. */
const headerValue = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom(...visibleAscii),
      fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
    ),
    maxLength: 120,
  })
  .map((s) => s.trim());
const hugeString = fc.tuple(fc.constantFrom('A', 'é', '中', '😀', '\u0000', '"', '\\', '=', '\ud800'), fc.integer({ min: 1_000, max: 300_000 })).map(([unit, n]) => unit.repeat(n));
const strangeString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.constantFrom('\ud800', '\udfff', 'a\ud83d', '\u202e\u2066', '\ufeff', '\u0000', '', ' ', 'null', 'undefined', 'NaN', '__proto__', '../../etc/passwd'),
  hugeString,
);
/** Any JSON, a little deeper and wider than the default. */
const anyJson = fc.jsonValue({ maxDepth: 5 });
/** Raw JSON text nested `depth` deep, as arrays or objects. */
const deepJson = fc
  .tuple(fc.integer({ min: 2, max: 40_000 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? '['.repeat(depth) + ']'.repeat(depth) : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

/** Base64 of a real image, then cut, padded, wrapped, re-alphabeted or prefixed. */
const mangledBase64 = fc
  .tuple(fc.constantFrom(...IMAGES_B64), fc.nat(), fc.constantFrom('cut', 'cut4', 'pad', 'wrap', 'urlsafe', 'space', 'data', 'nul', 'whole'))
  .map(([b64, n, how]) => {
    const at = n % b64.length;
    switch (how) {
      case 'cut':
        return b64.slice(0, at);
      case 'cut4':
        return b64.slice(0, at - (at % 4));
      case 'pad':
        return b64.slice(0, at) + '='.repeat((n % 3) + 1);
      case 'wrap':
        return b64.replace(/.{76}/g, '$&\r\n');
      case 'urlsafe':
        return b64.replace(/\+/g, '-').replace(/\//g, '_');
      case 'space':
        return `${b64.slice(0, at)} ${b64.slice(at)}`;
      case 'data':
        return `data:image/png;base64,${b64}`;
      case 'nul':
        return `${b64.slice(0, at)}\u0000${b64.slice(at)}`;
      default:
        return b64;
    }
  });

const fieldValue = fc.oneof(anyJson, strangeString, mangledBase64);
/** OCR request bodies, as raw text: the bytes fastify parses. */
const ocrBody = fc.oneof(
  { weight: 3, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
  {
    weight: 4,
    arbitrary: fc
      .record(
        {
          image: fieldValue,
          url: fc.oneof(
            fieldValue,
            fc.constantFrom(
              'http://10.0.0.1/a.png',
              'http://169.254.169.254/latest/meta-data/',
              'http://[::1]/x',
              'http://127.0.0.1:1/a.png',
              'http://2852039166/',
              'file:///etc/passwd',
              'gopher://x/',
              'http://u:p@8.8.8.8/',
            ),
          ),
          side: fieldValue,
          extra: anyJson,
        },
        { requiredKeys: [] },
      )
      .map((v) => JSON.stringify(v)),
  },
  { weight: 4, arbitrary: mangledBase64.map((image) => JSON.stringify({ image })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...IMAGES_B64), deepJson).map(([image, deep]) => `{"image":"${image}","x":${deep}}`) },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...IMAGES_B64), fc.nat()).map(([image, n]) => JSON.stringify({ image }).slice(0, n % (image.length + 12))) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', 'null', '[]', '"image"', '{"__proto__":{"image":"AAAA"}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"image":"AAAA","image":1}'),
  },
);

/** Scenario headers: mostly well-formed (4xx codes, delays, nonsense), some random text. */
const codes4xx = (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).filter((code) => ERROR_CATALOGUE[code].status < 500);
const scenario = fc.oneof(
  fc.constantFrom(...codes4xx).map((code) => `error=${code}`),
  fc.tuple(fc.nat({ max: 400_000 }), fc.constantFrom('ms', 's', '', 'm', 'h')).map(([n, unit]) => `delay=${n}${unit}`),
  fc.constantFrom('error=ais.0101', 'error=', 'delay', ';;;', 'error=AIS.0101;delay=5ms', 'teapot=1', 'error=ModelArts.9999'),
  headerValue,
);

// ---- the properties ----

describe('fuzzing every route (issue 7)', () => {
  let t: QuietApp;
  let token: string;
  beforeAll(async () => {
    t = await buildQuietApp();
    token = await getToken(t.app);
  });
  afterAll(async () => {
    await t.app.close();
  });

  const stillUp = async () => expect((await t.app.inject({ url: '/health' })).statusCode).toBe(200);

  it(`answers ${RUNS.body} random bodies on the three OCR routes with a 4xx vendor envelope`, async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OCR_APIS), ocrBody, async (api, payload) => {
        count('OCR bodies');
        const response = await t.app.inject({
          method: 'POST',
          url: ocrPath(api),
          headers: { 'x-auth-token': token, 'content-type': 'application/json' },
          payload,
        });
        seen.add(expectVendor4xx(response, { api, payload: payload.slice(0, 200) }));
      }),
      run(RUNS.body),
    );
    // The generators reach every kind of refusal a body can get.
    expect([...seen].sort()).toEqual(expect.arrayContaining(['AIS.0101', 'AIS.0102', 'AIS.0104', 'ModelArts.4105', 'ModelArts.4601']));
    expect(({} as Record<string, unknown>).polluted ?? ({} as Record<string, unknown>).image).toBeUndefined();
    await stillUp();
    // Decodable bodies run the real image work (the MRZ locator, straightening, turned pages) before the
    // scripted engine answers: minutes on a loaded 2-core machine, not seconds.
  }, 240_000);

  it(`answers ${RUNS.headers} random header sets with a 4xx vendor envelope (or the forced outcome asked for)`, async () => {
    const headerName = fc.stringMatching(/^x-[a-z0-9-]{1,24}$/);
    const headers = fc.record(
      {
        'x-auth-token': fc.oneof(
          fc.constant('GOOD'),
          headerValue,
          fc.base64String({ maxLength: 200 }).map((s) => `MII${s}.AAAA`),
        ),
        authorization: fc.oneof(
          headerValue,
          headerValue.map((s) => `SDK-HMAC-SHA256 Access=${s}, SignedHeaders=host;x-sdk-date, Signature=${s}`),
        ),
        'x-sdk-date': fc.oneof(headerValue, fc.constantFrom('20260101T000000Z', '99999999T999999Z')),
        'content-type': fc.oneof(
          headerValue,
          fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'application/json; charset=latin1',
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/JSON',
          ),
        ),
        'x-mock-scenario': scenario,
        'x-mock-namespace': fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,20}$/), headerValue),
        'x-project-id': headerValue,
        accept: headerValue,
      },
      { requiredKeys: [] },
    );
    const extra = fc.dictionary(headerName, headerValue, { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OCR_APIS), headers, extra, fc.constantFrom(...IMAGES_B64), async (api, sent, more, image) => {
        count('OCR headers');
        const all: Record<string, string> = { ...more, ...sent };
        if (all['x-auth-token'] === 'GOOD') all['x-auth-token'] = token;
        const forced = (() => {
          try {
            return all['x-mock-scenario'] === undefined ? undefined : parseScenario(all['x-mock-scenario']);
          } catch {
            return undefined;
          }
        })();
        const response = await t.app.inject({ method: 'POST', url: ocrPath(api), headers: all, payload: JSON.stringify({ image }) }).catch((error: { code?: string }) => {
          // Only a scenario that says `drop` may close the connection without an answer.
          expect({ error: error.code, drop: forced?.drop }).toEqual({ error: 'LIGHT_ECONNRESET', drop: true });
          return undefined;
        });
        if (response) expectVendor4xx(response, all);
      }),
      run(RUNS.headers),
    );
    await stillUp();
  });

  it(`refuses ${RUNS.tokens} single-character alterations of a genuine token`, async () => {
    const [payload = '', signature = ''] = token.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=.- ';
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...alphabet), fc.constantFrom('replace', 'insert', 'delete'), async (n, char, how) => {
        count('altered tokens');
        const at = n % token.length;
        const altered =
          how === 'replace'
            ? token.slice(0, at) + char + token.slice(at + 1)
            : how === 'insert'
              ? token.slice(0, at) + char + token.slice(at)
              : token.slice(0, at) + token.slice(at + 1);
        const [p = '', s = ''] = altered.trim().split('.');
        // Base64 ignores the spare low bits of a final character: such a spelling decodes to the same signature.
        const same = altered.trim() === token || (p === payload && /^[A-Za-z0-9+/]+={0,2}$/.test(s) && Buffer.from(s, 'base64').equals(Buffer.from(signature, 'base64')));
        const response = await t.app.inject({ method: 'POST', url: ocrPath('passport'), headers: { 'x-auth-token': altered }, payload: { image: IMAGES_B64[0] } });
        const code = expectVendor4xx(response, altered);
        if (same) expect(code).toBe('AIS.0104');
        else expect(code).toBe('APIG.0301');
      }),
      run(RUNS.tokens),
    );
    // A token signed with another secret, and a genuine one for another project, are refused too.
    const claims = JSON.parse(Buffer.from(payload.slice(3), 'base64').toString());
    const forged = issueToken({ ...claims, projectId: 'ffffffffffffffffffffffffffffffff' }, 'not-the-secret');
    expect(
      expectVendor4xx(await t.app.inject({ method: 'POST', url: ocrPath('passport', 'ffffffffffffffffffffffffffffffff'), headers: { 'x-auth-token': forged }, payload: {} })),
    ).toBe('APIG.0301');
    expect(
      expectVendor4xx(await t.app.inject({ method: 'POST', url: ocrPath('passport', 'ffffffffffffffffffffffffffffffff'), headers: { 'x-auth-token': token }, payload: {} })),
    ).toBe('ModelArts.4203');
  });

  it(`answers ${RUNS.paths} random methods and paths in their family's shape, never a 5xx`, async () => {
    const known = [
      'v2',
      'v3',
      PROJECT_ID,
      DEFAULT_PROJECT.name,
      'ocr',
      'passport',
      'bankcard',
      'emirates-id-card',
      'auth',
      'tokens',
      '_mock',
      'journal',
      'faults',
      'stubs',
      'config',
      'reset',
      'health',
      'docs',
      'openapi.json',
      'json',
      'static',
      'index.html',
    ];
    const segment = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...known) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map(encodeURIComponent) },
      { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:@"), maxLength: 30 }) },
      { weight: 1, arbitrary: fc.constantFrom('', '.', '..', '%2F', '%00', '%2e%2e', 'a%20b', '%C3%A9', '%F0%9F%98%80') },
    );
    const path = fc
      .tuple(fc.array(segment, { minLength: 0, maxLength: 6 }), fc.boolean(), fc.option(fc.string({ unit: fc.constantFrom(...'abc=&%20?#/'), maxLength: 30 })))
      .map(([segments, slash, query]) => `/${segments.join('/')}${slash ? '/' : ''}${query === null ? '' : `?${query}`}`);
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD');
    await fc.assert(
      fc.asyncProperty(method, path, async (verb, url) => {
        count('paths');
        const response = await t.app.inject({
          method: verb as 'GET',
          url,
          headers: { 'x-auth-token': token, 'content-type': 'application/json' },
          ...(verb === 'GET' || verb === 'HEAD' || verb === 'OPTIONS' ? {} : { payload: '{}' }),
        });
        const context = { verb, url };
        expect(response.statusCode, JSON.stringify(context)).toBeLessThan(500);
        if (response.statusCode < 400 || verb === 'HEAD') return;
        // As inject sends it: dot segments resolved, as a WHATWG URL does.
        const { pathname } = new URL(`http://mock.test${url}`);
        if (/^\/_mock(\/|$)/.test(pathname) && response.json().error !== undefined) return void expectAdmin4xx(response, context);
        if (pathname === '/v3/auth/tokens' && typeof response.json().error === 'object') return void expectIam4xx(response, context);
        expectVendorError(response, context);
      }),
      run(RUNS.paths),
    );
    await stillUp();
  });

  it(`answers ${RUNS.iam} mangled IAM token requests with Keystone's 400 or 401, or a token`, async () => {
    type Json = unknown;
    /** Replaces, at a random place in the valid body, one value by anything, or drops a key. */
    const mutate = (body: Json, path: number[], replacement: Json, drop: boolean): Json => {
      if (path.length === 0 || body === null || typeof body !== 'object') return replacement;
      const entries = Object.entries(body as Record<string, Json>);
      if (entries.length === 0) return replacement;
      const [head = 0, ...rest] = path;
      const [key, value] = entries[head % entries.length] as [string, Json];
      const copy: Record<string, Json> = Array.isArray(body) ? ([...body] as unknown as Record<string, Json>) : { ...(body as Record<string, Json>) };
      if (drop && rest.length === 0) delete copy[key];
      else copy[key] = mutate(value, rest, replacement, drop);
      return copy;
    };
    const body = fc.oneof(
      {
        weight: 5,
        arbitrary: fc
          .tuple(fc.array(fc.nat(), { maxLength: 7 }), fc.oneof(anyJson, strangeString), fc.boolean())
          .map(([p, v, drop]) => JSON.stringify(mutate(tokenRequestBody(), p, v, drop))),
      },
      { weight: 2, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
      // Members the schema does not know, beside valid ones: still a valid request.
      { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), anyJson).map(([k, v]) => JSON.stringify({ ...tokenRequestBody(), [`x${k}`]: v })) },
      { weight: 1, arbitrary: deepJson.map((deep) => `{"auth":${deep}}`) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
    );
    let issued = 0;
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        count('IAM bodies');
        const response = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', headers: { 'content-type': 'application/json' }, payload });
        if (response.statusCode === 201) {
          issued += 1;
          return void expect(String(response.headers['x-subject-token'])).toMatch(/^MII/);
        }
        expectIam4xx(response, payload.slice(0, 200));
      }),
      run(RUNS.iam),
    );
    // Some mutations leave a valid request (an extra member, a harmless value): those still get a token.
    expect(issued).toBeGreaterThan(0);
    await stillUp();
  });
});

describe('fuzzing the admin API (issue 7)', () => {
  const ADMIN_TOKEN = 'fuzz-admin-token';
  let t: QuietApp;
  beforeAll(async () => {
    t = await buildQuietApp({ config: { adminToken: ADMIN_TOKEN } });
  });
  afterAll(() => t.app.close());

  it(`answers ${RUNS.admin} random admin calls with {error, message} 4xx or success, and honours the admin token`, async () => {
    const route = fc.constantFrom(
      ['POST', '/_mock/faults'],
      ['POST', '/_mock/stubs'],
      ['PATCH', '/_mock/config'],
      ['GET', '/_mock/journal'],
      ['DELETE', '/_mock/journal'],
      ['GET', '/_mock/faults'],
      ['DELETE', '/_mock/faults'],
      ['DELETE', '/_mock/faults/'],
      ['GET', '/_mock/stubs'],
      ['DELETE', '/_mock/stubs/'],
      ['GET', '/_mock/config'],
      ['POST', '/_mock/reset'],
    );
    const key = fc.constantFrom(
      'api',
      'image',
      'imageSha256',
      'result',
      'error',
      'delayMs',
      'jitterMs',
      'drop',
      'times',
      'probability',
      'match',
      'project',
      'rateLimitPerMinute',
      'maxConcurrentPerProject',
      'subscriptions',
      'identities',
      'accessKeys',
      'extra_info',
      '__proto__',
      'constructor',
    );
    const leaf = fc.oneof(
      fieldValue,
      fc.constantFrom('passport', 'bankcard', 'AIS.0101', 'ModelArts.4505', 'ab'.repeat(32), PASSPORT_RESULT, {
        ...PASSPORT_RESULT,
        extra_info: { deep: JSON.parse('['.repeat(200) + ']'.repeat(200)) },
      }),
    );
    const value = fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.dictionary(key, leaf, { maxKeys: 4 }));
    const body = fc.oneof(
      fc.dictionary(key, value, { maxKeys: 6 }).map((v) => JSON.stringify(v)),
      value.map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 40 }),
    );
    const query = fc.option(
      fc.dictionary(
        fc.constantFrom('namespace', 'status', 'limit', 'api', 'imageSha256', 'x'),
        fc.oneof(
          fc.string({ maxLength: 12 }),
          strangeString.map((s) => s.slice(0, 300)),
        ),
        { maxKeys: 3 },
      ),
    );
    const adminToken = fc.oneof({ weight: 8, arbitrary: fc.constant(ADMIN_TOKEN) }, { weight: 2, arbitrary: fc.option(headerValue, { nil: undefined }) });
    const id = fc.oneof(fc.constantFrom('fault-1', 'stub-1', ''), fc.string({ maxLength: 10 }).map(encodeURIComponent));
    const namespace = fc.option(fc.oneof(fc.constantFrom('fuzz', 'other'), headerValue), { nil: undefined });
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(route, body, query, adminToken, id, namespace, async ([verb, base], payload, params, sentToken, suffix, ns) => {
        count('admin calls');
        const url = `${base}${base.endsWith('/') ? suffix : ''}${params ? `?${new URLSearchParams(params)}` : ''}`;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (sentToken !== undefined) headers['x-mock-admin-token'] = sentToken;
        if (ns !== undefined) headers['x-mock-namespace'] = ns;
        const withBody = verb === 'POST' || verb === 'PATCH';
        const response = await t.app.inject({ method: verb as 'POST', url, headers, ...(withBody ? { payload } : {}) });
        const context = { verb, url, headers, payload: payload.slice(0, 200) };
        expect(response.statusCode, JSON.stringify(context)).toBeLessThan(500);
        if (sentToken !== ADMIN_TOKEN) {
          count('admin calls without the admin token');
          expect(expectAdmin4xx(response, context)).toBe('unauthorized');
        } else if (response.statusCode >= 400) expectAdmin4xx(response, context);
        // Faults and stubs pile up otherwise; the admin API is trusted, so its memory is not what is fuzzed here.
        if (++calls % 100 === 0) await t.app.inject({ method: 'POST', url: '/_mock/reset', headers: { 'x-mock-admin-token': ADMIN_TOKEN } });
      }),
      run(RUNS.admin),
    );
    expect((await t.app.inject({ url: '/health' })).statusCode).toBe(200);
  });
});

describe('what the fuzzing found (issue 7)', () => {
  let t: QuietApp;
  let token: string;
  beforeAll(async () => {
    t = await buildQuietApp();
    token = await getToken(t.app);
  });
  afterAll(() => t.app.close());

  it('refuses JSON nested deeper than MAX_JSON_DEPTH on OCR routes with ModelArts.4105, after authentication', async () => {
    const body = (depth: number) => `{"image":"${IMAGES_B64[0]}","x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
    const post = (payload: string, headers: Record<string, string> = { 'x-auth-token': token }) =>
      t.app.inject({ method: 'POST', url: ocrPath('passport'), headers: { 'content-type': 'application/json', ...headers }, payload });
    // At the limit the body is read as usual (the scripted engine reads nothing: AIS.0104).
    expect(expectVendor4xx(await post(body(MAX_JSON_DEPTH)))).toBe('AIS.0104');
    // Beyond it, once authenticated: this used to overflow the stack in the result cache's key and answer 500.
    for (const depth of [MAX_JSON_DEPTH + 1, 5_000, 100_000]) expect(expectVendor4xx(await post(body(depth)))).toBe('ModelArts.4105');
    expect(expectVendor4xx(await post(body(5_000), {}))).toBe('APIG.0301');
  });

  it('measures nesting without recursion', () => {
    expect(nestedDeeperThan({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [1, { b: 2 }] }, 2)).toBe(true);
    expect(nestedDeeperThan('text', 0)).toBe(false);
    expect(nestedDeeperThan(JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000)), MAX_JSON_DEPTH)).toBe(true);
  });

  it('frameworkErrorHandler gives router-level refusals the vendor envelope', async () => {
    // What app.ts gets once it passes `frameworkErrors: frameworkErrorHandler` to Fastify (see docs/reliability.md).
    const bare = Fastify({ frameworkErrors: frameworkErrorHandler });
    registerErrorHandling(bare);
    bare.post('/v2/:project_id/ocr/passport', async () => ({}));
    for (const url of ['/v2/%ZZ/ocr/passport', `/v2/${'a'.repeat(200)}/ocr/passport`]) {
      const response = await bare.inject({ method: 'POST', url, payload: {} });
      expect({ url, status: response.statusCode, body: response.json() }).toEqual({
        url,
        status: 400,
        body: { error_code: 'ModelArts.4202', error_msg: 'Request url format invalid.' },
      });
    }
    await bare.close();
  });

  // Needs app.ts to pass `frameworkErrors: frameworkErrorHandler` (see docs/reliability.md, "Open items").
  it('answers a malformed percent-escape or an over-long project id in the path with the vendor envelope', async () => {
    for (const url of ['/v2/%ZZ/ocr/passport', '/v2/%E0%A4%A/ocr/bankcard', `/v2/${'a'.repeat(101)}/ocr/passport`]) {
      const response = await t.app.inject({ method: 'POST', url, headers: { 'x-auth-token': token }, payload: {} });
      expect({ url, code: expectVendor4xx(response, url) }).toEqual({ url, code: 'ModelArts.4202' });
    }
  });

  // Needs app.ts's JSON parser to refuse nesting past MAX_JSON_DEPTH (see docs/reliability.md, "Open items").
  it('answers an admin stub nested thousands deep with a 4xx, not a 500', async () => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    const payload = JSON.stringify({ api: 'passport', imageSha256: 'ab'.repeat(32), result: { ...PASSPORT_RESULT, extra_info: { x: 0 } } }).replace('{"x":0}', `{"x":${deep}}`);
    const response = await t.app.inject({ method: 'POST', url: '/_mock/stubs', headers: { 'content-type': 'application/json' }, payload });
    expect(expectAdmin4xx(response)).toBe('bad-request');
  });

  it(`ran at least 10,000 cases in all`, () => {
    const total = Object.entries(counts).reduce((sum, [name, n]) => sum + (SUBSETS.has(name) ? 0 : n), 0);
    console.log(`fuzz cases: ${JSON.stringify(counts)} = ${total} (seed ${FUZZ_SEED})`);
    expect(total).toBeGreaterThanOrEqual(10_000);
  });
});
