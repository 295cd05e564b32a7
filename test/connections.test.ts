/**
 * Issue 12: finding 3 (stalled bodies were never timed out), and two of the low findings: the 11 error paths Node
 * or fastify answered in their own shape, and fastify's bare 503 to a kept-alive request during SIGTERM. Over real
 * sockets on 127.0.0.1, since `inject` has no connection.
 */
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { ERROR_CATALOGUE, isErrorCode } from '../src/errors/catalogue.js';
import { buildTestApp, getToken, PASSPORT_PATH, type TestApp } from './helpers/index.js';
import { rawRequest } from './helpers/net.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

async function listening(config: Partial<Config> = {}): Promise<number> {
  t = await buildTestApp({ config });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return (t.app.server.address() as AddressInfo).port;
}

/** The vendor envelope, with a catalogue code whose status is the answer's. */
function expectEnvelope(status: number | null, body: string, context: string): string {
  const parsed = JSON.parse(body) as { error_code: string; error_msg: string };
  expect(
    Object.keys(parsed)
      .filter((key) => key !== 'request_id')
      .sort(),
    context,
  ).toEqual(['error_code', 'error_msg']);
  expect(isErrorCode(parsed.error_code), context).toBe(true);
  if (isErrorCode(parsed.error_code)) expect(status, context).toBe(ERROR_CATALOGUE[parsed.error_code].status);
  return parsed.error_code;
}

describe('slow clients are timed out (issue 12, finding 3)', () => {
  it('closes a connection whose body stalls, after requestTimeoutMs, with ModelArts.4104', async () => {
    const port = await listening({ requestTimeoutMs: 1000 });
    const token = await getToken(t!.app);
    const head = [`POST ${PASSPORT_PATH} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Length: 1000', `X-Auth-Token: ${token}`];
    const answer = await rawRequest(port, head.join('\r\n'), '{"i', 6000);
    expect(answer.headers.connection).toBe('close');
    expect(answer.firstByteMs).toBeGreaterThanOrEqual(900);
    expect(answer.firstByteMs).toBeLessThan(3500);
    expect(expectEnvelope(answer.status, answer.body, 'stalled body')).toBe('ModelArts.4104');
  });

  it('closes a connection whose headers stall, after headersTimeoutMs', async () => {
    const port = await listening({ headersTimeoutMs: 800, requestTimeoutMs: 5000 });
    const answer = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1', '', 6000, false);
    expect(answer.headers.connection).toBe('close');
    expect(answer.firstByteMs).toBeLessThan(3500);
    expect(expectEnvelope(answer.status, answer.body, 'stalled headers')).toBe('ModelArts.4104');
  });

  it('closes an idle kept-alive connection after keepAliveTimeoutMs', async () => {
    const port = await listening({ keepAliveTimeoutMs: 500 });
    const closedAfter = await new Promise<number>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let answeredAt = 0;
      socket.on('connect', () => socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
      socket.on('data', () => {
        answeredAt ||= performance.now();
      });
      socket.on('close', () => resolve(performance.now() - answeredAt));
      socket.on('error', () => undefined);
    });
    expect(closedAfter).toBeGreaterThanOrEqual(400);
    expect(closedAfter).toBeLessThan(3000);
  });
});

describe('every refusal in the vendor envelope (issue 12, low findings)', () => {
  it('answers the 11 paths Node and fastify answered in their own shape', async () => {
    const port = await listening({ requestTimeoutMs: 1000, headersTimeoutMs: 800 });
    const token = await getToken(t!.app);
    const cases: Array<[string, string, string?]> = [
      ['a malformed request line', 'GARBAGE / HTTP/1.1\r\nHost: x'],
      ['a control character in a header', 'GET /health HTTP/1.1\r\nHost: x\r\nBad\x01Header: 1'],
      ['headers over 16 KB', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}`],
      ['Content-Length and Transfer-Encoding both', 'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked', '0\r\n\r\n'],
      ['a Content-Length that is not a number', 'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: abc'],
      ['a malformed chunk', `POST ${PASSPORT_PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-Auth-Token: ${token}`, 'zz\r\n'],
      ['an HTTP/2 preface', 'PRI * HTTP/2.0', 'SM\r\n\r\n'],
      ['an unknown Expect', 'POST /v3/auth/tokens HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 2', '{}'],
      ['HTTP/1.1 without Host', 'GET /health HTTP/1.1'],
      ['a body that stalls', `POST ${PASSPORT_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nX-Auth-Token: ${token}`, '{'],
      ['headers that stall', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: 1'],
    ];
    const seen: string[] = [];
    for (const [name, head, body] of cases) {
      // Complete heads get their blank line; the stalled-headers case must not.
      const answer = await rawRequest(port, head, body ?? '', 4000, name !== 'headers that stall');
      expect(answer.status, name).not.toBeNull();
      seen.push(`${name}: ${answer.status} ${expectEnvelope(answer.status, answer.body, name)}`);
    }
    expect(seen).toHaveLength(11);
    console.log(`envelopes: ${seen.join('; ')}`);
  });
});

describe('while closing (issue 12, low findings)', () => {
  it("answers a request on a kept-alive connection ModelArts.4403 (503) in the envelope, not fastify's bare 503", async () => {
    const port = await listening();
    const token = await getToken(t!.app);
    const app = t!.app;
    const text = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let out = '';
      socket.on('connect', () => {
        // A request that takes a while (a forced delay), then, pipelined behind it, one sent once closing began.
        socket.write(
          `POST ${PASSPORT_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Auth-Token: ${token}\r\n` +
            'X-Mock-Scenario: delay=800ms;error=AIS.0104\r\nContent-Length: 2\r\n\r\n{}',
        );
        setTimeout(() => {
          void app.close();
          setTimeout(() => socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'), 100);
        }, 200);
      });
      socket.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
      });
      socket.on('close', () => resolve(out));
      socket.on('error', () => resolve(out));
    });
    t = undefined;
    const answers = text.split(/(?=HTTP\/1\.1 )/);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 400/);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(answers[1]).toMatch(/connection: close/i);
    const body = answers[1]?.split('\r\n\r\n')[1] ?? '';
    expect(JSON.parse(body)).toEqual({ error_code: 'ModelArts.4403', error_msg: 'Backend service unavailable error.' });
  });
});
