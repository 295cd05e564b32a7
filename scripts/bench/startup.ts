/**
 * Process start to ready: `node dist/cli.js` with PORT=0, timed from spawn to the first 200 from GET /health
 * (polled every 20 ms once the log line names the port), then its resident memory with the OCR pool up.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const POLL_MS = 20;
const READY_DEADLINE_MS = 60_000;
const BUILD_TIMEOUT_MS = 300_000;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than src/; returns a note saying what happened, if anything. */
export function ensureBuilt(): string | undefined {
  const missing = !existsSync(CLI);
  if (!missing && statSync(CLI).mtimeMs >= newestMtime(join(ROOT, 'src'))) return undefined;
  const reason = missing ? 'dist/ was missing' : 'dist/ was older than src/';
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS });
  if (!existsSync(CLI)) throw new Error(`npm run build did not produce dist/cli.js: ${result.stderr || result.stdout}`);
  return result.status === 0 ? `${reason}: ran \`npm run build\` first.` : `${reason}; \`npm run build\` reported type errors (measured the JavaScript it emitted anyway).`;
}

/** VmRSS and VmHWM (peak) of a process, in MB, from /proc; undefined where /proc is not there. */
export function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

export interface StartedCli {
  child: ChildProcess;
  url: string;
  /** Spawn to the first 200 from /health. */
  readyMs: number;
  /** Spawn to the listening log line (the port is open, the OCR pool may still be starting). */
  listeningMs: number;
  /** Resolves when the server logs a line matching `pattern` (or has logged one already). */
  logged(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** `env` adds to (or overrides) the environment it is started in, e.g. a state store. */
export async function startCli(env: Record<string, string> = {}): Promise<StartedCli> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let url: string | undefined;
  let listeningMs = Number.NaN;
  let exited: string | undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (url) return;
    // pino's line from fastify: "Server listening at http://127.0.0.1:PORT" (the later "ready on" line also names it).
    const match = /(?:listening at|ready on) (http:\/\/[^\s"]+)/.exec(output);
    if (match?.[1]) {
      url = match[1];
      listeningMs = performance.now() - started;
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const logged = async (pattern: RegExp, timeoutMs = READY_DEADLINE_MS) => {
    const since = performance.now();
    while (!pattern.test(output)) {
      if (exited || performance.now() - since > timeoutMs) throw new Error(`node dist/cli.js never logged ${pattern}: ${output.slice(-500)}`);
      await sleep(POLL_MS);
    }
  };
  child.on('exit', (code, signal) => {
    exited = `exited ${code ?? signal}`;
  });
  while (performance.now() - started < READY_DEADLINE_MS) {
    if (exited) throw new Error(`node dist/cli.js ${exited} before it was ready: ${output.slice(-500)}`);
    if (url && (await healthy(url))) return { child, url, readyMs: performance.now() - started, listeningMs, logged };
    await sleep(POLL_MS);
  }
  await stopCli(child);
  throw new Error(`node dist/cli.js was not ready within ${READY_DEADLINE_MS} ms: ${output.slice(-500)}`);
}

/** SIGTERM, then SIGKILL if it has not gone within 5 s. */
export async function stopCli(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}
