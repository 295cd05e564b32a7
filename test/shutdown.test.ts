/**
 * Issue 7, SIGTERM: black-box, the built CLI (`node dist/cli.js`, built by `npm test`'s pretest, or here when
 * missing). SIGTERM during a real recognition: new connections are refused at once, the recognition in flight
 * finishes with 200, and the process exits 0. And bounded: a request that would outlive the grace (8 s) has its
 * connection closed, and the process exits 1 soon after.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ID, tokenRequestBody } from './helpers/index.js';
import { spawnCli, type RunningCli } from './helpers/cli.js';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = new URL('../dist/cli.js', import.meta.url).pathname;
const GRACE_MS = 8_000;

type Cli = RunningCli;

// At debug the log shows each request as it arrives ("incoming request"), which `received` waits for.
const startCli = (env: Record<string, string> = {}) => spawnCli({ script: CLI, env: { LOG_LEVEL: 'debug', ...env } });

/** One request on a connection of its own (no keep-alive), resolved with status and body or the socket's error. */
function post(url: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string } | { error: string }> {
  const target = new URL(path, url);
  return new Promise((resolve) => {
    const request = http.request(
      { method: 'POST', hostname: target.hostname, port: target.port, path: target.pathname, headers: { 'content-type': 'application/json', ...headers }, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        response.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    request.end(body);
  });
}

async function tokenFor(url: string): Promise<string> {
  const response = await fetch(`${url}/v3/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tokenRequestBody()) });
  return response.headers.get('x-subject-token') ?? '';
}

/** Resolves once the log shows the server has received a request for `path`. */
async function received(cli: Cli, path: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (
    !cli
      .output()
      .split('\n')
      .some((line) => line.includes('incoming request') && line.includes(path))
  ) {
    if (Date.now() > deadline) throw new Error(`no request for ${path} in the log:\n${cli.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function connects(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('SIGTERM (issue 7)', () => {
  let cli: Cli | undefined;
  beforeAll(() => {
    if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }, 120_000);
  afterEach(() => {
    if (cli?.child.exitCode === null) cli.child.kill('SIGKILL');
  });

  it('refuses new connections at once, lets the recognition in flight finish with 200, then exits 0', async () => {
    cli = await startCli();
    const token = await tokenFor(cli.url);
    const fixture = readFileSync(new URL('../fixtures/passport/p01-clean.png', import.meta.url)).toString('base64');
    const expected = JSON.parse(readFileSync(new URL('../fixtures/passport/p01-clean.json', import.meta.url), 'utf8'));
    const path = `/v2/${PROJECT_ID}/ocr/passport`;

    // A short forced delay first, so the request is surely in flight when the signal lands; then real recognition.
    let finished = false;
    const inFlight = post(cli.url, path, { 'x-auth-token': token, 'x-mock-scenario': 'delay=500ms' }, JSON.stringify({ image: fixture })).then((answer) => {
      finished = true;
      return answer;
    });
    await received(cli, path);
    const signalled = performance.now();
    cli.child.kill('SIGTERM');

    // New connections are refused while the request is still being worked on.
    let refused = false;
    for (let attempt = 0; attempt < 50 && !refused; attempt++) {
      refused = !(await connects(cli.url));
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(refused).toBe(true);
    expect(finished).toBe(false);

    const answer = await inFlight;
    expect(answer).toMatchObject({ status: 200 });
    expect(JSON.parse((answer as { body: string }).body).result.passport_number).toBe(expected.passport_number);
    expect(await cli.exited).toBe(0);
    const stopMs = performance.now() - signalled;
    expect(stopMs).toBeLessThan(GRACE_MS);
    expect(cli.output()).toContain('SIGTERM received, stopping');
    console.log(`SIGTERM: in-flight recognition answered 200, new connections refused, exit 0 after ${Math.round(stopMs)} ms`);
  });

  it('waits for in-flight requests only so long: past the grace their connections close and it exits 1', async () => {
    cli = await startCli({ OCR_MOCK_WARMUP: 'false' });
    const token = await tokenFor(cli.url);
    const path = `/v2/${PROJECT_ID}/ocr/bankcard`;
    const stuck = post(cli.url, path, { 'x-auth-token': token, 'x-mock-scenario': 'delay=60s' }, '{"image":"AAAA"}');
    await received(cli, path);
    const signalled = performance.now();
    cli.child.kill('SIGTERM');
    const answer = await stuck;
    const code = await cli.exited;
    const stopMs = performance.now() - signalled;
    expect(answer).toHaveProperty('error');
    expect(code).toBe(1);
    expect(stopMs).toBeGreaterThanOrEqual(GRACE_MS - 100);
    expect(stopMs).toBeLessThan(GRACE_MS + 3_000);
    expect(cli.output()).toMatch(/requests still in flight 8000 ms after SIGTERM/);
    console.log(`SIGTERM with a request stuck for 60 s: connection closed (${(answer as { error: string }).error}), exit ${code} after ${Math.round(stopMs)} ms`);
  }, 30_000);
});
