/** Faults and per-request scenarios: vendor errors, latency and dropped connections, by HTTP and by the client. */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminApiError, fault } from '../../src/client/admin-client.js';
import { startMockServer, type MockServer } from '../../src/server.js';
import { buildAdminTestApp, type AdminTestApp } from '../helpers/index.js';
import { getToken, PASSPORT_PATH, PROJECT_ID, samplePng, FakeEngine } from '../helpers/index.js';

describe('faults through the HTTP admin API', () => {
  let t: AdminTestApp;
  beforeEach(async () => {
    t = await buildAdminTestApp();
  });

  const addFault = (body: unknown, query = '') => t.app.inject({ method: 'POST', url: `/_mock/faults${query}`, payload: body as object });

  it('answers the next N requests with a vendor error, then goes back to normal', async () => {
    const created = await addFault({ error: 'ModelArts.4503', times: 2 });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ id: expect.any(String), hits: 0, error: 'ModelArts.4503', times: 2 });

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await t.ocr()).json());
    expect(answers).toEqual([
      { error_code: 'ModelArts.4503', error_msg: 'Backend service found error.' },
      { error_code: 'ModelArts.4503', error_msg: 'Backend service found error.' },
      { error_code: 'AIS.0101', error_msg: 'The input parameter is invalid.' },
    ]);
    expect((await t.app.inject({ url: '/_mock/faults' })).json()).toEqual({ faults: [] });
    const journal = await t.admin.journal({ api: 'passport' });
    expect(journal.map((e) => e.forcedBy)).toEqual([created.json().id, created.json().id, null]);
  });

  it('fills placeholders as the scenario header does, and honours the gateway order', async () => {
    await addFault({ error: 'APIG.0308' });
    await addFault({ error: 'ModelArts.4204' });
    const anonymous = await t.app.inject({ method: 'POST', url: PASSPORT_PATH, payload: {} });
    expect(anonymous.json().error_code).toBe('APIG.0301');
    const forced = await t.ocr();
    expect(forced.statusCode).toBe(429);
    expect(forced.json()).toEqual({
      error_code: 'APIG.0308',
      error_msg: 'The throttling threshold has been reached: policy user over ratelimit,limit:600,time:1 minute',
      request_id: forced.headers['x-request-id'],
    });
  });

  it('matches an API, a project or an image hash', async () => {
    const png = await samplePng();
    const hash = createHash('sha256').update(png).digest('hex');
    await addFault({ match: { api: 'passport', project: 'another-project' }, error: 'ModelArts.4302' });
    await addFault({ match: { imageSha256: hash }, error: 'AIS.0104' });
    expect((await t.ocr()).json().error_code).toBe('AIS.0101');
    expect((await t.ocr({ image: await samplePng(300, 100) })).statusCode).not.toBe(500);
    const hit = await t.ocr({ image: png });
    expect(hit.json().error_code).toBe('AIS.0104');
    expect((await t.admin.journal({ imageSha256: hash }))[0]?.forcedBy).toMatch(/^fault-/);
  });

  it('adds latency before answering normally, with jitter from the seed', async () => {
    await addFault({ delayMs: 1500, times: 1 });
    await t.ocr();
    expect(t.sleeps).toEqual([1500]);
    await addFault({ delayMs: 100, jitterMs: 50, error: 'ModelArts.4402', times: 3 });
    for (let i = 0; i < 3; i++) expect((await t.ocr()).json().error_code).toBe('ModelArts.4402');
    expect(t.sleeps.slice(1).every((ms) => ms >= 100 && ms < 150)).toBe(true);
  });

  it('drops the connection', async () => {
    await addFault({ drop: true, times: 1 });
    await expect(t.ocr()).rejects.toThrow(/destroyed/);
    const [entry] = await t.admin.journal({ api: 'passport' });
    expect(entry).toMatchObject({ status: null, dropped: true, errorCode: null });
    expect((await t.ocr()).statusCode).toBe(400);
  });

  it('samples by probability from the seeded stream', async () => {
    await t.app.close();
    const run = async () => {
      const app = await buildAdminTestApp({ config: { seed: 99 } });
      await app.admin.addFault({ error: 'ModelArts.4403', probability: 0.5 });
      const codes = [];
      for (let i = 0; i < 20; i++) codes.push((await app.ocr()).json().error_code);
      await app.app.close();
      return codes;
    };
    const first = await run();
    expect(first).toEqual(await run());
    expect(first).toContain('ModelArts.4403');
    expect(first).toContain('AIS.0101');
    t = await buildAdminTestApp();
  });

  it('lists and removes faults; refuses faults that do nothing or are malformed, with admin errors', async () => {
    const { id } = (await addFault({ error: 'AIS.0105' })).json();
    expect((await t.app.inject({ url: '/_mock/faults' })).json().faults).toHaveLength(1);
    expect((await t.app.inject({ method: 'DELETE', url: `/_mock/faults/${id}` })).json()).toEqual({ removed: 1 });
    const missing = await t.app.inject({ method: 'DELETE', url: `/_mock/faults/${id}` });
    expect({ status: missing.statusCode, body: missing.json() }).toEqual({ status: 404, body: { error: 'not-found', message: `no fault ${id} in this scope` } });

    for (const body of [{}, { times: 2 }, { error: 'AIS.9999' }, { error: 'AIS.0101', colour: 'red' }, { drop: 'yes' }, { delayMs: -1 }, { match: { api: 'visa' }, drop: true }]) {
      const refused = await addFault(body);
      expect({ body, status: refused.statusCode, error: refused.json().error }).toEqual({ body, status: 400, error: 'bad-request' });
      expect(refused.json().message).toEqual(expect.any(String));
    }
    const notJson = await t.app.inject({ method: 'POST', url: '/_mock/faults', headers: { 'content-type': 'application/json' }, payload: '{oops' });
    expect(notJson.json()).toEqual({ error: 'bad-request', message: 'the body is not valid JSON' });
    expect((await addFault({ drop: true }, '?namespace=bad%20name')).statusCode).toBe(400);
  });
});

describe('faults through the typed client', () => {
  let t: AdminTestApp;
  beforeEach(async () => {
    t = await buildAdminTestApp();
  });

  it('adds, lists, removes and clears faults; use() and resetHandlers() as in msw', async () => {
    const added = await t.admin.addFault({ error: 'ModelArts.4508', match: { api: 'passport' } });
    expect(await t.admin.faults()).toEqual([added]);
    expect((await t.ocr()).json().error_code).toBe('ModelArts.4508');
    await t.admin.removeFault(added.id);
    await expect(t.admin.removeFault(added.id)).rejects.toMatchObject({ name: 'AdminApiError', status: 404, code: 'not-found' });

    await t.admin.use(fault({ error: 'AIS.0105', times: 1 }), fault({ delayMs: 5 }));
    expect((await t.ocr()).json().error_code).toBe('AIS.0105');
    expect(await t.admin.faults()).toHaveLength(1);
    await t.admin.resetHandlers();
    expect(await t.admin.faults()).toEqual([]);
    await expect(t.admin.addFault({ times: 1 })).rejects.toBeInstanceOf(AdminApiError);
    expect(await t.admin.clearFaults()).toBe(0);
  });
});

describe('X-Mock-Scenario delay and drop', () => {
  let t: AdminTestApp;
  beforeEach(async () => {
    t = await buildAdminTestApp();
  });

  it('delays on the injected sleeper, then answers normally or with the error', async () => {
    expect((await t.ocr({ headers: { 'x-mock-scenario': 'delay=500ms' } })).json().error_code).toBe('AIS.0101');
    const slow = await t.ocr({ headers: { 'x-mock-scenario': 'delay=2s;error=ModelArts.4402' } });
    expect({ status: slow.statusCode, code: slow.json().error_code }).toEqual({ status: 504, code: 'ModelArts.4402' });
    expect(t.sleeps).toEqual([500, 2000]);
  });

  it('drops the connection, and wins over an admin fault for that request', async () => {
    await t.admin.addFault({ error: 'AIS.0105', times: 1 });
    await expect(t.ocr({ headers: { 'x-mock-scenario': 'drop' } })).rejects.toThrow(/destroyed/);
    // The fault was not used up by the request the header forced.
    expect((await t.ocr()).json().error_code).toBe('AIS.0105');
    expect((await t.admin.journal({ api: 'passport' })).map((e) => e.forcedBy)).toEqual(['scenario', expect.stringMatching(/^fault-/)]);
  });

  it('refuses a delay without a unit with AIS.0101', async () => {
    const response = await t.ocr({ headers: { 'x-mock-scenario': 'delay=500' } });
    expect({ status: response.statusCode, code: response.json().error_code }).toEqual({ status: 400, code: 'AIS.0101' });
  });
});

describe('delays and drops on a listening server (real time, real sockets)', () => {
  let server: MockServer;
  beforeEach(async () => {
    server = await startMockServer({ port: 0, engine: new FakeEngine(), config: { logLevel: 'silent', warmup: false } });
  });
  afterEach(() => server.close());

  const post = (token: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/v2/${PROJECT_ID}/ocr/passport`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token, ...headers },
      body: '{}',
    });

  it('waits the delay in real time and drops the socket', async () => {
    const token = await getToken(server.app);
    const started = performance.now();
    expect((await post(token, { 'x-mock-scenario': 'delay=120ms' })).status).toBe(400);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);

    await server.admin.addFault({ drop: true, times: 1 });
    await expect(post(token)).rejects.toThrow(/fetch failed/);
    expect((await post(token)).status).toBe(400);
    // The IAM token request is journaled too; the dropped one has no status.
    expect((await server.admin.journal({ api: 'passport' })).map((e) => e.status)).toEqual([400, null, 400]);
  });
});
