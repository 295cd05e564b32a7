/** AK/SK on OCR routes through inject: raw-byte hashing, order against token auth, debug output, domain scope. */
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { DEFAULT_PROJECT, type Config } from '../../src/config.js';
import { buildTestApp, getToken, PASSPORT_PATH, type TestApp } from '../helpers/index.js';
import { mrzEngine, SANDBOX_AK, SPECIMEN_IMAGE, vendorSignedRequest } from '../helpers/aksk.js';

const OTHER_PROJECT = { id: 'ffffeeeeddddccccbbbbaaaa99998888', name: 'elsewhere' };
const OTHER_DOMAIN: Partial<Config> = {
  identities: [
    { domain: 'mock-domain', user: 'mock-user', password: 'mock-password', projects: [{ ...DEFAULT_PROJECT }] },
    { domain: 'other-domain', user: 'someone', password: 'pw', projects: [OTHER_PROJECT] },
  ],
  accessKeys: [
    { ak: SANDBOX_AK, sk: 'ocrmock-secret-key-0000000000000000000001', domain: 'mock-domain' },
    { ak: 'OTHERDOMAINKEY000001', sk: 'other-secret', domain: 'other-domain' },
  ],
};

const IAM = (reason: string) => `Incorrect IAM authentication information: ${reason}`;

describe('AK/SK on OCR routes', () => {
  let t: TestApp;

  /** The vendor signer stamps X-Sdk-Date from the real clock, so the app's clock starts there. */
  const build = async (config: Partial<Config> = {}, logStream?: NodeJS.WritableStream) => {
    t = await buildTestApp({ engine: mrzEngine(), clock: new ManualClock(Date.now()), config, ...(logStream ? { logStream } : {}) });
  };
  const body = async () => ({ image: await SPECIMEN_IMAGE() });

  it('accepts a request the vendor signer signed, and recognises it', async () => {
    await build();
    const response = await t.app.inject(await vendorSignedRequest({ path: PASSPORT_PATH, body: await body() }));
    expect(response.statusCode).toBe(200);
    expect(response.json().result.passport_number).toBe('L898902C3');
  });

  it('hashes the raw body bytes: the same JSON re-spaced no longer matches the signature', async () => {
    await build();
    const image = await SPECIMEN_IMAGE();
    const respaced = await vendorSignedRequest({ path: PASSPORT_PATH, body: { image }, payload: `{ "image": "${image}" }` });
    const response = await t.app.inject(respaced);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error_code: 'APIG.0301', error_msg: IAM('verify aksk signature fail') });

    // With UNSIGNED-PAYLOAD the body is not part of the signature, so the same bytes pass.
    const unsigned = await vendorSignedRequest({
      path: PASSPORT_PATH,
      body: { image },
      payload: `{ "image": "${image}" }`,
      headers: { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    });
    expect((await t.app.inject(unsigned)).statusCode).toBe(200);
  });

  it('authenticates before the body is judged: broken JSON is ModelArts.4105 only for a valid signature', async () => {
    await build();
    const headers = { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' };
    const good = await vendorSignedRequest({ path: PASSPORT_PATH, body: {}, payload: '{not json', headers });
    expect((await t.app.inject(good)).json().error_code).toBe('ModelArts.4105');
    const forged = await vendorSignedRequest({ path: PASSPORT_PATH, body: {}, payload: '{not json', headers, sk: 'wrong' });
    expect((await t.app.inject(forged)).json().error_msg).toBe(IAM('verify aksk signature fail'));
  });

  it('refuses a signed header that is missing, and a date outside the 15-minute skew', async () => {
    await build();
    const signed = await vendorSignedRequest({ path: PASSPORT_PATH, body: await body(), headers: { 'X-Extra': 'yes' } });
    const { 'X-Extra': _dropped, ...withoutExtra } = signed.headers;
    expect((await t.app.inject({ ...signed, headers: withoutExtra })).json().error_msg).toBe(IAM('verify aksk signature fail'));

    const fresh = await vendorSignedRequest({ path: PASSPORT_PATH, body: await body() });
    t.clock.advance(16 * 60_000);
    expect((await t.app.inject(fresh)).json().error_msg).toBe(IAM('verify aksk signature fail'));
  });

  it('gives APIG.0301 x-auth-token not found with neither token nor signature, verify aksk signature fail for a malformed Authorization', async () => {
    await build();
    const none = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, payload: await body() });
    expect(none.json()).toEqual({ error_code: 'APIG.0301', error_msg: IAM('x-auth-token not found'), request_id: none.headers['x-request-id'] });
    for (const authorization of ['Bearer abc', 'SDK-HMAC-SHA256 Access=x', '']) {
      const response = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { authorization }, payload: await body() });
      expect({ authorization, answer: response.json() }).toEqual({
        authorization,
        answer: { error_code: 'APIG.0301', error_msg: IAM('verify aksk signature fail'), request_id: response.headers['x-request-id'] },
      });
    }
  });

  it('lets a token win when a request carries both', async () => {
    await build();
    const token = await getToken(t.app);
    const signed = await vendorSignedRequest({ path: PASSPORT_PATH, body: await body(), sk: 'wrong' });
    const response = await t.app.inject({ ...signed, headers: { ...signed.headers, 'X-Auth-Token': token } });
    expect(response.statusCode).toBe(200);
  });

  it('limits a key pair to the projects of its domain (ModelArts.4203)', async () => {
    await build(OTHER_DOMAIN);
    const path = `/v2/${OTHER_PROJECT.id}/ocr/passport`;
    const sandboxKey = await vendorSignedRequest({ path, body: await body() });
    const response = await t.app.inject(sandboxKey);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error_code: 'ModelArts.4203', error_msg: 'Access denied! You do not have permission.' });
    const ownKey = await vendorSignedRequest({ path, body: await body(), ak: 'OTHERDOMAINKEY000001', sk: 'other-secret' });
    expect((await t.app.inject(ownKey)).statusCode).toBe(200);
  });

  it('returns the server-side canonical request and string-to-sign only with debugSignatures', async () => {
    await build();
    const forged = await vendorSignedRequest({ path: PASSPORT_PATH, body: await body(), sk: 'wrong' });
    const quiet = await t.app.inject(forged);
    expect(Object.keys(quiet.headers).filter((h) => h.startsWith('x-mock-'))).toEqual([]);
    await t.app.close();

    await build({ debugSignatures: true });
    const response = await t.app.inject(forged);
    expect(response.json().error_code).toBe('APIG.0301');
    const canonical = Buffer.from(String(response.headers['x-mock-canonical-request']), 'base64').toString('utf8');
    const toSign = Buffer.from(String(response.headers['x-mock-string-to-sign']), 'base64').toString('utf8');
    const sdkDate = forged.headers['X-Sdk-Date'];
    expect(canonical.split('\n').slice(0, 3)).toEqual(['POST', `${PASSPORT_PATH}/`, '']);
    expect(canonical).toContain(`x-sdk-date:${sdkDate}\n`);
    expect(canonical.endsWith(createHash('sha256').update(forged.payload).digest('hex'))).toBe(true);
    expect(toSign).toBe(`SDK-HMAC-SHA256\n${sdkDate}\n${createHash('sha256').update(canonical).digest('hex')}`);
    expect(response.headers['x-mock-signature-detail']).toMatch(/signature does not match/);
  });

  it('logs the canonical request and string-to-sign of a refusal at debug level', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    await build({ logLevel: 'debug' }, stream);
    const forged = await vendorSignedRequest({ path: PASSPORT_PATH, body: await body(), sk: 'wrong' });
    await t.app.inject(forged);
    const entry = lines.map((line) => JSON.parse(line)).find((e) => e.msg === 'AK/SK signature refused');
    expect(entry).toMatchObject({
      level: 20,
      access: SANDBOX_AK,
      canonicalRequest: expect.stringMatching(/^POST\n/),
      stringToSign: expect.stringMatching(/^SDK-HMAC-SHA256\n/),
    });
    expect(lines.join('\n')).not.toContain('ocrmock-secret-key');
  });
});
