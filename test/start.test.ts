/**
 * Issue 17, `npm start`: no compiling when dist/ is current, and a signal to the start command (npm's process, as
 * `npm start & … kill $!` sends it) stops the server: no orphan node process holding the port.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { distIsCurrent } from '../scripts/dist-current.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const isCurrent = distIsCurrent;

describe('distIsCurrent', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ocr-mock-dist-'));
    mkdirSync(join(dir, 'src', 'http'), { recursive: true });
    writeFileSync(join(dir, 'src', 'http', 'a.ts'), '');
    writeFileSync(join(dir, 'tsconfig.json'), '{}');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const at = (path: string, seconds: number) => utimesSync(join(dir, path), seconds, seconds);

  it('is false without dist/cli.js, true when it is newer than every source, false once a source is newer', () => {
    expect(isCurrent(dir)).toBe(false);
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'cli.js'), '');
    for (const path of ['src/http/a.ts', 'src/http', 'src', 'tsconfig.json']) at(path, 1000);
    at('dist/cli.js', 2000);
    expect(isCurrent(dir)).toBe(true);
    at('src/http/a.ts', 3000);
    expect(isCurrent(dir)).toBe(false);
    at('src/http/a.ts', 1000);
    at('tsconfig.json', 3000);
    expect(isCurrent(dir)).toBe(false);
  });

  it('is true for an installed package, which ships dist/ without src/', () => {
    rmSync(join(dir, 'src'), { recursive: true });
    expect(isCurrent(dir)).toBe(true);
  });
});

interface Started {
  npm: ChildProcess;
  url: string;
  serverPid: number;
  output: () => string;
  exited: Promise<number | null>;
}

function npmStart(): Promise<Started> {
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', OCR_MOCK_WARMUP: 'false', OCR_MOCK_CONFIG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => npm.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not get ready:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('ocr-mock ready on'));
      if (!line) return;
      clearTimeout(timer);
      const { pid, msg } = JSON.parse(line) as { pid: number; msg: string };
      resolve({ npm, url: /(http:\/\/\S+)/.exec(msg)?.[1] ?? '', serverPid: pid, output: () => output, exited });
    };
    npm.stdout?.on('data', onData);
    npm.stderr?.on('data', onData);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !alive(pid);
}

function portRefuses(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
}

describe('npm start', () => {
  let started: Started | undefined;
  beforeAll(() => {
    // `npm test` compiles first (pretest); a lone run of this file may find dist/ stale, so make it current here.
    if (!isCurrent(ROOT)) expect(spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' }).status).toBe(0);
  });
  afterEach(() => {
    if (started && alive(started.serverPid)) process.kill(started.serverPid, 'SIGKILL');
    started = undefined;
  });

  it('starts without compiling when dist/ is current, and stops the server on SIGTERM to npm', async () => {
    const begun = Date.now();
    started = await npmStart();
    const readyMs = Date.now() - begun;
    expect(started.output()).not.toContain('compiling');
    expect((await fetch(`${started.url}/health`)).status).toBe(200);
    console.log(`npm start: ready in ${readyMs} ms with dist/ current (warm-up off)`);

    started.npm.kill('SIGTERM');
    await started.exited;
    expect(await gone(started.serverPid, 10_000)).toBe(true);
    expect(await portRefuses(started.url)).toBe(true);
    expect(started.output()).toContain('SIGTERM received, stopping');
  });

  it('stops the server on SIGINT too, and when npm is killed outright (SIGKILL) rather than hold the port', async () => {
    started = await npmStart();
    started.npm.kill('SIGINT');
    expect(await gone(started.serverPid, 10_000)).toBe(true);

    started = await npmStart();
    started.npm.kill('SIGKILL');
    expect(await gone(started.serverPid, 10_000)).toBe(true);
    expect(await portRefuses(started.url)).toBe(true);
  });
});
