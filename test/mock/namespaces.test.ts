/**
 * Two namespaces side by side on one server, as two test files running in parallel would be: a fault, a stub, a
 * throttle, a lockout and a reset in one never touch the other.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { AdminClient } from '../../src/client/admin-client.js';
import { DEFAULT_PROJECT } from '../../src/config.js';
import { vendorSignedRequest } from '../helpers/aksk.js';
import { buildAdminTestApp, PASSPORT_RESULT, type AdminTestApp } from '../helpers/index.js';
import { getToken, PASSPORT_PATH, samplePng, FakeEngine } from '../helpers/index.js';

describe('namespaces', () => {
  let t: AdminTestApp;
  let a: AdminClient;
  let b: AdminClient;
  let png: Buffer;
  beforeEach(async () => {
    t = await buildAdminTestApp();
    a = t.admin.namespace('file-a');
    b = t.admin.namespace('file-b');
    png = await samplePng();
  });

  const inA = (image?: Buffer) => t.ocr({ headers: a.headers, ...(image ? { image } : {}) });
  const inB = (image?: Buffer) => t.ocr({ headers: b.headers, ...(image ? { image } : {}) });

  it('keep faults apart', async () => {
    await a.addFault({ error: 'ModelArts.4403' });
    expect((await inA()).json().error_code).toBe('ModelArts.4403');
    expect((await inB()).json().error_code).toBe('AIS.0101');
    expect(await b.faults()).toEqual([]);
    expect(await a.faults()).toHaveLength(1);
  });

  it('keep stubs apart', async () => {
    await a.addStub({ api: 'passport', image: png, result: PASSPORT_RESULT });
    expect((await inA(png)).json()).toEqual({ result: PASSPORT_RESULT });
    expect(t.engine.requests).toHaveLength(0);
    await inB(png);
    expect(t.engine.requests.length).toBeGreaterThan(0);
  });

  it('keep throttle windows and limits apart', async () => {
    await a.updateConfig({ rateLimitPerMinute: 2 });
    await inA();
    await inA();
    expect((await inA()).json().error_code).toBe('APIG.0308');
    for (let i = 0; i < 5; i++) expect((await inB()).json().error_code).toBe('AIS.0101');
    // Same project, no header: the project's own namespace, also untouched.
    expect((await t.ocr()).json().error_code).toBe('AIS.0101');
  });

  it('keep concurrency slots apart', async () => {
    await t.app.close();
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const engine = new FakeEngine();
    const recognize = engine.recognize.bind(engine);
    let entered = 0;
    engine.recognize = async (request) => {
      entered += 1;
      await gate;
      return recognize(request);
    };
    const until = async (condition: () => boolean) => {
      for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    t = await buildAdminTestApp({ engine, config: { maxConcurrentPerProject: 1 } });
    const held = t.ocr({ headers: a.headers, image: png });
    await until(() => entered === 1);
    const refused = await t.ocr({ headers: a.headers, image: png });
    expect(refused.json().error_code).toBe('ModelArts.4401');
    const other = t.ocr({ headers: b.headers, image: png });
    await until(() => entered === 2);
    expect(entered).toBe(2);
    open();
    expect((await other).json().error_code).not.toBe('ModelArts.4401');
    expect((await held).json().error_code).not.toBe('ModelArts.4401');
  });

  it('keep AK lockouts apart', async () => {
    t.clock.set(Date.now());
    // Signed with the wrong secret: a signature failure of a known AK, which counts towards the lockout.
    const bad = async (headers: Record<string, string>) => t.app.inject(await vendorSignedRequest({ path: PASSPORT_PATH, body: {}, headers, sk: 'not-the-secret' }));
    for (let i = 0; i < 5; i++) expect((await bad(a.headers)).json().error_msg).toMatch(/verify aksk signature fail/);
    const good = async (headers: Record<string, string>) => t.app.inject(await vendorSignedRequest({ path: PASSPORT_PATH, body: {}, headers }));
    expect((await good(a.headers)).json().error_msg).toMatch(/AK access failed to reach the limit/);
    expect((await good(b.headers)).json().error_code).toBe('AIS.0101');
  });

  it('keep journals apart, and a reset of one leaves the other whole', async () => {
    await a.addFault({ error: 'ModelArts.4403' });
    await a.addStub({ api: 'passport', image: png, result: PASSPORT_RESULT });
    await a.updateConfig({ rateLimitPerMinute: 1 });
    await b.addFault({ error: 'ModelArts.4302' });
    await b.addStub({ api: 'passport', image: png, result: PASSPORT_RESULT });
    await b.updateConfig({ rateLimitPerMinute: 1 });
    await inA();
    await inB();
    expect((await inB()).json().error_code).toBe('APIG.0308');

    await a.reset();
    expect(await a.faults()).toEqual([]);
    expect(await a.stubs()).toEqual([]);
    expect(await a.journal()).toEqual([]);
    expect((await a.config()).rateLimitPerMinute).toBe(600);
    expect((await inA()).json().error_code).toBe('AIS.0101');

    expect(await b.faults()).toHaveLength(1);
    expect(await b.stubs()).toHaveLength(1);
    expect((await b.config()).rateLimitPerMinute).toBe(1);
    expect((await b.journal()).map((e) => e.errorCode)).toEqual(['ModelArts.4302', 'APIG.0308']);
    expect((await inB()).json().error_code).toBe('APIG.0308');
  });

  it('default to the project id, so two projects are apart without any header', async () => {
    const other = { id: '12121212121212121212121212121212', name: 'second' };
    await t.app.close();
    t = await buildAdminTestApp({
      config: { identities: [{ domain: 'mock-domain', user: 'mock-user', password: 'mock-password', projects: [{ ...DEFAULT_PROJECT }, other] }] },
    });
    const otherToken = await getToken(t.app, { id: other.id });
    await t.admin.namespace(DEFAULT_PROJECT.id).addFault({ error: 'AIS.0105' });
    expect((await t.ocr()).json().error_code).toBe('AIS.0105');
    const response = await t.app.inject({ method: 'POST', url: `/v2/${other.id}/ocr/passport`, headers: { 'x-auth-token': otherToken }, payload: {} });
    expect(response.json().error_code).toBe('AIS.0101');
  });

  it('global faults reach every namespace; a namespace fault comes first', async () => {
    await t.admin.addFault({ error: 'ModelArts.4508', times: 2 });
    await a.addFault({ error: 'AIS.0105', times: 1 });
    expect((await inA()).json().error_code).toBe('AIS.0105');
    expect((await inA()).json().error_code).toBe('ModelArts.4508');
    expect((await inB()).json().error_code).toBe('ModelArts.4508');
    expect((await inB()).json().error_code).toBe('AIS.0101');
    expect(await t.admin.journal({ imageSha256: createHash('sha256').update(png).digest('hex') })).toEqual([]);
  });

  it('refuses an unreadable X-Mock-Namespace with AIS.0101 before anything else', async () => {
    const response = await t.ocr({ headers: { 'x-mock-namespace': 'two words' } });
    expect({ status: response.statusCode, code: response.json().error_code }).toEqual({ status: 400, code: 'AIS.0101' });
  });
});
