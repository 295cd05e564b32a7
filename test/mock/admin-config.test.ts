/** Runtime settings through the admin API, switching the admin API off, its token, and its error shape. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADMIN_ERRORS } from '../../src/mock/admin-errors.js';
import { AdminApiError, AdminClient } from '../../src/client/admin-client.js';
import { DEFAULT_PROJECT } from '../../src/config.js';
import { vendorSignedRequest } from '../helpers/aksk.js';
import { buildAdminTestApp, type AdminTestApp } from '../helpers/index.js';
import { PASSPORT_PATH, tokenRequestBody } from '../helpers/index.js';

const OTHER = { id: '99990000999900009999000099990000', name: 'eu-west-0' };

describe('runtime settings', () => {
  let t: AdminTestApp;

  it('reads the server settings without secrets', async () => {
    t = await buildAdminTestApp();
    const response = await t.app.inject({ url: '/_mock/config' });
    expect(response.json()).toEqual({
      namespace: null,
      rateLimitPerMinute: 600,
      maxConcurrentPerProject: 8,
      subscriptions: {},
      identities: [{ domain: 'mock-domain', user: 'mock-user', projects: [DEFAULT_PROJECT] }],
      accessKeys: [{ ak: 'OCRMOCKACCESSKEY0001', domain: 'mock-domain' }],
    });
    expect(response.body).not.toMatch(/mock-password|ocrmock-secret/);
  });

  it('changes the rate limit and subscriptions at run time, server-wide', async () => {
    t = await buildAdminTestApp();
    const view = await t.admin.updateConfig({ rateLimitPerMinute: 2, subscriptions: { [DEFAULT_PROJECT.id]: ['bankcard'] } });
    expect(view).toMatchObject({ rateLimitPerMinute: 2, subscriptions: { [DEFAULT_PROJECT.id]: ['bankcard'] } });
    expect((await t.ocr()).json()).toEqual({ error_code: 'ModelArts.4204', error_msg: 'Request api error! The API passport is not subscribed.' });
    await t.ocr();
    expect((await t.ocr()).json()).toMatchObject({ error_code: 'APIG.0308', error_msg: expect.stringContaining('limit:2,') });
    await t.admin.reset();
    expect((await t.ocr()).json().error_code).toBe('AIS.0101');
  });

  it('replaces identities and AK/SK pairs at run time', async () => {
    t = await buildAdminTestApp();
    t.clock.set(Date.now());
    await t.admin.updateConfig({
      identities: [{ domain: 'acme', user: 'ci', password: 'pw-1', projects: [OTHER] }],
      accessKeys: [{ ak: 'ACMEAK', sk: 'acme-secret', domain: 'acme' }],
    });
    const oldUser = await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: tokenRequestBody() });
    expect(oldUser.statusCode).toBe(401);
    const body = tokenRequestBody({ id: OTHER.id }, { domain: 'acme', user: 'ci', password: 'pw-1' });
    expect((await t.app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: body })).statusCode).toBe(201);

    const path = `/v2/${OTHER.id}/ocr/passport`;
    const signed = await t.app.inject(await vendorSignedRequest({ path, body: {}, ak: 'ACMEAK', sk: 'acme-secret' }));
    expect(signed.json().error_code).toBe('AIS.0101');
    const oldKey = await t.app.inject(await vendorSignedRequest({ path: PASSPORT_PATH, body: {} }));
    expect(oldKey.json()).toMatchObject({ error_code: 'APIG.0301', error_msg: expect.stringContaining('Get secretKey failed') });
  });

  it('keeps per-namespace settings apart, and identities server-wide only', async () => {
    t = await buildAdminTestApp();
    const ns = t.admin.namespace('slow-tests');
    expect(await ns.updateConfig({ rateLimitPerMinute: 1 })).toEqual({
      namespace: 'slow-tests',
      rateLimitPerMinute: 1,
      maxConcurrentPerProject: 8,
      subscriptions: {},
    });
    await t.ocr({ headers: ns.headers });
    expect((await t.ocr({ headers: ns.headers })).json().error_code).toBe('APIG.0308');
    expect((await t.ocr()).json().error_code).toBe('AIS.0101');
    await expect(ns.updateConfig({ accessKeys: [] })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/server-wide/) });
    const invalid = await t.app.inject({ method: 'PATCH', url: '/_mock/config', payload: { subscriptions: { p: ['visa'] } } });
    expect(invalid.statusCode).toBe(400);
    expect((await t.app.inject({ method: 'PATCH', url: '/_mock/config', payload: { identities: [] } })).statusCode).toBe(400);
  });
});

describe('the admin API switched off or guarded', () => {
  let t: AdminTestApp;

  it('answers APIG.0101 on every admin path when admin is false', async () => {
    t = await buildAdminTestApp({ config: { admin: false } });
    for (const [method, url] of [
      ['GET', '/_mock/journal'],
      ['POST', '/_mock/reset'],
      ['POST', '/_mock/faults'],
    ] as const) {
      const response = await t.app.inject({ method, url, payload: {} });
      expect({ status: response.statusCode, code: response.json().error_code }).toEqual({ status: 404, code: 'APIG.0101' });
    }
    await expect(t.admin.journal()).rejects.toMatchObject({ status: 404, code: 'APIG.0101' });
  });

  it('requires X-Mock-Admin-Token when adminToken is set', async () => {
    t = await buildAdminTestApp({ config: { adminToken: 's3cret-admin' } });
    const without = await t.app.inject({ url: '/_mock/journal' });
    expect({ status: without.statusCode, body: without.json() }).toEqual({
      status: 401,
      body: { error: 'unauthorized', message: 'The admin token is missing or wrong.' },
    });
    expect((await t.app.inject({ url: '/_mock/journal', headers: { 'x-mock-admin-token': 'wrong' } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/_mock/journal', headers: { 'x-mock-admin-token': 's3cret-admin' } })).statusCode).toBe(200);
    // The helper's client carries the token.
    expect(await t.admin.faults()).toEqual([]);
    await expect(AdminClient.forApp(t.app).faults()).rejects.toBeInstanceOf(AdminApiError);
  });

  it('answers unknown admin paths and methods in its own shape, never a vendor envelope or a 500', async () => {
    t = await buildAdminTestApp();
    const probes = [
      ['GET', '/_mock/nothing'],
      ['PUT', '/_mock/journal'],
      ['GET', '/_mock/journal?colour=red'],
      ['POST', '/_mock/reset?namespace=a&namespace=b'],
      ['DELETE', '/_mock/stubs/x'],
    ] as const;
    for (const [method, url] of probes) {
      const response = await t.app.inject({ method, url });
      expect(response.statusCode, `${method} ${url}`).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, `${method} ${url}`).toBeLessThan(500);
      expect(Object.keys(response.json()).sort(), `${method} ${url}`).toEqual(['error', 'message']);
    }
    const disagree = await t.app.inject({ method: 'POST', url: '/_mock/reset?namespace=a', headers: { 'x-mock-namespace': 'b' } });
    expect(disagree.json().error).toBe('bad-request');
  });
});

describe('the admin error table', () => {
  it('is documented: every code in the README or docs/behaviour.md, with its status', () => {
    const docs = ['../../README.md', '../../docs/behaviour.md'].map((path) => readFileSync(new URL(path, import.meta.url), 'utf8')).join('\n');
    const missing = Object.entries(ADMIN_ERRORS)
      .filter(([code, { status }]) => !docs.includes(`\`${code}\``) || (code !== 'internal' && !docs.includes(`(${status}`)))
      .map(([code]) => code);
    expect(missing).toEqual([]);
  });
});
