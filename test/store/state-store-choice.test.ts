/**
 * `stateStore` chooses where state lives: the default memory store never loads ioredis (nothing extra for the
 * embedded default), and a server whose Redis is down at start starts anyway and says so on /health.
 */
import { describe, expect, it, vi } from 'vitest';
import { buildTestApp } from '../helpers/index.js';
import { freePort } from '../helpers/redis.js';

const loads = vi.hoisted(() => ({ ioredis: 0 }));
vi.mock('ioredis', async (importOriginal) => {
  loads.ioredis += 1;
  return importOriginal();
});

describe('stateStore', () => {
  it('memory (the default): ioredis is never loaded, and /health names no dependency', async () => {
    const t = await buildTestApp();
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.json()).toEqual({ status: 'ok' });
    expect(loads.ioredis).toBe(0);
  });

  it('redis, unreachable at start: the server starts anyway, loads ioredis, and /health says Redis is down', async () => {
    // A free port nobody listens on.
    const t = await buildTestApp({ config: { stateStore: 'redis', redisUrl: `redis://127.0.0.1:${await freePort()}` } });
    expect(loads.ioredis).toBe(1);
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toEqual({ status: 'unavailable', dependencies: { redis: 'down' } });
    const admin = await t.app.inject({ method: 'GET', url: '/_mock/journal' });
    expect(admin.statusCode).toBe(503);
    expect(admin.json()).toMatchObject({ error: 'store-unavailable' });
  });
});
