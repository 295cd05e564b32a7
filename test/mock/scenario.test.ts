import { beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/errors/catalogue.js';
import { FORCED_IAM_REASON, parseScenario, ScenarioSyntaxError } from '../../src/mock/scenario.js';
import { buildTestApp, getToken, PASSPORT_PATH, type TestApp } from '../helpers/index.js';

describe('parseScenario', () => {
  it('reads error=<code>, tolerating spaces, empty parts and case in the directive name', () => {
    expect(parseScenario('error=ModelArts.4302')).toEqual({ error: 'ModelArts.4302' });
    expect(parseScenario(' Error = AIS.0105 ; ')).toEqual({ error: 'AIS.0105' });
    expect(parseScenario('')).toEqual({});
  });

  it('reads token-errors=apig|modelarts, the family that answers a bad token', () => {
    expect(parseScenario('token-errors=modelarts')).toEqual({ tokenErrors: 'modelarts' });
    expect(parseScenario('Token-Errors = APIG; error=AIS.0105')).toEqual({ tokenErrors: 'apig', error: 'AIS.0105' });
    for (const text of ['token-errors=iam', 'token-errors', 'token_errors=apig', '-x=1']) {
      expect(() => parseScenario(text), text).toThrow(ScenarioSyntaxError);
    }
  });

  it('refuses unknown codes, unknown directives and anything not name=value', () => {
    for (const text of ['error=ModelArts.9999', 'error=modelarts.4302', 'delay=100', 'error', 'error=A B']) {
      expect(() => parseScenario(text), text).toThrow(ScenarioSyntaxError);
    }
  });
});

/** The message a forced row answers with: placeholders filled from the route and config. */
function expectedMessage(code: ErrorCode, limit: number): string {
  return ERROR_CATALOGUE[code].message.replace('<reason>', FORCED_IAM_REASON).replace('XXX', 'passport').replace('limit:XX', `limit:${limit}`);
}

describe('X-Mock-Scenario on OCR routes', () => {
  let t: TestApp;
  let token: string;
  beforeEach(async () => {
    t = await buildTestApp({ config: { rateLimitPerMinute: 1000 } });
    token = await getToken(t.app);
  });

  const call = (headers: Record<string, string>, payload: unknown = {}) =>
    t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': token, ...headers }, payload: payload as object });

  it('reaches every catalogue code with its status, message and envelope', async () => {
    const codes = Object.keys(ERROR_CATALOGUE) as ErrorCode[];
    expect(codes.length).toBeGreaterThan(30);
    for (const code of codes) {
      const response = await call({ 'x-mock-scenario': `error=${code}` });
      const expected: Record<string, string> = { error_code: code, error_msg: expectedMessage(code, 1000) };
      if (code.startsWith('APIG.')) expected.request_id = String(response.headers['x-request-id']);
      expect({ code, status: response.statusCode, body: response.json() }).toEqual({
        code,
        status: ERROR_CATALOGUE[code].status,
        body: expected,
      });
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('forces the error before the body is judged', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: PASSPORT_PATH,
      headers: { 'x-auth-token': token, 'content-type': 'application/json', 'x-mock-scenario': 'error=ModelArts.4503' },
      payload: '{not json',
    });
    expect(response.json().error_code).toBe('ModelArts.4503');
  });

  it('applies only after authentication', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: PASSPORT_PATH,
      headers: { 'x-mock-scenario': 'error=ModelArts.4302' },
      payload: {},
    });
    expect(response.json().error_code).toBe('APIG.0301');
  });

  it('answers AIS.0101 for a header it cannot read, so a typo never passes as a normal answer', async () => {
    for (const header of ['error=ModelArts.430', 'fail=ModelArts.4302', 'garbage']) {
      const response = await call({ 'x-mock-scenario': header });
      expect({ header, status: response.statusCode, code: response.json().error_code }).toEqual({ header, status: 400, code: 'AIS.0101' });
    }
  });

  it('changes nothing without the header', async () => {
    expect((await call({})).json().error_code).toBe('AIS.0101');
    expect((await call({}, { image: 'not base64!' })).json().error_code).toBe('AIS.0102');
  });
});
