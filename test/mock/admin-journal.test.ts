/** The request journal, through the HTTP admin API and through the typed client. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { vendorSignedRequest } from '../helpers/aksk.js';
import { buildAdminTestApp, type AdminTestApp } from '../helpers/index.js';
import { PASSPORT_PATH, PROJECT_ID, samplePng } from '../helpers/index.js';

describe('the journal', () => {
  let t: AdminTestApp;
  beforeEach(async () => {
    t = await buildAdminTestApp();
  });

  it('records each vendor request with its outcome, and nothing secret', async () => {
    const png = await samplePng();
    t.clock.advance(1000);
    const ok = await t.ocr({ image: png });
    const refused = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, payload: {} });
    await t.app.inject({ method: 'GET', url: '/v2/abc/ocr/nothing' });
    await t.app.inject({ method: 'GET', url: '/health' });

    const response = await t.app.inject({ method: 'GET', url: '/_mock/journal' });
    expect(response.statusCode).toBe(200);
    const { entries } = response.json();
    // The IAM call made by the helper first, then the three vendor calls; /health is not journaled.
    expect(entries.map((e: { path: string }) => e.path)).toEqual(['/v3/auth/tokens', PASSPORT_PATH, PASSPORT_PATH, '/v2/abc/ocr/nothing']);
    expect(entries[1]).toEqual({
      requestId: ok.headers['x-request-id'],
      time: new Date(Date.UTC(2026, 0, 1) + 1000).toISOString(),
      method: 'POST',
      path: PASSPORT_PATH,
      namespace: PROJECT_ID,
      project: PROJECT_ID,
      api: 'passport',
      authMethod: 'token',
      status: ok.statusCode,
      errorCode: ok.statusCode === 200 ? null : ok.json().error_code,
      latencyMs: 0,
      imageSha256: createHash('sha256').update(png).digest('hex'),
      forcedBy: null,
      dropped: false,
    });
    expect(entries[2]).toMatchObject({ requestId: refused.headers['x-request-id'], authMethod: null, status: 401, errorCode: 'APIG.0301' });
    expect(entries[3]).toMatchObject({ namespace: 'abc', project: 'abc', api: null, status: 404, errorCode: 'APIG.0101' });
    expect(entries[0]).toMatchObject({ namespace: 'default', api: 'iam', status: 201, errorCode: null });
    // Never a token, a signature or image bytes.
    expect(response.body).not.toMatch(/MII|Signature|iVBOR/);
  });

  it('records the AK/SK method, never the signature', async () => {
    // The vendor's signer stamps the real time.
    t.clock.set(Date.now());
    await t.app.inject(await vendorSignedRequest({ path: PASSPORT_PATH, body: {} }));
    const [entry] = await t.admin.journal({ authMethod: 'aksk' });
    expect(entry).toMatchObject({ authMethod: 'aksk', errorCode: 'AIS.0101' });
    expect(JSON.stringify(entry)).not.toMatch(/Signature|SDK-HMAC/);
  });

  it('measures latency on the server clock', async () => {
    const engine = t.engine;
    const original = engine.recognize.bind(engine);
    let advanced = false;
    engine.recognize = async (request) => {
      // Recognition may ask the engine more than once; time moves once.
      if (!advanced) t.clock.advance(250);
      advanced = true;
      return original(request);
    };
    await t.ocr({ image: await samplePng() });
    const [entry] = await t.admin.journal({ api: 'passport' });
    expect(entry?.latencyMs).toBe(250);
  });

  it('filters by namespace, method, api, status, error code, image hash and limit', async () => {
    const png = await samplePng();
    const hash = createHash('sha256').update(png).digest('hex');
    await t.ocr({ headers: { 'x-mock-namespace': 'file-a' } });
    await t.ocr({ headers: { 'x-mock-namespace': 'file-a' }, image: png });
    await t.ocr({ headers: { 'x-mock-namespace': 'file-b' } });

    expect((await t.admin.namespace('file-a').journal()).map((e) => e.namespace)).toEqual(['file-a', 'file-a']);
    expect(await t.admin.journal({ status: 400, errorCode: 'AIS.0101' })).toHaveLength(2);
    expect((await t.admin.journal({ imageSha256: hash.toUpperCase() })).map((e) => e.namespace)).toEqual(['file-a']);
    expect((await t.admin.journal({ limit: 1 })).map((e) => e.namespace)).toEqual(['file-b']);
    expect(await t.admin.journal({ method: 'get' })).toEqual([]);

    const byHeader = await t.app.inject({ url: '/_mock/journal?api=passport', headers: { 'x-mock-namespace': 'file-b' } });
    expect(byHeader.json().entries).toHaveLength(1);
    const bad = await t.app.inject({ url: '/_mock/journal?status=four' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'bad-request' });
  });

  it('clears one namespace, or all', async () => {
    await t.ocr({ headers: { 'x-mock-namespace': 'file-a' } });
    await t.ocr({ headers: { 'x-mock-namespace': 'file-b' } });
    const cleared = await t.app.inject({ method: 'DELETE', url: '/_mock/journal?namespace=file-a' });
    expect(cleared.json()).toEqual({ removed: 1 });
    expect((await t.admin.journal()).map((e) => e.namespace)).toEqual(['default', 'file-b']);
    expect(await t.admin.clearJournal()).toBe(2);
    expect(await t.admin.journal()).toEqual([]);
  });

  it('is bounded by journalMaxEntries', async () => {
    await t.app.close();
    t = await buildAdminTestApp({ config: { journalMaxEntries: 3 } });
    for (let i = 0; i < 10; i++) await t.ocr();
    expect(await t.admin.journal()).toHaveLength(3);
  });
});
