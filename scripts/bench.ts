/**
 * `npm run bench`: the performance figures of issue 5, in one bounded run, printed as markdown tables with each
 * issue target beside its figure (✓/✗).
 *
 *   1. warm latency p50/p95 per API over the committed clean and medium fixtures, over HTTP on loopback, with a
 *      per-stage breakdown of the engine calls each request makes;
 *   2. the same image files through the native tesseract CLI (skipped with a note when absent), and tesseract.js
 *      alone on them: API ÷ native and engine ÷ native;
 *   3. passport throughput at concurrency 1, 2 and 4;
 *   4. one image sent repeatedly (a result cache, once there is one, shows as a cache hit);
 *   5. requests per second on the auth-error and throttled paths next to a bare fastify route (autocannon);
 *   6. `node dist/cli.js` start to ready, the first passport request after ready against the next ones, and its RSS;
 *   7. passport throughput at concurrency 4 with one OCR worker and with as many as cores;
 *   8. `node dist/cli.js`'s RSS with every worker warm, then after 1 minute and after --mixed-minutes of mixed load.
 *
 * Options: --write (also write docs/benchmarks.md), --per-level N (images per level and table row, default 10; `all`),
 * --requests N (per concurrency level, default 24), --load-seconds N (per autocannon run, default 5),
 * --mixed-minutes N (the memory section's load, default 10), --only a,b (sections: latency, ocr, throughput, repeat,
 * errors, startup, scaling, memory).
 * Progress goes to stderr, the tables to stdout.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { checkImage, decodeBase64Image } from '../src/image/intake.js';
import { PreparedImage } from '../src/image/prepare.js';
import type { OcrEngine } from '../src/ocr/engine.js';
import { TesseractEngine } from '../src/ocr/tesseract-engine.js';
import { DOCUMENT_TYPES } from '../src/recognition/registry.js';
import { startMockServer, type MockServer } from '../src/server.js';
import { cpuSnapshot, foreignCores } from './bench/cpu.js';
import { recordEngineCalls, type EngineCall, type EngineRecorder } from './bench/engine-timing.js';
import { loadSamples, uniqueBody, type ApiSample, type BenchImage } from './bench/fixtures.js';
import { getToken, ocrPath, post, runPool, type Timed } from './bench/http.js';
import { autocannonPath, runAutocannon, startBareFastify, type LoadResult } from './bench/load.js';
import { nativeVersion, sameModelTessdata, timeNative } from './bench/native.js';
import { ensureBuilt, memoryOf, ROOT, startCli, stopCli } from './bench/startup.js';
import { median, ms, percentile, perSecond, ratio, sum, table, unionLength, verdict } from './bench/stats.js';

const SECTIONS = ['latency', 'ocr', 'throughput', 'repeat', 'errors', 'startup', 'scaling', 'memory'] as const;
type Section = (typeof SECTIONS)[number];

const { values: options } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    'per-level': { type: 'string', default: '10' },
    requests: { type: 'string', default: '24' },
    'load-seconds': { type: 'string', default: '5' },
    'mixed-minutes': { type: 'string', default: '10' },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (options.help) {
  console.log(
    'npm run bench -- [--write] [--per-level N|all] [--requests N] [--load-seconds N] [--mixed-minutes N] [--only latency,ocr,throughput,repeat,errors,startup,scaling,memory]',
  );
  process.exit(0);
}

function positiveInteger(name: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, not ${raw}`);
  return value;
}

const PER_LEVEL = options['per-level'] === 'all' ? Number.MAX_SAFE_INTEGER : positiveInteger('per-level', options['per-level']);
const THROUGHPUT_REQUESTS = positiveInteger('requests', options.requests);
const LOAD_SECONDS = positiveInteger('load-seconds', options['load-seconds']);
const MIXED_MINUTES = positiveInteger('mixed-minutes', options['mixed-minutes']);
const CONCURRENCY_LEVELS = [1, 2, 4] as const;
const WARMUP_REQUESTS = 3;
const REPEATS = 5;
/** Faster than this, a repeated image was not recognised again. */
const CACHE_HIT_MS = 5;
const STARTUP_RUNS = 3;
/** The native CLI's start-up is timed on a blank image before every this many images. */
const NATIVE_STARTUP_EVERY = 4;
const LOAD_CONNECTIONS = 10;
/**
 * The whole run is stopped after this, whatever hangs: the sections besides the mixed load take about 10 minutes on an
 * idle 2-core machine, and over 15 on a loaded one.
 */
const OVERALL_LIMIT_MS = (30 + MIXED_MINUTES) * 60_000;

const only = options.only?.split(',').map((s) => s.trim());
for (const name of only ?? []) {
  if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`--only: unknown section ${name} (${SECTIONS.join(', ')})`);
}
if (only && options.write) throw new Error('--write records a full run: drop --only');
const runs = (section: Section) => !only || only.includes(section);

const watchdog = setTimeout(() => {
  console.error(`bench: stopped after ${OVERALL_LIMIT_MS / 60_000} minutes`);
  process.exit(2);
}, OVERALL_LIMIT_MS);
watchdog.unref();

const benchStarted = performance.now();
const cpuAtStart = cpuSnapshot();
const loadAtStart = safeRead('/proc/loadavg').split(' ').slice(0, 3).join(' ');
const dateAtStart = command('date', ['-u']) ?? new Date().toUTCString();
const progress = (message: string) => console.error(`[bench ${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(3)} s] ${message}`);
const notes: string[] = [];

// ---------------------------------------------------------------------------------------------------------------
// The machine

function command(cmd: string, args: string[]): string | undefined {
  const result = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** A share of CPU taken by other processes above which the figures are flagged as pessimistic. */
const BUSY_CORES = 0.2;

function otherLoad(): string {
  const end = cpuSnapshot();
  if (!cpuAtStart || !end) return '?';
  const cores = foreignCores(cpuAtStart, end);
  if (cores >= BUSY_CORES) {
    notes.push(
      `Other processes used ${cores.toFixed(2)} cores on average during this run: the machine was shared, so the ` +
        'figures are pessimistic. Run again on a quiet machine for numbers to compare.',
    );
  }
  return `${cores.toFixed(2)} cores on average (load average at start: ${loadAtStart || '?'})`;
}

function machine(native: string | undefined): string[][] {
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(safeRead('/proc/cpuinfo'))?.[1] ?? cpus()[0]?.model ?? '?';
  const commit = command('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const dirty = command('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src']);
  return [
    ['date (start of run)', dateAtStart],
    ['cores (`nproc`)', command('nproc', []) ?? String(cpus().length)],
    ['CPU', cpuModel],
    ['memory', `${Math.round(totalmem() / 2 ** 30)} GiB`],
    ['node', process.version],
    ['tesseract.js', `${packageVersion('tesseract.js')} (core ${packageVersion('tesseract.js-core')}, wasm), model @tesseract.js-data/eng 4.0.0_best_int`],
    ['native tesseract', native ? `${native} (same model, \`OMP_THREAD_LIMIT=1\`)` : 'not installed'],
    ['ocr-mock', commit ? `${commit}${dirty ? ' + uncommitted changes in src/' : ''}` : '?'],
    ['CPU used by other processes during the run', otherLoad()],
  ];
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Latency over HTTP, with the engine calls of each request

interface Measured {
  image: BenchImage;
  timed: Timed;
  calls: EngineCall[];
}

async function measureLatency(server: MockServer, token: string, recorder: EngineRecorder, sample: ApiSample): Promise<Measured[]> {
  const url = `${server.url}${ocrPath(sample.api)}`;
  const headers = { 'x-auth-token': token };
  // Copies no cache has seen: the measured sends of the same images must not be cache hits.
  for (const [i, image] of sample.images.slice(0, WARMUP_REQUESTS).entries()) await post(url, uniqueBody(image, `warm-up ${i}`), headers);
  recorder.take();
  const measured: Measured[] = [];
  for (const image of sample.images) {
    const timed = await post(url, image.body, headers);
    measured.push({ image, timed, calls: recorder.take() });
  }
  return measured;
}

/**
 * What the route does before any OCR (base64 decode, format and size check, sharp decode and resize), timed apart
 * in this process on the same bytes, to split the time spent outside OCR.
 */
async function measurePrepare(sample: ApiSample): Promise<number[]> {
  const document = DOCUMENT_TYPES.find((d) => d.api === sample.api);
  if (!document) return [];
  const times: number[] = [];
  for (const image of sample.images) {
    const base64 = image.bytes.toString('base64');
    const started = performance.now();
    await PreparedImage.from(checkImage(decodeBase64Image(base64), document.limits));
    times.push(performance.now() - started);
  }
  return times;
}

function latencyRows(sample: ApiSample, measured: Measured[], native: Map<string, number>): string[][] {
  const row = (label: string, subset: Measured[], withTargets: boolean): string[] => {
    const times = subset.map((m) => m.timed.ms);
    const p50 = median(times);
    const p95 = percentile(times, 95);
    const nativeTimes = subset.map((m) => native.get(m.image.name)).filter((t): t is number => t !== undefined);
    const perImage = subset.flatMap((m) => {
      const n = native.get(m.image.name);
      return n === undefined ? [] : [m.timed.ms / n];
    });
    const refused = subset.filter((m) => m.timed.status !== 200);
    const codes = [...new Set(refused.map((m) => m.timed.errorCode ?? String(m.timed.status)))].join(', ');
    return [
      label,
      String(subset.length),
      ms(p50),
      ms(p95),
      withTargets ? verdict(`≤ ${sample.targetP50} ms`, p50 <= sample.targetP50) : '',
      withTargets ? verdict(`≤ ${ms(2 * p50)} ms`, p95 <= 2 * p50) : '',
      nativeTimes.length ? ms(median(nativeTimes)) : '–',
      perImage.length ? ratio(median(perImage)) : '–',
      refused.length ? `${refused.length} (${codes})` : '0',
    ];
  };
  const levels = [...new Set(measured.map((m) => m.image.level))];
  return [
    row(`**${sample.label}**`, measured, true),
    ...(levels.length > 1
      ? levels.map((level) =>
          row(
            `${sample.label} · ${level}`,
            measured.filter((m) => m.image.level === level),
            false,
          ),
        )
      : []),
  ];
}

function stageRows(sample: ApiSample, measured: Measured[], prepare: number[]): string[][] {
  if (measured.length === 0) return [];
  const mean = (values: readonly number[]) => (values.length ? sum(values) / values.length : Number.NaN);
  const meanLatency = mean(measured.map((m) => m.timed.ms));
  const share = (value: number) => (meanLatency > 0 ? `${Math.round((100 * value) / meanLatency)}%` : '–');
  const stages = [...new Set(measured.flatMap((m) => m.calls.map((c) => c.stage)))].sort();
  const rows = stages.map((stage) => {
    const calls = measured.flatMap((m) => m.calls.filter((c) => c.stage === stage));
    const durations = calls.map((c) => c.end - c.start);
    const sized = calls.filter((c) => c.width !== undefined && c.height !== undefined);
    const meanSize = sized.length ? `${Math.round(mean(sized.map((c) => c.width ?? 0)))}×${Math.round(mean(sized.map((c) => c.height ?? 0)))}` : '–';
    const perRequest = sum(durations) / measured.length;
    return [sample.label, stage, (calls.length / measured.length).toFixed(2), meanSize, ms(median(durations)), ms(perRequest), share(perRequest)];
  });
  const ocrWall = mean(measured.map((m) => unionLength(m.calls)));
  const outside = meanLatency - ocrWall;
  rows.push([sample.label, '*OCR wall time (any call running)*', '', '', '', ms(ocrWall), share(ocrWall)]);
  rows.push([sample.label, '*outside OCR (HTTP, JSON, intake, prepare, document logic)*', '', '', '', ms(outside), share(outside)]);
  if (prepare.length > 0) {
    rows.push([sample.label, '*of which intake + prepare (timed apart)*', '', '', '', ms(mean(prepare)), share(mean(prepare))]);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// 2. tesseract.js alone and the native CLI, per image file

interface OcrComparison {
  engine: Map<string, number>;
  native: Map<string, number>;
  /** Native CLI on a blank 64×64 image: process start and model load. */
  nativeStartup: number;
}

async function compareOcr(samples: ApiSample[], nativeAvailable: boolean): Promise<OcrComparison> {
  const images = samples.flatMap((s) => s.images);
  const engineTimes = new Map<string, number>();
  const nativeTimes = new Map<string, number>();
  const engine = new TesseractEngine({ workers: 1, timeoutMs: 120_000 });
  let nativeStartup = Number.NaN;
  try {
    const first = images[0];
    if (first) await engine.recognize({ image: first.bytes, psm: '3' });
    const tessdata = nativeAvailable ? sameModelTessdata() : '';
    const blank = join(tmpdir(), 'ocr-mock-bench-blank.png');
    if (nativeAvailable) {
      writeFileSync(
        blank,
        await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } })
          .png()
          .toBuffer(),
      );
    }
    // Native start-up (process, model load) is sampled all through the run, so that a burst of load on the machine
    // does not skew the one figure every net ratio depends on.
    const startups: number[] = [];
    for (const [i, image] of images.entries()) {
      if (i % 10 === 0) progress(`OCR alone: image ${i + 1} of ${images.length}`);
      const started = performance.now();
      await engine.recognize({ image: image.bytes, psm: '3' });
      engineTimes.set(image.name, performance.now() - started);
      if (!nativeAvailable) continue;
      if (i % NATIVE_STARTUP_EVERY === 0) startups.push(await timeNative(blank, tessdata));
      nativeTimes.set(image.name, await timeNative(image.path, tessdata));
    }
    nativeStartup = median(startups);
  } finally {
    await engine.close();
  }
  return { engine: engineTimes, native: nativeTimes, nativeStartup };
}

function ocrRows(samples: ApiSample[], comparison: OcrComparison): string[][] {
  const startup = comparison.nativeStartup;
  const row = (label: string, images: BenchImage[], withTarget: boolean): string[] => {
    const pairs = images.flatMap((i) => {
      const engine = comparison.engine.get(i.name);
      const native = comparison.native.get(i.name);
      return engine === undefined || native === undefined ? [] : [{ engine, native }];
    });
    const engine = images.map((i) => comparison.engine.get(i.name)).filter((t): t is number => t !== undefined);
    const wallRatios = pairs.map((p) => p.engine / p.native);
    const netRatios = pairs.filter((p) => p.native > startup).map((p) => p.engine / (p.native - startup));
    const netMedian = netRatios.length ? median(netRatios) : Number.NaN;
    return [
      label,
      String(images.length),
      ms(median(engine)),
      pairs.length ? ms(median(pairs.map((p) => p.native))) : '–',
      pairs.some((p) => p.native > startup) ? ms(median(pairs.filter((p) => p.native > startup).map((p) => p.native - startup))) : '–',
      wallRatios.length ? ratio(median(wallRatios)) : '–',
      ratio(netMedian),
      netRatios.length ? ratio(Math.max(...netRatios)) : '–',
      withTarget ? verdict('≤ 1.20×', netRatios.length ? netMedian <= 1.2 : undefined) : '',
    ];
  };
  return [
    ...samples.map((s) => row(s.label, s.images, false)),
    row(
      '**all images**',
      samples.flatMap((s) => s.images),
      true,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// 3. Throughput, 4. repeated image

async function measureThroughput(server: MockServer, token: string, passport: ApiSample): Promise<string[][]> {
  const url = `${server.url}${ocrPath('passport')}`;
  const rows: string[][] = [];
  for (const concurrency of CONCURRENCY_LEVELS) {
    progress(`throughput: ${THROUGHPUT_REQUESTS} passport requests at concurrency ${concurrency}`);
    // Every request a copy no cache has seen, so this is recognition throughput.
    const bodies = Array.from({ length: THROUGHPUT_REQUESTS }, (_, i) => uniqueBody(passport.images[i % passport.images.length] as BenchImage, `throughput ${concurrency} ${i}`));
    const started = performance.now();
    const results = await runPool(THROUGHPUT_REQUESTS, concurrency, (i) => post(url, bodies[i] ?? '', { 'x-auth-token': token }));
    const wall = (performance.now() - started) / 1000;
    const times = results.map((r) => r.ms);
    const refused = results.filter((r) => r.status !== 200);
    rows.push([
      String(concurrency),
      String(results.length),
      wall.toFixed(1),
      perSecond(results.length / wall),
      ms(median(times)),
      ms(percentile(times, 95)),
      refused.length ? `${refused.length} (${[...new Set(refused.map((r) => r.errorCode ?? r.status))].join(', ')})` : '0',
    ]);
  }
  return rows;
}

async function measureRepeat(server: MockServer, token: string, image: BenchImage): Promise<string[][]> {
  // A copy with bytes new to the server, so the first send cannot be a cache hit.
  const body = uniqueBody(image, `repeat ${Date.now()}`);
  const url = `${server.url}${ocrPath('passport')}`;
  const first = await post(url, body, { 'x-auth-token': token });
  const repeats: number[] = [];
  for (let i = 0; i < REPEATS; i++) repeats.push((await post(url, body, { 'x-auth-token': token })).ms);
  const p50 = median(repeats);
  // The floor under any cache hit: the same body over HTTP to a bare fastify route that parses it and answers
  // with a body of the same size.
  const path = new URL(url).pathname;
  const bare = await startBareFastify(path, first.status, first.body);
  const floor: number[] = [];
  try {
    for (let i = 0; i < REPEATS + 1; i++) floor.push((await post(bare.url, body)).ms);
  } finally {
    await bare.app.close();
  }
  const hit = p50 < CACHE_HIT_MS;
  // Well under the first send but over the threshold: answered without OCR, more slowly than a hit should be.
  const likelyHit = !hit && p50 < first.ms / 10;
  return [
    [
      `${image.name} (${Math.round(Buffer.byteLength(body) / 1024)} KB body)`,
      ms(first.ms),
      String(REPEATS),
      ms(p50),
      ms(median(floor.slice(1))),
      hit ? 'cache hit' : likelyHit ? `not recognised again, but ≥ ${CACHE_HIT_MS} ms` : 'recognised again (no cache)',
      verdict('≤ 2 ms', p50 <= 2),
    ],
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Error paths against bare fastify

/** Never called: the throttled path answers before recognition, so that server needs no tesseract pool. */
const idleEngine: OcrEngine = {
  recognize: async () => {
    throw new Error('the throttled-path server does not recognise');
  },
  warm: async () => undefined,
  isWarm: () => true,
  close: async () => undefined,
};

const SMALL_BODY = JSON.stringify({ image: Buffer.from('not an image').toString('base64') });

/** A few hundred requests first, so the JIT has seen the path before autocannon counts. */
async function warmPath(url: string, headers: Record<string, string>): Promise<void> {
  await runPool(300, LOAD_CONNECTIONS, () => post(url, SMALL_BODY, headers));
}

async function compareWithBare(cli: string, label: string, url: string, headers: Record<string, string>): Promise<string[]> {
  const sample = await post(url, SMALL_BODY, headers);
  const path = new URL(url).pathname;
  const bare = await startBareFastify(path, sample.status, sample.body);
  try {
    const load = { connections: LOAD_CONNECTIONS, durationSeconds: LOAD_SECONDS };
    await warmPath(url, headers);
    progress(`error paths: ${label}, ${LOAD_SECONDS} s`);
    const mock = await runAutocannon(cli, url, { body: SMALL_BODY, headers: { 'content-type': 'application/json', ...headers } }, load);
    await warmPath(bare.url, headers);
    progress(`error paths: bare fastify answering the same, ${LOAD_SECONDS} s`);
    const floor = await runAutocannon(cli, bare.url, { body: SMALL_BODY, headers: { 'content-type': 'application/json', ...headers } }, load);
    const share = mock.requestsPerSecond / floor.requestsPerSecond;
    return [
      label,
      `${sample.status} ${sample.errorCode ?? ''} (${Buffer.byteLength(sample.body)} B)`,
      describeLoad(mock, sample.status),
      describeLoad(floor, sample.status),
      `${Math.round(100 * share)}%`,
      verdict('≥ 50%', share >= 0.5),
    ];
  } finally {
    await bare.app.close();
  }
}

function describeLoad(result: LoadResult, expected: number): string {
  const unexpected = result.total - (result.statuses[String(expected)] ?? 0);
  const problems = unexpected > 0 || result.errors > 0 ? ` (${unexpected} other statuses, ${result.errors} errors)` : '';
  return `${perSecond(result.requestsPerSecond)} (mean ${result.latencyMean.toFixed(2)} ms)${problems}`;
}

async function measureErrorPaths(mainServer: MockServer): Promise<string[][]> {
  const cli = autocannonPath();
  if (!cli) {
    notes.push('Error paths: skipped, autocannon is not installed (`npm ci` installs it as a dev dependency).');
    return [];
  }
  const rows: string[][] = [];
  rows.push(await compareWithBare(cli, 'no token', `${mainServer.url}${ocrPath('passport')}`, {}));
  const throttled = await startMockServer({
    port: 0,
    engine: idleEngine,
    config: { logLevel: 'silent', warmup: false, rateLimitPerMinute: 1 },
  });
  try {
    const token = await getToken(throttled.url);
    const url = `${throttled.url}${ocrPath('passport')}`;
    // Spend the minute's one request; every later one in the minute is APIG.0308.
    let answer = await post(url, SMALL_BODY, { 'x-auth-token': token });
    for (let i = 0; i < 3 && answer.errorCode !== 'APIG.0308'; i++) answer = await post(url, SMALL_BODY, { 'x-auth-token': token });
    if (answer.errorCode !== 'APIG.0308') notes.push(`Throttled path: expected APIG.0308, got ${answer.status} ${answer.errorCode ?? ''}.`);
    rows.push(await compareWithBare(cli, 'throttled (rateLimitPerMinute 1)', url, { 'x-auth-token': token }));
  } finally {
    await throttled.close();
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// 6. Start to ready, RSS

/** Warm sends of the same image after the first, whose median the first request is compared with. */
const WARM_SENDS_AFTER_FIRST = 5;

/**
 * The first passport request after /health said 200, and the same image sent again (new bytes each time, so none is
 * a cache hit): a warm-up that leaves work for the first client shows as a first send slower than the rest.
 */
async function firstAfterReady(url: string, image: BenchImage): Promise<{ first: number; warm: number }> {
  const token = await getToken(url);
  const send = async (nonce: string) => {
    const answer = await post(`${url}${ocrPath('passport')}`, uniqueBody(image, nonce), { 'x-auth-token': token });
    if (answer.status !== 200) throw new Error(`passport after ready answered ${answer.status} ${answer.errorCode ?? ''}`);
    return answer.ms;
  };
  const first = await send('first after ready');
  const warm: number[] = [];
  for (let i = 0; i < WARM_SENDS_AFTER_FIRST; i++) warm.push(await send(`warm ${i}`));
  return { first, warm: median(warm) };
}

async function measureStartup(passport: ApiSample | undefined): Promise<string[][]> {
  const built = ensureBuilt();
  if (built) notes.push(`Start to ready: ${built}`);
  const ready: number[] = [];
  const listening: number[] = [];
  const firstRatios: { first: number; warm: number }[] = [];
  const image = passport?.images[0];
  let memory: { atReady?: ReturnType<typeof memoryOf>; afterRequests?: ReturnType<typeof memoryOf> } = {};
  for (let run = 0; run < STARTUP_RUNS; run++) {
    progress(`start to ready: run ${run + 1} of ${STARTUP_RUNS}`);
    const started = await startCli();
    try {
      ready.push(started.readyMs);
      listening.push(started.listeningMs);
      const pid = started.child.pid ?? 0;
      const atReady = memoryOf(pid);
      if (image) firstRatios.push(await firstAfterReady(started.url, image));
      if (run === STARTUP_RUNS - 1) memory = { atReady, afterRequests: memoryOf(pid) };
    } finally {
      await stopCli(started.child);
    }
  }
  const p50 = median(ready);
  const rss = memory.afterRequests?.rss ?? Number.NaN;
  const ratios = firstRatios.map((r) => r.first / r.warm);
  const worst = ratios.length ? Math.max(...ratios) : Number.NaN;
  return [
    ['spawn → first 200 from /health', `${ms(p50)} ms (runs: ${ready.map(ms).join(', ')})`, verdict('≤ 1500 ms', p50 <= 1500)],
    ['spawn → port open (log line)', `${ms(median(listening))} ms`, ''],
    [
      `first passport request after ready ÷ p50 of the next ${WARM_SENDS_AFTER_FIRST} (${image?.name ?? 'no image'})`,
      ratios.length ? `${ratio(worst)} worst (runs: ${firstRatios.map((r) => `${ms(r.first)} ÷ ${ms(r.warm)} ms`).join(', ')})` : '–',
      verdict('≤ 1.50×', ratios.length ? worst <= 1.5 : undefined),
    ],
    ['RSS at ready', memory.atReady ? `${Math.round(memory.atReady.rss)} MB` : '–', ''],
    [
      `RSS after ${image ? 1 + WARM_SENDS_AFTER_FIRST : 0} passport requests`,
      Number.isFinite(rss) ? `${Math.round(rss)} MB (peak ${Math.round(memory.afterRequests?.peak ?? Number.NaN)} MB)` : '–',
      verdict('≤ 400 MB', Number.isFinite(rss) ? rss <= 400 : undefined),
    ],
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// 7. Throughput with one worker and with as many as cores

const SCALING_CONCURRENCY = 4;

/** Passport requests per second at concurrency 4, every one a copy new to the server, on a server with `workers`. */
async function passportRate(passport: ApiSample, workers: number): Promise<number> {
  const server = await startMockServer({ port: 0, config: { logLevel: 'silent', rateLimitPerMinute: 1_000_000, ocrWorkers: workers } });
  try {
    await (server.app.ocrEngine as TesseractEngine).whenAllWarm();
    const token = await getToken(server.url);
    const url = `${server.url}${ocrPath('passport')}`;
    const bodies = Array.from({ length: THROUGHPUT_REQUESTS }, (_, i) => uniqueBody(passport.images[i % passport.images.length] as BenchImage, `scaling ${workers} ${i}`));
    const started = performance.now();
    const results = await runPool(THROUGHPUT_REQUESTS, SCALING_CONCURRENCY, (i) => post(url, bodies[i] ?? '', { 'x-auth-token': token }));
    const refused = results.filter((r) => r.status !== 200).length;
    if (refused > 0) notes.push(`Scaling: ${refused} of ${results.length} requests with ${workers} worker(s) were not answered 200.`);
    return results.length / ((performance.now() - started) / 1000);
  } finally {
    await server.close();
  }
}

async function measureScaling(passport: ApiSample): Promise<string[][]> {
  const cores = availableParallelism();
  progress(`scaling: ${THROUGHPUT_REQUESTS} passport requests at concurrency ${SCALING_CONCURRENCY}, 1 worker`);
  const one = await passportRate(passport, 1);
  progress(`scaling: the same with ${cores} workers`);
  const many = await passportRate(passport, cores);
  const gain = many / one;
  return [
    ['1', perSecond(one), '', ''],
    [String(cores), perSecond(many), ratio(gain), verdict('≥ 1.80×', cores > 1 ? gain >= 1.8 : undefined)],
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// 8. Memory with every pool warm, and under a long mixed load

const MIXED_CONCURRENCY = 2;

interface MixedRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * The mixed load's i-th request: every API's images in turn; one in eight without a token (refused), one in four a
 * repeat (a cache hit), the others copies new to the server (recognised).
 */
function mixedRequest(base: string, token: string, images: { api: string; image: BenchImage }[], i: number): MixedRequest {
  const { api, image } = images[i % images.length] as { api: string; image: BenchImage };
  const url = `${base}${ocrPath(api)}`;
  if (i % 8 === 7) return { url, body: image.body, headers: {} };
  return { url, body: i % 4 === 3 ? image.body : uniqueBody(image, `mixed ${i}`), headers: { 'x-auth-token': token } };
}

async function measureMemory(samples: ApiSample[]): Promise<string[][]> {
  const built = ensureBuilt();
  if (built) notes.push(`Memory: ${built}`);
  const started = await startCli();
  try {
    await started.logged(/every OCR worker is warm/);
    const pid = started.child.pid ?? 0;
    const warm = memoryOf(pid);
    const token = await getToken(started.url);
    const images = samples.flatMap((s) => s.images.map((image) => ({ api: s.api, image })));
    const marks = [...new Set([1, MIXED_MINUTES])].map((minutes) => ({ minutes, at: performance.now() + minutes * 60_000 }));
    const taken: { minutes: number; memory: ReturnType<typeof memoryOf>; requests: number }[] = [];
    const end = marks[marks.length - 1]?.at ?? performance.now();
    let sent = 0;
    let failed = 0;
    const lane = async () => {
      while (performance.now() < end) {
        const request = mixedRequest(started.url, token, images, sent++);
        const answer = await post(request.url, request.body, request.headers);
        if (answer.status >= 500) failed++;
        const due = marks.find((mark) => !taken.some((t) => t.minutes === mark.minutes) && performance.now() >= mark.at);
        if (due) {
          taken.push({ minutes: due.minutes, memory: memoryOf(pid), requests: sent });
          progress(`memory: ${due.minutes} min of mixed load, ${sent} requests`);
        }
      }
    };
    progress(`memory: ${MIXED_MINUTES} min of mixed load at concurrency ${MIXED_CONCURRENCY}`);
    await Promise.all(Array.from({ length: MIXED_CONCURRENCY }, lane));
    if (failed > 0) notes.push(`Memory: ${failed} requests of the mixed load were answered 5xx.`);
    const mb = (memory: ReturnType<typeof memoryOf>) => (memory ? `${Math.round(memory.rss)} MB` : '–');
    const first = taken[0]?.memory?.rss ?? Number.NaN;
    const last = taken[taken.length - 1]?.memory?.rss ?? Number.NaN;
    const growth = (last - first) / first;
    return [
      ['every worker warm, before any request', mb(warm), verdict('≤ 300 MB', warm ? warm.rss <= 300 : undefined)],
      ...taken.map((t) => [`after ${t.minutes} min of mixed load (${t.requests} requests)`, `${mb(t.memory)} (peak ${Math.round(t.memory?.peak ?? Number.NaN)} MB)`, '']),
      [
        `change from 1 to ${MIXED_MINUTES} min`,
        Number.isFinite(growth) ? `${growth >= 0 ? '+' : ''}${Math.round(100 * growth)}%` : '–',
        verdict('flat (within ±10%)', Number.isFinite(growth) ? Math.abs(growth) <= 0.1 : undefined),
      ],
    ];
  } finally {
    await stopCli(started.child);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The run

const native = nativeVersion();
if (!native) notes.push('Native tesseract: `tesseract` is not on PATH, so the native comparison is skipped (Debian: `apt-get install tesseract-ocr`).');
const { samples, notes: fixtureNotes } = loadSamples(PER_LEVEL);
notes.push(...fixtureNotes);
const passport = samples.find((s) => s.api === 'passport');

/** Runs one section; a failure becomes a note (and a non-zero exit) rather than losing the other sections. */
async function attempt<T>(name: string, fallback: T, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    notes.push(`**${name} failed**: ${(error as Error).message}`);
    progress(`${name} failed: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
    return fallback;
  }
}

let startupRows: string[][] = [];
if (runs('startup')) startupRows = await attempt('start to ready', [], () => measureStartup(passport));

const measured = new Map<ApiSample, Measured[]>();
const prepared = new Map<ApiSample, number[]>();
let throughputRows: string[][] = [];
let repeatRows: string[][] = [];
let errorRows: string[][] = [];
if (runs('latency') || runs('throughput') || runs('repeat') || runs('errors')) {
  progress('starting ocr-mock in-process');
  // The per-minute limit is raised so the benchmark's own requests are never throttled; nothing else is changed.
  const server = await attempt('starting ocr-mock', undefined, () => startMockServer({ port: 0, config: { logLevel: 'silent', rateLimitPerMinute: 1_000_000 } }));
  const token = server ? await attempt('getting a token', undefined, () => getToken(server.url)) : undefined;
  if (server && token) {
    const recorder = recordEngineCalls(server.app.ocrEngine);
    if (runs('latency')) {
      for (const sample of samples) {
        progress(`latency: ${sample.label}, ${sample.images.length} images`);
        measured.set(sample, await attempt(`latency of ${sample.label}`, [], () => measureLatency(server, token, recorder, sample)));
        prepared.set(sample, await attempt(`prepare timing of ${sample.label}`, [], () => measurePrepare(sample)));
      }
    }
    const first = passport?.images[0];
    if (runs('repeat') && first) {
      progress('repeated image');
      repeatRows = await attempt('repeated image', [], () => measureRepeat(server, token, first));
    }
    if (runs('throughput') && passport) throughputRows = await attempt('throughput', [], () => measureThroughput(server, token, passport));
    if (runs('errors')) errorRows = await attempt('error paths', [], () => measureErrorPaths(server));
  }
  await server?.close();
}

let scalingRows: string[][] = [];
if (runs('scaling') && passport) scalingRows = await attempt('scaling', [], () => measureScaling(passport));
let memoryRows: string[][] = [];
if (runs('memory')) memoryRows = await attempt('memory', [], () => measureMemory(samples));

let comparison: OcrComparison = { engine: new Map(), native: new Map(), nativeStartup: Number.NaN };
if (runs('ocr')) {
  progress(`OCR alone: tesseract.js${native ? ' and native tesseract' : ''} on ${samples.reduce((n, s) => n + s.images.length, 0)} images`);
  comparison = await attempt('OCR alone', comparison, () => compareOcr(samples, native !== undefined));
}

// ---------------------------------------------------------------------------------------------------------------
// The report

const report: string[] = [];
const section = (title: string, body: string) => report.push(`## ${title}\n\n${body}\n`);

section('Machine', table(['', ''], machine(native)));

if (runs('latency')) {
  section(
    'Warm latency per API (HTTP on loopback, sequential)',
    `Each image is sent once, after ${WARMUP_REQUESTS} warm-up requests; up to ${PER_LEVEL === Number.MAX_SAFE_INTEGER ? 'all' : PER_LEVEL} ` +
      'images per level. *native CLI* is `tesseract <file> stdout --psm 3` on the same files (one thread); ' +
      '*API ÷ native* is the median over images of API latency ÷ native time.\n\n' +
      table(
        ['API', 'images', 'p50 ms', 'p95 ms', 'target p50', 'p95 ≤ 2× p50', 'native CLI p50 ms', 'API ÷ native', 'non-200'],
        samples.flatMap((s) => latencyRows(s, measured.get(s) ?? [], comparison.native)),
      ),
  );
  section(
    'Where the time goes (engine calls per request)',
    'Every `engine.recognize` call of the measured requests above, grouped by its whitelist and page segmentation ' +
      '(`text` = no whitelist, `MRZ` = whitelist with `<`, `digits` = digits only); for the passport, `text psm 3` is ' +
      'the page (the printed zone above the MRZ when the MRZ band was found in the pixels) and `MRZ psm 6` the band. ' +
      '*input px* is the mean size of the images the engine was given. Times include queueing for a worker; ' +
      "*per request* is the stage's total over the requests ÷ their number, and its share is of the mean latency. " +
      'Calls run in parallel on the pool, so stages can add up to more than the OCR wall time.\n\n' +
      table(
        ['API', 'stage', 'calls per request', 'input px', 'p50 ms per call', 'mean ms per request', 'of mean latency'],
        samples.flatMap((s) => stageRows(s, measured.get(s) ?? [], prepared.get(s) ?? [])),
      ),
  );
}

if (runs('ocr')) {
  section(
    'OCR alone: tesseract.js ÷ native tesseract, per image',
    'tesseract.js: one `TesseractEngine` worker, `recognize({ image, psm: "3" })` on the image file as committed. ' +
      `Native: the CLI on the same file with the same model, \`--psm 3 --oem 1 --dpi 300\`, \`OMP_THREAD_LIMIT=1\`; its wall time ` +
      `includes process start and model load (${ms(comparison.nativeStartup)} ms: the median on a blank 64×64 image, timed ` +
      `before every ${NATIVE_STARTUP_EVERY}th image); *net* subtracts ` +
      'that, so both sides count OCR on a warm engine only, and the target is checked on it. Ratios are medians over ' +
      'images of tesseract.js ÷ native.\n\n' +
      table(
        [
          'images of',
          'images',
          'tesseract.js p50 ms',
          'native wall p50 ms',
          'native net p50 ms',
          'ratio to wall (median)',
          'ratio to net (median)',
          'ratio to net (worst)',
          'target (net median)',
        ],
        ocrRows(samples, comparison),
      ),
  );
}

if (runs('throughput')) {
  section(
    'Passport throughput',
    `${THROUGHPUT_REQUESTS} requests per level, cycling over the passport images above, each a copy with its own ` +
      'bytes (a comment added, same pixels) so that no request is a cache hit.\n\n' +
      table(['concurrency', 'requests', 'wall s', 'requests/s', 'p50 ms', 'p95 ms', 'non-200'], throughputRows),
  );
}

if (runs('repeat')) {
  section(
    'The same image sent repeatedly',
    `One passport image (a copy new to the server) sent ${REPEATS + 1} times in a row; a repeat under ${CACHE_HIT_MS} ms ` +
      'counts as a cache hit. The bare fastify column is the floor under any hit: the same body posted to a route that ' +
      'only parses it and answers with as many bytes.\n\n' +
      table(['image', 'first send ms', 'repeats', 'repeat p50 ms', 'bare fastify, same body, p50 ms', 'what happened', 'target (cache hit)'], repeatRows),
  );
}

if (runs('errors') && errorRows.length > 0) {
  section(
    'Error paths against bare fastify (autocannon)',
    `autocannon in a child process, ${LOAD_CONNECTIONS} connections, ${LOAD_SECONDS} s per run, POST of a small JSON body. ` +
      'The bare fastify app has one route on the same path answering the same status and the very same body bytes. ' +
      'Figures are requests/s.\n\n' +
      table(['path', 'answer', 'ocr-mock req/s', 'bare fastify req/s', 'ocr-mock ÷ bare', 'target'], errorRows),
  );
}

if (runs('startup')) {
  section(
    'Start to ready and memory (`node dist/cli.js`, PORT=0)',
    `Median of ${STARTUP_RUNS} starts; /health polled every 20 ms once the port is known. RSS is VmRSS of the process ` +
      '(tesseract.js workers are threads of it).\n\n' +
      table(['figure', 'value', 'target'], startupRows),
  );
}

if (runs('scaling')) {
  section(
    'Throughput: one OCR worker against as many as cores',
    `${THROUGHPUT_REQUESTS} passport requests at concurrency ${SCALING_CONCURRENCY}, each a copy new to the server, on a server ` +
      'started with `ocrWorkers` 1 and then with as many as cores (`os.availableParallelism()`), every worker warm first.\n\n' +
      table(['ocrWorkers', 'requests/s', 'gain over 1 worker', 'target'], scalingRows),
  );
}

if (runs('memory')) {
  section(
    'Memory under a long mixed load (`node dist/cli.js`)',
    'VmRSS of the process (tesseract.js workers are threads of it) once every worker has warmed (its log line says so), ' +
      `then during ${MIXED_MINUTES} minute${MIXED_MINUTES === 1 ? '' : 's'} of requests at concurrency ${MIXED_CONCURRENCY} over every API's images: one in eight ` +
      'without a token (refused), one in four a repeat (a cache hit), the others copies new to the server.\n\n' +
      table(['when', 'RSS', 'target'], memoryRows),
  );
}

if (notes.length > 0) section('Notes', notes.map((n) => `- ${n}`).join('\n'));
report.push(`Run took ${Math.round((performance.now() - benchStarted) / 1000)} s.\n`);

const text = report.join('\n');
console.log(text);

if (options.write) {
  const header = [
    '# Benchmarks',
    '',
    'Written by `npm run bench -- --write` (scripts/bench.ts); every figure below comes from the one run recorded here.',
    'Targets are those of issue 5. `npm run bench` prints the same tables without writing this file;',
    '`--only latency,ocr,throughput,repeat,errors,startup,scaling,memory` runs some sections, `--per-level all` sends every',
    'clean and medium fixture. Latency, throughput and the engine breakdown are measured on the server exactly as',
    '`startMockServer` builds it (default worker pool), except for a raised per-minute limit so the run is never',
    'throttled.',
    '',
  ].join('\n');
  writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), `${header}\n${text}`);
  progress('wrote docs/benchmarks.md');
}
clearTimeout(watchdog);
