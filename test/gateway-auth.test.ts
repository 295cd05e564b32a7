import { afterEach, describe, expect, it } from 'vitest';
import { issueToken } from '../src/auth/token.js';
import { buildTestApp, getToken, PASSPORT_PATH, samplePng, type TestApp } from './helper.js';

const body = async () => ({ image: (await samplePng()).toString('base64') });

describe('X-Auth-Token on OCR routes', () => {
  let t: TestApp;
  afterEach(() => t.app.close());

  async function call(headers: Record<string, string>, url = PASSPORT_PATH) {
    return t.app.inject({ method: 'POST', url, headers, payload: await body() });
  }

  it('ModelArts.4101 when the header is missing or empty', async () => {
    t = await buildTestApp();
    for (const headers of [{}, { 'x-auth-token': '' }, { 'x-auth-token': '   ' }] as Record<string, string>[]) {
      const response = await call(headers);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error_code: 'ModelArts.4101', error_msg: 'Token header cannot be empty.' });
    }
  });

  it('ModelArts.4103 when the header is not token-shaped', async () => {
    t = await buildTestApp();
    for (const token of ['Bearer abc', 'hello world', 'eyJhbGciOi.x', 'MII']) {
      const response = await call({ 'x-auth-token': token });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error_code: 'ModelArts.4103', error_msg: 'Invalid Token header.' });
    }
  });

  it('ModelArts.4102 when the token cannot be parsed', async () => {
    t = await buildTestApp();
    const notJson = `MII${Buffer.from('not json at all').toString('base64')}.AAAA`;
    const missingClaims = `MII${Buffer.from('{"user":"x"}').toString('base64')}.AAAA`;
    for (const token of [notJson, missingClaims]) {
      const response = await call({ 'x-auth-token': token });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error_code: 'ModelArts.4102', error_msg: 'Parse Token error.' });
    }
  });

  it('ModelArts.0203 for a forged or altered token', async () => {
    t = await buildTestApp();
    const genuine = await getToken(t.app);
    const [payload, signature] = genuine.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload.slice(3), 'base64').toString());
    const altered = `MII${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 1e9 })).toString('base64')}.${signature}`;
    const forged = issueToken(claims, 'someone-elses-secret');
    for (const token of [altered, forged]) {
      const response = await call({ 'x-auth-token': token });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error_code: 'ModelArts.0203', error_msg: 'Invalid token.' });
    }
  });

  it('APIG.0301 once the token has expired, 24 h after issue on the injected clock', async () => {
    t = await buildTestApp();
    const token = await getToken(t.app);
    t.clock.advance(24 * 3600 * 1000 - 1);
    expect((await call({ 'x-auth-token': token })).json().error_code).not.toBe('APIG.0301');
    t.clock.advance(1);
    const response = await call({ 'x-auth-token': token });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error_code: 'APIG.0301',
      error_msg: 'Incorrect IAM authentication information: token expires, expires_at: 2026-01-02T00:00:00.000Z',
      request_id: response.headers['x-request-id'],
    });
  });

  it('ModelArts.4203 for a token scoped to another project', async () => {
    t = await buildTestApp();
    const token = await getToken(t.app);
    const response = await call({ 'x-auth-token': token }, '/v2/ffffffffffffffffffffffffffffffff/ocr/passport');
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error_code: 'ModelArts.4203', error_msg: 'Access denied! You do not have permission.' });
  });

  it('checks the token before reading the body', async () => {
    t = await buildTestApp();
    const response = await t.app.inject({
      method: 'POST',
      url: PASSPORT_PATH,
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(response.json().error_code).toBe('ModelArts.4101');
  });
});
