import { describe, expect, it } from 'vitest';
import { issueToken } from '../../src/gateway/token.js';
import { buildTestApp, getToken, PASSPORT_PATH, samplePng, type TestApp } from '../helpers/index.js';

const body = async () => ({ image: (await samplePng()).toString('base64') });

describe('X-Auth-Token on OCR routes', () => {
  let t: TestApp;

  async function call(headers: Record<string, string>, url = PASSPORT_PATH) {
    return t.app.inject({ method: 'POST', url, headers, payload: await body() });
  }

  /** The tokens of each kind of refusal, built against this app's secret. */
  async function badTokens(): Promise<Record<'missing' | 'malformed' | 'unparseable' | 'forged', string[]>> {
    const genuine = await getToken(t.app);
    const [payload, signature] = genuine.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload.slice(3), 'base64').toString());
    return {
      missing: ['', '   '],
      malformed: ['Bearer abc', 'hello world', 'eyJhbGciOi.x', 'MII'],
      unparseable: [`MII${Buffer.from('not json at all').toString('base64')}.AAAA`, `MII${Buffer.from('{"user":"x"}').toString('base64')}.AAAA`],
      forged: [`MII${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 1e9 })).toString('base64')}.${signature}`, issueToken(claims, 'someone-elses-secret')],
    };
  }

  const IAM = (reason: string) => ({ error_code: 'APIG.0301', error_msg: `Incorrect IAM authentication information: ${reason}` });

  it('answers like the gateway by default: APIG.0301 x-auth-token not found, or decrypt token fail', async () => {
    t = await buildTestApp();
    const tokens = await badTokens();
    const absent = await call({});
    expect(absent.statusCode).toBe(401);
    expect(absent.json()).toEqual({ ...IAM('x-auth-token not found'), request_id: absent.headers['x-request-id'] });
    for (const token of tokens.missing) expect((await call({ 'x-auth-token': token })).json()).toMatchObject(IAM('x-auth-token not found'));
    for (const token of [...tokens.malformed, ...tokens.unparseable, ...tokens.forged]) {
      const response = await call({ 'x-auth-token': token });
      expect(response.statusCode, token).toBe(401);
      expect(response.json()).toEqual({ ...IAM('decrypt token fail'), request_id: response.headers['x-request-id'] });
    }
  });

  const MODELARTS = {
    missing: { error_code: 'ModelArts.4101', error_msg: 'Token header cannot be empty.' },
    malformed: { error_code: 'ModelArts.4103', error_msg: 'Invalid Token header.' },
    unparseable: { error_code: 'ModelArts.4102', error_msg: 'Parse Token error.' },
    forged: { error_code: 'ModelArts.0203', error_msg: 'Invalid token.' },
  };

  it('answers with ModelArts.4101-4103 and 0203 for X-Mock-Scenario: token-errors=modelarts, this request only', async () => {
    t = await buildTestApp();
    const tokens = await badTokens();
    const scenario = { 'x-mock-scenario': 'token-errors=modelarts' };
    expect((await call(scenario)).json()).toEqual(MODELARTS.missing);
    for (const [kind, list] of Object.entries(tokens) as [keyof typeof MODELARTS, string[]][]) {
      for (const token of list) {
        const response = await call({ ...scenario, 'x-auth-token': token });
        expect(response.statusCode, `${kind} ${token}`).toBe(401);
        expect(response.json(), `${kind} ${token}`).toEqual(MODELARTS[kind]);
      }
    }
    // Combined with other directives, and spelled back to the default.
    expect((await call({ 'x-mock-scenario': 'delay=1ms; token-errors=MODELARTS' })).json()).toEqual(MODELARTS.missing);
    expect((await call({ 'x-mock-scenario': 'token-errors=apig' })).json()).toMatchObject(IAM('x-auth-token not found'));
    expect((await call({})).json().error_code).toBe('APIG.0301');
    const journal = await t.app.inject({ url: '/_mock/journal?limit=4' });
    expect(journal.json().entries.map((e: { errorCode: string; forcedBy: string | null }) => [e.errorCode, e.forcedBy])).toEqual([
      ['ModelArts.0203', 'scenario'],
      ['ModelArts.4101', 'scenario'],
      ['APIG.0301', 'scenario'],
      ['APIG.0301', null],
    ]);
  });

  it('answers with the ModelArts family for every request with tokenErrors: modelarts', async () => {
    t = await buildTestApp({ config: { tokenErrors: 'modelarts' } });
    const tokens = await badTokens();
    expect((await call({})).json()).toEqual(MODELARTS.missing);
    expect((await call({ 'x-auth-token': tokens.malformed[0] as string })).json()).toEqual(MODELARTS.malformed);
    expect((await call({ 'x-auth-token': tokens.forged[1] as string })).json()).toEqual(MODELARTS.forged);
    expect((await call({ 'x-mock-scenario': 'token-errors=apig' })).json()).toMatchObject(IAM('x-auth-token not found'));
  });

  it('lets a valid token through whatever the family, and still refuses a bad scenario once authenticated', async () => {
    t = await buildTestApp();
    const token = await getToken(t.app);
    expect((await call({ 'x-auth-token': token, 'x-mock-scenario': 'token-errors=modelarts' })).statusCode).not.toBe(401);
    expect((await call({ 'x-auth-token': token, 'x-mock-scenario': 'token-errors=iam' })).json().error_code).toBe('AIS.0101');
    expect((await call({ 'x-mock-scenario': 'token-errors=iam' })).json()).toMatchObject(IAM('x-auth-token not found'));
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
    expect(response.json()).toMatchObject(IAM('x-auth-token not found'));
  });
});
