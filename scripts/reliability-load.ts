/**
 * Issue 12's "done when", measured: a bounded mixed load on the built CLI over 127.0.0.1, while a prober times
 * `/health`; then memory after an idle pause. Real tesseract.js workers. Run `npm run build` first, then
 * `npx tsx scripts/reliability-load.ts [seconds=60] [clients=24]`. Prints one JSON summary.
 *
 * The load: `clients` loops, each sending a passport fixture in a namespace of its own (the per-project limit
 * bypass the probe used), plus loops sending 9 MB nested-JSON bodies to an unknown path and to the OCR route with a
 * valid token, and sockets that announce a body and stall. Each client gives up after 35 s, as the probe's did
 * after 20 s; a request the server answers later than `ocrTimeoutMs` (30 s) is counted.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

const seconds = Number(process.argv[2] ?? 60);
const clients = Number(process.argv[3] ?? 24);
const PORT = 18_000 + Math.floor(Math.random() * 1000);
const BASE = `http://127.0.0.1:${PORT}`;
const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';

const rssMb = (pid: number) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match?.[1] ?? 0) / 1024);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['dist/cli.js'], {
    env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn', OCR_MOCK_RESULT_CACHE_ENTRIES: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; ; i++) {
    if (i > 600) throw new Error('server did not start');
    try {
      if ((await fetch(`${BASE}/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  const pid = child.pid as number;
  process.stderr.write('started\n');
  const tokenAnswer = await fetch(`${BASE}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'mock-user', password: 'mock-password', domain: { name: 'mock-domain' } } } },
        scope: { project: { name: 'ae-ad-1' } },
      },
    }),
  });
  const token = String(tokenAnswer.headers.get('x-subject-token'));
  const passport = JSON.stringify({ image: readFileSync('fixtures/passport/p01-clean.png').toString('base64') });
  const deep = '['.repeat(4_500_000) + ']'.repeat(4_500_000);
  // One recognition first, so the start level is that of a server that has worked once.
  await fetch(`${BASE}/v2/${PROJECT}/ocr/passport`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-auth-token': token }, body: passport });
  await sleep(3000);
  const startRss = rssMb(pid);
  process.stderr.write(`start rss ${startRss}\n`);

  const end = Date.now() + seconds * 1000;
  const codes: Record<string, number> = {};
  const count = (key: string) => {
    codes[key] = (codes[key] ?? 0) + 1;
  };
  let latePastOcrTimeout = 0;
  let peakRss = startRss;
  const healthMs: number[] = [];

  const ocrClient = async (n: number) => {
    for (let i = 0; Date.now() < end; i++) {
      const started = Date.now();
      try {
        const answer = await fetch(`${BASE}/v2/${PROJECT}/ocr/passport`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-auth-token': token, 'x-mock-namespace': `load-${n}-${i}` },
          body: passport,
          signal: AbortSignal.timeout(35_000),
        });
        const body = (await answer.json()) as { error_code?: string };
        count(`${answer.status} ${body.error_code ?? ''}`.trim());
        // ocrTimeoutMs (30 s) from the request's arrival, plus a second for the answer's way back on a busy machine.
        if (Date.now() - started > 31_000) latePastOcrTimeout++;
        if (answer.status === 429) await sleep(Number(answer.headers.get('retry-after') ?? 1) * 1000);
      } catch {
        count('client gave up');
      }
    }
  };
  const deepClient = async (path: string, headers: Record<string, string>) => {
    while (Date.now() < end) {
      try {
        const answer = await fetch(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: deep });
        count(`deep ${answer.status}`);
        await answer.arrayBuffer();
      } catch {
        count('deep error');
      }
    }
  };
  const staller = async () => {
    while (Date.now() < end) {
      await new Promise<void>((resolve) => {
        const socket = connect(PORT, '127.0.0.1', () =>
          socket.write(`POST /v2/${PROJECT}/ocr/passport HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${token}\r\nContent-Length: 1000\r\n\r\nabc`),
        );
        socket.resume();
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
      count('stalled socket closed by server');
    }
  };
  const prober = async () => {
    while (Date.now() < end) {
      const started = performance.now();
      try {
        await (await fetch(`${BASE}/health`, { signal: AbortSignal.timeout(10_000) })).arrayBuffer();
      } catch {
        // counted as a slow probe below
      }
      healthMs.push(performance.now() - started);
      peakRss = Math.max(peakRss, rssMb(pid));
      await sleep(250);
    }
  };

  const active = new Map<string, number>();
  const track = (name: string, work: Promise<void>) => {
    active.set(name, (active.get(name) ?? 0) + 1);
    return work.finally(() => active.set(name, (active.get(name) ?? 1) - 1));
  };
  const progress = setInterval(() => process.stderr.write(`${JSON.stringify(Object.fromEntries(active))} ${JSON.stringify(codes)}\n`), 10_000);
  await Promise.all([
    ...Array.from({ length: clients }, (_, n) => track('ocr', ocrClient(n))),
    track('deep-404', deepClient('/v2/x/ocr/none', {})),
    track('deep-ocr', deepClient(`/v2/${PROJECT}/ocr/passport`, { 'x-auth-token': token })),
    ...Array.from({ length: 20 }, () => track('staller', staller())),
    track('prober', prober()),
  ]);
  clearInterval(progress);
  const afterLoadRss = rssMb(pid);
  process.stderr.write('load done\n');
  await sleep(30_000);
  const idleRss = rssMb(pid);
  child.kill('SIGTERM');
  healthMs.sort((a, b) => a - b);
  console.log(
    JSON.stringify(
      {
        seconds,
        clients,
        answers: codes,
        latePastOcrTimeout,
        health: {
          probes: healthMs.length,
          p50Ms: Math.round(healthMs[Math.floor(healthMs.length / 2)] ?? 0),
          maxMs: Math.round(healthMs.at(-1) ?? 0),
        },
        rssMb: { start: startRss, peak: peakRss, afterLoad: afterLoadRss, after30sIdle: idleRss },
      },
      null,
      2,
    ),
  );
}

await main();
