/**
 * Every state concern behaves the same in memory and in Redis: each case runs against both stores (a fresh memory
 * store, or an emptied Redis from Debian's redis-server). Whatever one store answers, the other must.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { memoryGatewayStores, type GatewayStores } from '../../src/gateway/gateway-state.js';
import { LOCKOUT, SERVER_WIDE_LOCKOUT } from '../../src/gateway/lockouts.js';
import { redisGatewayStores } from '../../src/gateway/redis-gateway-state.js';
import { memoryMockStores, type MockStores } from '../../src/mock/mock-state.js';
import { redisMockStores } from '../../src/mock/redis-mock-state.js';
import { RedisConnection } from '../../src/store/redis.js';
import { journalEntry } from '../helpers/journal.js';
import { startRedis, type RunningRedis } from '../helpers/redis.js';

const config = loadConfig({ env: {}, overrides: { journalMaxEntries: 5 } });
const MINUTE = 60_000;
const T0 = 1_800_000_000_000;
const quiet = { warn: () => undefined, error: () => undefined };

let redis: RunningRedis;
let connection: RedisConnection;

beforeAll(async () => {
  redis = await startRedis();
  connection = new RedisConnection(redis.url, quiet);
  await connection.waitUntilReady(5000);
});

afterAll(async () => {
  await connection?.close();
  await redis?.stop();
});

type Stores = { gateway: GatewayStores; mock: MockStores };

const STORES: [string, () => Promise<Stores>][] = [
  ['memory', async () => ({ gateway: memoryGatewayStores(config), mock: memoryMockStores(config) })],
  [
    'redis',
    async () => {
      await connection.client.flushall();
      return { gateway: redisGatewayStores(connection, config, () => T0), mock: redisMockStores(connection, config) };
    },
  ],
];

const entry = (requestId: string, namespace: string) => journalEntry({ requestId, namespace });

describe.each(STORES)('the %s store', (_name, open) => {
  it('counts throttle windows per namespace, starts a new one when it ends, and resets one or all', async () => {
    const { windows } = (await open()).gateway;
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push((await windows.hit('a', T0 + i, MINUTE)).state.count);
    expect(counts).toEqual([1, 2, 3]);
    expect(await windows.peek('a', T0 + 10, MINUTE)).toEqual({ state: { count: 3, start: T0 }, ttl: MINUTE - 10 });
    expect(await windows.hit('a', T0 + MINUTE, MINUTE)).toEqual({ state: { count: 1, start: T0 + MINUTE }, ttl: MINUTE });
    expect((await windows.hit('b', T0 + MINUTE, MINUTE)).state.count).toBe(1);
    await windows.reset('a');
    expect((await windows.peek('a', T0 + MINUTE + 1, MINUTE)).state.count).toBe(0);
    expect((await windows.peek('b', T0 + MINUTE + 1, MINUTE)).state.count).toBe(1);
    await windows.reset();
    expect((await windows.peek('b', T0 + MINUTE + 1, MINUTE)).state.count).toBe(0);
  });

  it('gives at most max concurrency slots per namespace, each released once', async () => {
    const { slots } = (await open()).gateway;
    const first = await slots.tryAcquire('a', 2);
    const second = await slots.tryAcquire('a', 2);
    expect(first).toBeTypeOf('function');
    expect(second).toBeTypeOf('function');
    expect(await slots.tryAcquire('a', 2)).toBeUndefined();
    expect(await slots.tryAcquire('b', 2)).toBeTypeOf('function');
    first?.();
    first?.();
    expect(await slots.tryAcquire('a', 2)).toBeTypeOf('function');
    expect(await slots.tryAcquire('a', 2)).toBeUndefined();
    await slots.reset('a');
    expect(await slots.tryAcquire('a', 2)).toBeTypeOf('function');
  });

  it('locks an AK after five consecutive failures in a namespace, for that namespace, until the lock ends', async () => {
    const { lockouts } = (await open()).gateway;
    const fail = async (namespace: string, now: number) => {
      const table = await lockouts.table(namespace, 'AK', now);
      table.recordFailure('AK', now);
      await table.commit?.();
    };
    const locked = async (namespace: string, now: number) => (await lockouts.table(namespace, 'AK', now)).isLocked('AK', now);
    for (let i = 0; i < LOCKOUT.maxFailures - 1; i++) await fail('a', T0);
    expect(await locked('a', T0)).toBe(false);
    // A verified request ends the run.
    const table = await lockouts.table('a', 'AK', T0);
    table.recordSuccess('AK');
    await table.commit?.();
    for (let i = 0; i < LOCKOUT.maxFailures - 1; i++) await fail('a', T0);
    expect(await locked('a', T0)).toBe(false);
    await fail('a', T0);
    expect(await locked('a', T0)).toBe(true);
    expect(await locked('b', T0)).toBe(false);
    expect(await locked('a', T0 + LOCKOUT.lockMs)).toBe(false);
    await lockouts.reset('a');
    expect(await locked('a', T0)).toBe(false);
  });

  it('locks an AK everywhere once the server-wide budget is spent over many namespaces', async () => {
    const { lockouts } = (await open()).gateway;
    for (let i = 0; i < SERVER_WIDE_LOCKOUT.maxFailures; i++) {
      const table = await lockouts.table(`ns-${i}`, 'AK', T0);
      table.recordFailure('AK', T0);
      await table.commit?.();
    }
    expect((await lockouts.table('never-failed', 'AK', T0)).isLocked('AK', T0)).toBe(true);
    await lockouts.reset();
    expect((await lockouts.table('never-failed', 'AK', T0)).isLocked('AK', T0)).toBe(false);
  });

  it('reads namespace settings over the server settings, and resets one namespace or everything', async () => {
    const { settings } = (await open()).gateway;
    expect((await settings.view('a')).settings).toEqual({ rateLimitPerMinute: 600, maxConcurrentPerProject: 8, subscriptions: {} });
    await settings.updateNamespace('a', { rateLimitPerMinute: 3 });
    await settings.updateServer({ maxConcurrentPerProject: 2, accessKeys: [] });
    expect((await settings.view('a')).settings).toEqual({ rateLimitPerMinute: 3, maxConcurrentPerProject: 2, subscriptions: {} });
    expect((await settings.view('b')).settings.rateLimitPerMinute).toBe(600);
    expect((await settings.view('b')).accessKey('OCRMOCKACCESSKEY0001')).toBeUndefined();
    expect((await settings.server()).maxConcurrentPerProject).toBe(2);
    await settings.reset('a');
    expect((await settings.view('a')).settings.rateLimitPerMinute).toBe(600);
    await settings.reset();
    expect((await settings.view('a')).settings.maxConcurrentPerProject).toBe(8);
    expect((await settings.view('a')).accessKey('OCRMOCKACCESSKEY0001')?.domain).toBe('mock-domain');
  });

  it('takes a fault of the namespace before a global one, each use once, and removes it after `times`', async () => {
    const { faults } = (await open()).mock;
    const facts = { api: 'passport', project: 'p' };
    const global = await faults.add(undefined, { error: 'AIS.0105' });
    const own = await faults.add('a', { error: 'AIS.0104', times: 2 });
    const taken = [];
    for (let i = 0; i < 3; i++) taken.push((await faults.take('a', facts, 'request', () => 0))?.id);
    expect(taken).toEqual([own.id, own.id, global.id]);
    expect(await faults.list('a')).toEqual([]);
    expect(await faults.list(undefined)).toEqual([{ ...global, hits: 1 }]);
    expect(await faults.take('a', { ...facts, imageSha256: 'ab' }, 'image', () => 0)).toBeUndefined();
    // Spared by its probability: not counted.
    await faults.add('b', { error: 'AIS.0101', probability: 0.5, times: 1 });
    expect((await faults.take('b', facts, 'request', () => 0.9))?.id).toBe(global.id);
    expect(await faults.list('b')).toHaveLength(1);
    expect(await faults.remove(undefined, global.id)).toBe(true);
    expect(await faults.remove(undefined, global.id)).toBe(false);
    expect(await faults.clear('b')).toBe(1);
  });

  it('answers the newest stub for an image, the namespace before the global scope, counting hits', async () => {
    const { stubs } = (await open()).mock;
    const hash = 'AB'.repeat(32);
    await stubs.add(undefined, { api: 'passport', imageSha256: hash, result: { from: 'global' } });
    await stubs.add('a', { api: 'passport', imageSha256: hash, result: { from: 'old' } });
    const newest = await stubs.add('a', { api: 'passport', imageSha256: hash, result: { from: 'new' } });
    expect(newest.imageSha256).toBe(hash.toLowerCase());
    expect((await stubs.take('a', 'passport', hash.toLowerCase()))?.result).toEqual({ from: 'new' });
    expect((await stubs.take('b', 'passport', hash.toLowerCase()))?.result).toEqual({ from: 'global' });
    expect(await stubs.take('a', 'bankcard', hash.toLowerCase())).toBeUndefined();
    expect((await stubs.list('a')).map((stub) => stub.hits)).toEqual([0, 1]);
    await stubs.reset('a');
    expect(await stubs.list('a')).toEqual([]);
    expect(await stubs.list(undefined)).toHaveLength(1);
  });

  it('journals in order, keeps the newest journalMaxEntries, filters, and clears one namespace or all', async () => {
    const { journal } = (await open()).mock;
    for (let i = 1; i <= 7; i++) await journal.record(entry(`r${i}`, i % 2 ? 'odd' : 'even'));
    expect((await journal.list()).map((e) => e.requestId)).toEqual(['r3', 'r4', 'r5', 'r6', 'r7']);
    expect((await journal.list({ namespace: 'odd', limit: 2 })).map((e) => e.requestId)).toEqual(['r5', 'r7']);
    expect(await journal.clear('even')).toBe(2);
    expect((await journal.list()).map((e) => e.requestId)).toEqual(['r3', 'r5', 'r7']);
    expect(await journal.clear()).toBe(3);
    expect(await journal.list()).toEqual([]);
  });
});
