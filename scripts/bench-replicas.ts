/**
 * `npm run bench:replicas`: what sharing the state in Redis costs and gives (issue 16), printed as markdown tables.
 *
 *   1. passport throughput of 1 and 2 replicas (`node dist/cli.js`, one OCR worker each) sharing one Redis, the
 *      client sending each request to the next replica in turn, twice as many at once as there are replicas;
 *   2. the latency one replica adds with `stateStore: "redis"` against `memory` on the fast paths that never reach
 *      OCR: a refusal (no token), a throttled request (APIG.0308) and a result-cache hit; one replica of each runs
 *      at once and they are sent the same requests alternately.
 *
 * Needs Debian's `redis-server` (apt-get install redis-server); started on a free loopback port, removed at the end.
 * Options: --requests N (recognitions per throughput run, default 16), --repeats N (requests per fast-path figure,
 * default 300). Progress goes to stderr, the tables to stdout.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AdminClient } from '../src/client/admin-client.js';
import { startRedis } from '../test/helpers/redis.js';
import { FIXTURE_ROOT } from './bench/fixtures.js';
import { getToken, ocrPath, post, runPool } from './bench/http.js';
import { ensureBuilt, startCli, stopCli, type StartedCli } from './bench/startup.js';
import { median, ms, percentile, perSecond, table } from './bench/stats.js';
import { uniqueCopy } from './bench/unique.js';

const { values: options } = parseArgs({ options: { requests: { type: 'string', default: '16' }, repeats: { type: 'string', default: '300' } } });
const REQUESTS = Number(options.requests);
const REPEATS = Number(options.repeats);
const WARMUP = 100;
const SMALL_BODY = JSON.stringify({ image: Buffer.from('not an image').toString('base64') });
const PASSPORT = readFileSync(join(FIXTURE_ROOT, 'passport', 'p01-clean.png'));

const started = performance.now();
const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const progress = (message: string) => console.error(`[bench:replicas ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

async function startReplicas(count: number, env: Record<string, string>): Promise<StartedCli[]> {
  const replicas: StartedCli[] = [];
  // One at a time: two OCR pools warming at once on two cores would time each other's start.
  for (let i = 0; i < count; i++) replicas.push(await startCli({ OCR_MOCK_OCR_WORKERS: '1', ...env }));
  return replicas;
}

async function throughput(redisUrl: string, count: number): Promise<string[]> {
  progress(`throughput: ${count} replica(s), ${REQUESTS} passports at concurrency ${2 * count}`);
  const replicas = await startReplicas(count, { OCR_MOCK_STATE_STORE: 'redis', OCR_MOCK_REDIS_URL: redisUrl });
  try {
    const token = await getToken(replicas[0]?.url ?? '');
    // Each a copy no cache has seen, so every request is a recognition.
    const bodies = Array.from({ length: REQUESTS }, (_, i) => JSON.stringify({ image: uniqueCopy(PASSPORT, `replicas ${count} ${i}`).toString('base64') }));
    const begun = performance.now();
    const answers = await runPool(REQUESTS, 2 * count, (i) => post(`${replicas[i % count]?.url}${ocrPath('passport')}`, bodies[i] ?? '', { 'x-auth-token': token }));
    const seconds = (performance.now() - begun) / 1000;
    const refused = answers.filter((answer) => answer.status !== 200).length;
    const times = answers.map((answer) => answer.ms);
    return [String(count), String(REQUESTS), seconds.toFixed(1), perSecond(REQUESTS / seconds), ms(median(times)), ms(percentile(times, 95)), String(refused)];
  } finally {
    await Promise.all(replicas.map((replica) => stopCli(replica.child)));
  }
}

interface FastPaths {
  refusal: number[];
  throttled: number[];
  cacheHit: number[];
}

type Stores<T> = { memory: T; redis: T };

/**
 * The same request to both replicas in turn, so that whatever else the machine does at a moment weighs on both
 * figures alike; `WARMUP` first to each, unmeasured.
 */
async function alternately(urls: Stores<string>, body: string, headers: Stores<Record<string, string>>, expected: number): Promise<Stores<number[]>> {
  const times: Stores<number[]> = { memory: [], redis: [] };
  for (let i = 0; i < WARMUP + REPEATS; i++) {
    for (const store of ['memory', 'redis'] as const) {
      const answer = await post(urls[store], body, headers[store]);
      if (answer.status !== expected) throw new Error(`${store}: ${urls[store]} answered ${answer.status} ${answer.errorCode ?? ''}, not ${expected}`);
      if (i >= WARMUP) times[store].push(answer.ms);
    }
  }
  return times;
}

async function fastPaths(redisUrl: string): Promise<Stores<FastPaths>> {
  progress(`fast paths: one memory and one redis replica, ${REPEATS} requests each per path`);
  const [memory] = await startReplicas(1, {});
  const [redis] = await startReplicas(1, { OCR_MOCK_STATE_STORE: 'redis', OCR_MOCK_REDIS_URL: redisUrl });
  if (!memory || !redis) throw new Error('a replica did not start');
  try {
    const urls = { memory: `${memory.url}${ocrPath('passport')}`, redis: `${redis.url}${ocrPath('passport')}` };
    const tokens = { memory: { 'x-auth-token': await getToken(memory.url) }, redis: { 'x-auth-token': await getToken(redis.url) } };
    const refusal = await alternately(urls, SMALL_BODY, { memory: {}, redis: {} }, 401);
    // The first send recognises; every later one is answered from the result cache.
    const cacheHit = await alternately(urls, JSON.stringify({ image: PASSPORT.toString('base64') }), tokens, 200);
    for (const replica of [memory, redis]) await new AdminClient(replica.url).namespace('throttled').updateConfig({ rateLimitPerMinute: 1 });
    const inThrottled = (headers: Record<string, string>) => ({ ...headers, 'x-mock-namespace': 'throttled' });
    // The minute's one request is spent first; every counted one is APIG.0308.
    for (const store of ['memory', 'redis'] as const) await post(urls[store], SMALL_BODY, inThrottled(tokens[store]));
    const throttled = await alternately(urls, SMALL_BODY, { memory: inThrottled(tokens.memory), redis: inThrottled(tokens.redis) }, 429);
    const of = (store: keyof Stores<unknown>): FastPaths => ({ refusal: refusal[store], throttled: throttled[store], cacheHit: cacheHit[store] });
    return { memory: of('memory'), redis: of('redis') };
  } finally {
    await Promise.all([stopCli(memory.child), stopCli(redis.child)]);
  }
}

const p50p95 = (times: number[]) => `${ms(median(times))} (${ms(percentile(times, 95))})`;

const built = ensureBuilt();
if (built) progress(built);
const redis = await startRedis();
try {
  const throughputRows = [await throughput(redis.url, 1), await throughput(redis.url, 2)];
  const { memory, redis: shared } = await fastPaths(redis.url);
  const paths: [string, keyof FastPaths][] = [
    ['no token (401 APIG.0301)', 'refusal'],
    ['throttled (429 APIG.0308)', 'throttled'],
    ['result-cache hit (200, 114 KB body)', 'cacheHit'],
  ];
  const latencyRows = paths.map(([label, path]) => [label, p50p95(memory[path]), p50p95(shared[path]), ms(median(shared[path]) - median(memory[path]))]);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    `## Replicas sharing one Redis\n\nMeasured ${new Date().toISOString()} by \`npm run bench:replicas\` (Node ${process.version}, ${cpus().length} cores; ` +
      `load average at start ${loadAtStart}, at the end ${load}).\n`,
  );
  console.log('### Throughput: passports recognised, replicas with one OCR worker each\n');
  console.log(table(['replicas', 'requests', 'seconds', 'passports/s', 'p50 ms', 'p95 ms', 'refused'], throughputRows));
  console.log(`\n### Latency one replica adds with Redis on the fast paths (the two replicas sent the same requests alternately, ${REPEATS} each after ${WARMUP} to warm up)\n`);
  console.log(table(['path', 'memory p50 (p95) ms', 'redis p50 (p95) ms', 'added p50 ms'], latencyRows));
} finally {
  await redis.stop();
}
