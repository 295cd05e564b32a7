/**
 * Issue 16: three replicas sharing one Redis (`stateStore: "redis"`) behave as one mock. A client sends each request
 * to the next replica in turn, as a round-robin load balancer would, and every admin call to yet another, and gets
 * what one server would answer: throttling, a `times: 3` fault, stubs, namespaces, reset, the journal's count and
 * order, AK/SK lockout. Then Redis goes down and comes back.
 */
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdminApiError } from '../../src/client/admin-client.js';
import type { OcrEngine } from '../../src/ocr/engine.js';
import { startMockServer, type MockServer } from '../../src/server.js';
import { mrzEngine, SANDBOX_AK, SANDBOX_SK, SPECIMEN_IMAGE } from '../helpers/aksk.js';
import { PASSPORT_PATH, PROJECT_ID, tokenRequestBody } from '../helpers/iam.js';
import { PASSPORT_RESULT, samplePng } from '../helpers/index.js';
import { startRedis, type RunningRedis } from '../helpers/redis.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  requestId: string;
}

/** Recognition waits while a test holds the gate shut, so that a request can be kept in flight. */
const gate = { open: Promise.resolve(), waiting: 0 };

function gatedEngine(): OcrEngine {
  const engine = mrzEngine();
  return {
    recognize: async (request) => {
      gate.waiting += 1;
      await gate.open;
      gate.waiting -= 1;
      return engine.recognize(request);
    },
    warm: () => engine.warm(),
    isWarm: () => engine.isWarm(),
    close: () => engine.close(),
  };
}

async function startReplica(redisUrl: string): Promise<MockServer> {
  return startMockServer({
    port: 0,
    engine: gatedEngine(),
    waitUntilWarm: false,
    config: { stateStore: 'redis', redisUrl, warmup: false, logLevel: 'silent' },
  });
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, requestId: response.headers.get('x-request-id') ?? '' };
}

async function tokenFrom(server: MockServer): Promise<string> {
  const response = await fetch(`${server.url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tokenRequestBody()),
  });
  expect(response.status).toBe(201);
  return response.headers.get('x-subject-token') ?? '';
}

/** Headers signed by the vendor's signer for this replica's URL (the host is signed). */
function signedHeaders(server: MockServer, body: string, sk = SANDBOX_SK, namespace?: string): Record<string, string> {
  const credentials = new BasicCredentials().withAk(SANDBOX_AK).withSk(sk).withProjectId(PROJECT_ID);
  const extra: Record<string, string> = namespace ? { 'X-Mock-Namespace': namespace } : {};
  return AKSKSigner.sign(
    {
      endpoint: `${server.url}${PASSPORT_PATH}`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Project-Id': PROJECT_ID, ...extra },
      data: JSON.parse(body),
      queryParams: {},
    },
    credentials,
  ) as Record<string, string>;
}

describe('three replicas sharing one Redis', () => {
  let redis: RunningRedis;
  let replicas: MockServer[] = [];
  let token: string;
  let body: string;
  let turn = 0;
  /** The next replica, round robin: consecutive calls never reach the same one twice in a row. */
  const next = () => replicas[turn++ % replicas.length] as MockServer;
  const ocr = (namespace: string) => post(`${next().url}${PASSPORT_PATH}`, { 'x-auth-token': token, 'x-mock-namespace': namespace }, body);

  beforeAll(async () => {
    redis = await startRedis();
    replicas = await Promise.all([0, 1, 2].map(() => startReplica(redis.url)));
    token = await tokenFrom(next());
    body = JSON.stringify({ image: await SPECIMEN_IMAGE() });
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await redis?.stop();
  });

  beforeEach(async () => {
    await next().admin.reset();
  });

  it('throttles a namespace at its limit whichever replica counts the request', async () => {
    await next().namespace('throttle').updateConfig({ rateLimitPerMinute: 4 });
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await ocr('throttle'));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 429, 429, 429]);
    expect(answers[4]?.body).toMatchObject({ error_code: 'APIG.0308', error_msg: expect.stringContaining('limit:4,') });
    // Another namespace has its own window, and the server's limit.
    expect((await ocr('other')).status).toBe(200);
  });

  it('holds a namespace to maxConcurrentPerProject recognitions in flight across the replicas', async () => {
    await next().namespace('slots').updateConfig({ maxConcurrentPerProject: 1 });
    // An image no replica has recognised yet, so no result cache answers it.
    const image = JSON.stringify({ image: (await samplePng(640, 420)).toString('base64') });
    let openGate = () => {};
    gate.open = new Promise((resolve) => {
      openGate = resolve;
    });
    const headers = { 'x-auth-token': token, 'x-mock-namespace': 'slots' };
    const inFlight = post(`${next().url}${PASSPORT_PATH}`, headers, image);
    // Recognising, so holding the namespace's one slot.
    await waitUntil(async () => gate.waiting === 1, 5000);
    const refused = await post(`${next().url}${PASSPORT_PATH}`, headers, image);
    expect(refused).toMatchObject({ status: 429, body: { error_code: 'ModelArts.4401' } });
    openGate();
    expect((await inFlight).status).toBe(200);
    // The slot was given back: the next one is admitted, at yet another replica.
    expect((await post(`${next().url}${PASSPORT_PATH}`, headers, image)).status).toBe(200);
  });

  it('fires a times: 3 fault exactly three times across the replicas, then removes it everywhere', async () => {
    const added = await next().namespace('faults').addFault({ error: 'AIS.0105', times: 3 });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await ocr('faults'));
    expect(answers.map((answer) => answer.body.error_code ?? answer.status)).toEqual(['AIS.0105', 'AIS.0105', 'AIS.0105', 200, 200, 200]);
    for (const replica of replicas) expect(await replica.namespace('faults').faults()).toEqual([]);
    const journal = await next().namespace('faults').journal();
    expect(journal.filter((entry) => entry.forcedBy === added.id)).toHaveLength(3);
  });

  it('counts a fault used at the same moment by all three replicas exactly once per use', async () => {
    await next().namespace('race').addFault({ error: 'AIS.0105', times: 3 });
    // Nine at once, three to each replica: exactly three may be hit.
    const answers = await Promise.all(Array.from({ length: 9 }, () => ocr('race')));
    expect(answers.filter((answer) => answer.body.error_code === 'AIS.0105')).toHaveLength(3);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(6);
  });

  it('answers a stub added at one replica from every replica, counting its hits once', async () => {
    const result = { passport_number: 'STUB00001' };
    const added = await next()
      .namespace('stubs')
      .addStub({ api: 'passport', image: JSON.parse(body).image as string, result: { ...PASSPORT_RESULT, ...result } });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await ocr('stubs'));
    for (const answer of answers) expect(answer.body.result).toMatchObject(result);
    for (const replica of replicas) expect(await replica.namespace('stubs').stubs()).toEqual([{ ...added, hits: 3 }]);
  });

  it('keeps namespaces apart on every replica: settings, faults and journal', async () => {
    await next().namespace('ns-a').updateConfig({ rateLimitPerMinute: 1 });
    await next().namespace('ns-a').addFault({ error: 'AIS.0105' });
    for (const replica of replicas) expect((await replica.namespace('ns-a').config()).rateLimitPerMinute).toBe(1);
    for (const replica of replicas) expect((await replica.namespace('ns-b').config()).rateLimitPerMinute).toBe(600);
    const inB = [await ocr('ns-b'), await ocr('ns-b'), await ocr('ns-b')];
    expect(inB.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const inA = [await ocr('ns-a'), await ocr('ns-a')];
    expect(inA.map((answer) => answer.body.error_code)).toEqual(['AIS.0105', 'APIG.0308']);
    expect(await next().namespace('ns-b').journal()).toHaveLength(3);
    expect(await next().namespace('ns-a').journal()).toHaveLength(2);
  });

  it('resets a namespace at one replica for all of them, and leaves other namespaces alone', async () => {
    const scoped = next().namespace('reset-me');
    await scoped.updateConfig({ rateLimitPerMinute: 2 });
    await next()
      .namespace('reset-me')
      .addFault({ error: 'AIS.0105', match: { api: 'bankcard' } });
    await next()
      .namespace('kept')
      .addFault({ error: 'AIS.0105', match: { api: 'bankcard' } });
    for (let i = 0; i < 3; i++) await ocr('reset-me');
    expect((await ocr('reset-me')).body.error_code).toBe('APIG.0308');

    await next().namespace('reset-me').reset();
    for (const replica of replicas) {
      const view = replica.namespace('reset-me');
      expect(await view.journal()).toEqual([]);
      expect(await view.faults()).toEqual([]);
      expect((await view.config()).rateLimitPerMinute).toBe(600);
    }
    // Its throttle window went too: the namespace may send again at once.
    expect((await ocr('reset-me')).status).toBe(200);
    expect(await next().namespace('kept').faults()).toHaveLength(1);
  });

  it('journals every request once, in the order they were answered, whichever replica answered', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 9; i++) sent.push((await ocr('journal')).requestId);
    for (const replica of replicas) {
      const entries = await replica.namespace('journal').journal();
      expect(entries.map((entry) => entry.requestId)).toEqual(sent);
    }
    expect(new Set(sent).size).toBe(9);
    expect(await next().namespace('journal').journal({ limit: 2 })).toHaveLength(2);
  });

  it('locks an AK after five bad signatures spread over the replicas, for every replica', async () => {
    const namespace = 'lockout';
    const refusals = [];
    for (let i = 0; i < 5; i++) {
      const replica = next();
      refusals.push(await post(`${replica.url}${PASSPORT_PATH}`, signedHeaders(replica, body, 'not-the-secret-key-of-this-ak', namespace), body));
    }
    for (const refusal of refusals) expect(refusal.body).toMatchObject({ error_code: 'APIG.0301', error_msg: expect.stringContaining('verify aksk signature fail') });
    for (let i = 0; i < 3; i++) {
      const replica = next();
      const locked = await post(`${replica.url}${PASSPORT_PATH}`, signedHeaders(replica, body, SANDBOX_SK, namespace), body);
      expect(locked.body).toMatchObject({ error_code: 'APIG.0301', error_msg: expect.stringContaining('AK access failed to reach the limit,forbidden') });
    }
    // A namespace's lock is its own, on every replica.
    const replica = next();
    expect((await post(`${replica.url}${PASSPORT_PATH}`, signedHeaders(replica, body, SANDBOX_SK, 'unlocked'), body)).status).toBe(200);
  });

  it('replaces who may authenticate on every replica with one admin call', async () => {
    await next().admin.updateConfig({
      identities: [{ domain: 'other-domain', user: 'other-user', password: 'other-password', projects: [{ id: PROJECT_ID, name: 'ae-ad-1' }] }],
    });
    // The sandbox user is gone everywhere: its token no longer admits it, and it cannot log in again.
    for (let i = 0; i < 3; i++) expect((await ocr('identities')).body.error_code).toBe('ModelArts.0203');
    const login = await fetch(`${next().url}/v3/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tokenRequestBody()) });
    expect(login.status).toBe(401);
  });
});

describe('a replica whose Redis goes away', () => {
  let redis: RunningRedis;
  let replica: MockServer;
  let body: string;

  beforeAll(async () => {
    redis = await startRedis();
    replica = await startReplica(redis.url);
    body = JSON.stringify({ image: await SPECIMEN_IMAGE() });
  });

  afterAll(async () => {
    await replica?.close();
    await redis?.stop();
  });

  it('answers ModelArts.4503, admin 503 and an unhealthy /health naming Redis, then recovers by itself', async () => {
    const token = await tokenFrom(replica);
    const ocr = () => post(`${replica.url}${PASSPORT_PATH}`, { 'x-auth-token': token }, body);
    expect((await ocr()).status).toBe(200);

    await redis.stop();
    const vendor = await ocr();
    expect(vendor).toMatchObject({ status: 502, body: { error_code: 'ModelArts.4503', error_msg: 'Backend service found error.' } });
    const admin = await replica.admin.faults().catch((error: unknown) => error);
    expect(admin).toBeInstanceOf(AdminApiError);
    expect(admin).toMatchObject({ status: 503, code: 'store-unavailable' });
    const login = await fetch(`${replica.url}/v3/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tokenRequestBody()) });
    // IAM is not behind the gateway: Keystone's shape.
    expect(login.status).toBe(503);
    expect(await login.json()).toMatchObject({ error: { code: 503, title: 'Service Unavailable' } });
    const health = await fetch(`${replica.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'unavailable', dependencies: { redis: 'down' } });

    await redis.restart();
    await waitUntil(async () => (await fetch(`${replica.url}/health`)).status === 200, 15_000);
    expect(await (await fetch(`${replica.url}/health`)).json()).toEqual({ status: 'ok', dependencies: { redis: 'up' } });
    expect((await ocr()).status).toBe(200);
    expect(await replica.admin.faults()).toEqual([]);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
