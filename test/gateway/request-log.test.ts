/**
 * Issue 17, logs: one line per request at info (not fastify's two), and startMockServer quiet by default, with
 * `config.logLevel` or `LOG_LEVEL` as the switch.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { startMockServer, type MockServer } from '../../src/server.js';
import { PASSPORT_PATH, FakeEngine, tokenRequestBody } from '../helpers/index.js';

function capture(): { stream: PassThrough; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('request logging at info', () => {
  it('writes exactly one line per request, with method, URL, status, time and the vendor error code', async () => {
    const { stream, lines } = capture();
    const app = await buildApp({ config: loadConfig({ env: {}, overrides: { logLevel: 'info', warmup: false } }), engine: new FakeEngine(), logStream: stream });
    try {
      await app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: tokenRequestBody() });
      await app.inject({ method: 'POST', url: PASSPORT_PATH, payload: {} });
      await app.inject({ method: 'GET', url: '/health' });
    } finally {
      await app.close();
    }
    const requests = lines().filter((line) => line.statusCode !== undefined);
    expect(lines().filter((line) => /incoming request|request completed/.test(String(line.msg)))).toEqual([]);
    expect(requests.map(({ method, url, statusCode, errorCode }) => ({ method, url, statusCode, errorCode }))).toEqual([
      { method: 'POST', url: '/v3/auth/tokens', statusCode: 201, errorCode: undefined },
      { method: 'POST', url: PASSPORT_PATH, statusCode: 401, errorCode: 'APIG.0301' },
      { method: 'GET', url: '/health', statusCode: 200, errorCode: undefined },
    ]);
    expect(requests[1]).toMatchObject({ level: 30, msg: `POST ${PASSPORT_PATH} 401 APIG.0301 ${requests[1]?.responseTime} ms`, reqId: expect.any(String) });
    expect(typeof requests[1]?.responseTime).toBe('number');
  });

  it('writes one line for a connection dropped on purpose, and none more when the socket closes', async () => {
    const { stream, lines } = capture();
    const app = await buildApp({ config: loadConfig({ env: {}, overrides: { logLevel: 'info', warmup: false } }), engine: new FakeEngine(), logStream: stream });
    try {
      const issued = await app.inject({ method: 'POST', url: '/v3/auth/tokens', payload: tokenRequestBody() });
      const headers = { 'x-auth-token': String(issued.headers['x-subject-token']), 'x-mock-scenario': 'drop' };
      await expect(app.inject({ method: 'POST', url: PASSPORT_PATH, headers, payload: {} })).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await app.close();
    }
    expect(lines().map((line) => line.msg)).toEqual([expect.stringMatching(/^POST \/v3\/auth\/tokens 201 \d+ ms$/), `POST ${PASSPORT_PATH} dropped (forced by scenario)`]);
  });
});

describe('startMockServer logging', () => {
  let server: MockServer | undefined;
  const previous = process.env.LOG_LEVEL;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    if (previous === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = previous;
  });

  async function run(options: { logLevel?: 'info'; env?: string }): Promise<number> {
    if (options.env === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = options.env;
    const { stream, lines } = capture();
    server = await startMockServer({
      port: 0,
      engine: new FakeEngine(),
      logStream: stream,
      config: { warmup: false, ...(options.logLevel ? { logLevel: options.logLevel } : {}) },
    });
    for (let i = 0; i < 5; i += 1) await fetch(`${server.url}${PASSPORT_PATH}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    await server.close();
    server = undefined;
    if (process.env.DEBUG_LINES) console.log(lines());
    return lines().length;
  }

  it('is quiet by default: five requests, no line', async () => {
    expect(await run({})).toBe(0);
  });

  it('logs one line per request with config.logLevel info, or LOG_LEVEL=info', async () => {
    // Five requests, plus fastify's "Server listening at" line.
    expect(await run({ logLevel: 'info' })).toBe(6);
    expect(await run({ env: 'info' })).toBe(6);
  });
});
