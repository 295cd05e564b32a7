import { describe, expect, it } from 'vitest';
import { isSubscribed } from '../../src/gateway/subscriptions.js';
import { DEFAULT_PROJECT } from '../../src/config.js';
import { buildTestApp, getToken, PASSPORT_PATH, PROJECT_ID, type TestApp } from '../helpers/index.js';

describe('isSubscribed', () => {
  it('treats a project the config does not list as subscribed to everything', () => {
    expect(isSubscribed({}, 'p', 'passport')).toBe(true);
    expect(isSubscribed({ other: [] }, 'p', 'bankcard')).toBe(true);
  });

  it('narrows a listed project to the APIs listed', () => {
    const subscriptions = { p: ['passport', 'bankcard'] };
    expect(['passport', 'emirates-id-card', 'bankcard'].map((api) => isSubscribed(subscriptions, 'p', api))).toEqual([true, false, true]);
    expect(isSubscribed({ p: [] }, 'p', 'passport')).toBe(false);
  });

  it('is not fooled by inherited property names', () => {
    expect(isSubscribed({}, 'constructor', 'passport')).toBe(true);
    expect(isSubscribed({}, '__proto__', 'passport')).toBe(true);
  });
});

describe('subscriptions on OCR routes (ModelArts.4204)', () => {
  let t: TestApp;

  const post = async (headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: PASSPORT_PATH, headers: { 'x-auth-token': await getToken(t.app), ...headers }, payload: {} });

  it('refuses an API the project has not subscribed to, naming the API', async () => {
    t = await buildTestApp({ config: { subscriptions: { [PROJECT_ID]: ['bankcard'] } } });
    const response = await post();
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      error_code: 'ModelArts.4204',
      error_msg: 'Request api error! The API passport is not subscribed.',
    });
  });

  it('lets a subscribed API through to the backend', async () => {
    t = await buildTestApp({ config: { subscriptions: { [PROJECT_ID]: ['passport'] } } });
    expect((await post()).json().error_code).toBe('AIS.0101');
  });

  it('subscribes every project to every API by default', async () => {
    t = await buildTestApp();
    expect((await post()).json().error_code).toBe('AIS.0101');
  });

  it('authenticates first: no credentials is APIG.0301 even for an unsubscribed API', async () => {
    t = await buildTestApp({ config: { subscriptions: { [DEFAULT_PROJECT.id]: [] } } });
    const response = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, payload: {} });
    expect(response.json().error_code).toBe('APIG.0301');
  });

  it('refuses an unknown API name in the config at start', async () => {
    await expect(buildTestApp({ config: { subscriptions: { [PROJECT_ID]: ['passports'] } } as never })).rejects.toThrow(/subscriptions/);
    t = await buildTestApp();
  });
});
