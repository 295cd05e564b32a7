/**
 * Where the gateway's and the mock's state lives (`stateStore`): in this process, or in Redis so that replicas act
 * as one mock. The Redis stores and ioredis are imported only when chosen, so the default loads neither.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import { memoryGatewayStores, type GatewayStores } from './gateway/gateway-state.js';
import { memoryMockStores, type MockStores } from './mock/mock-state.js';
import type { DependencyHealth } from './store/store.js';

export interface StateStores {
  gateway: GatewayStores;
  mock: MockStores;
  /** For `/health`: what the state depends on, and whether it answers. */
  dependencies(): DependencyHealth;
  close(): Promise<void>;
}

/** How long a starting server waits for Redis before it starts anyway (reporting it down, and recovering later). */
const REDIS_STARTUP_WAIT_MS = 3000;

export async function openStateStores(config: Readonly<Config>, now: () => number, log: FastifyBaseLogger): Promise<StateStores> {
  if (config.stateStore === 'memory') {
    return { gateway: memoryGatewayStores(config), mock: memoryMockStores(config), dependencies: () => ({}), close: async () => undefined };
  }
  const [{ RedisConnection }, { redisGatewayStores }, { redisMockStores }] = await Promise.all([
    import('./store/redis.js'),
    import('./gateway/redis-gateway-state.js'),
    import('./mock/redis-mock-state.js'),
  ]);
  const redis = new RedisConnection(config.redisUrl, log);
  await redis.waitUntilReady(REDIS_STARTUP_WAIT_MS);
  return {
    gateway: redisGatewayStores(redis, config, now),
    mock: redisMockStores(redis, config),
    dependencies: () => redis.health(),
    close: () => redis.close(),
  };
}
