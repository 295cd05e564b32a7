/**
 * The one connection to Redis of `stateStore: "redis"`, shared by every store of src/gateway/redis-*.ts and
 * src/mock/redis-*.ts. Loaded only with that setting (src/state-stores.ts imports it dynamically), so the memory
 * store never loads ioredis.
 *
 * While Redis is unreachable nothing waits for it: commands fail at once (no offline queue, no retries) or after
 * `COMMAND_TIMEOUT_MS`, as a `StoreUnavailableError`, and the client reconnects in the background for as long as it
 * takes, so the server recovers by itself when Redis returns.
 */
import { Redis, ReplyError } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import { StoreUnavailableError, type DependencyHealth } from './store.js';

/** Everything this server keeps in Redis is under this prefix (a global reset deletes what is under it). */
export const KEY_PREFIX = 'ocr-mock:';

const COMMAND_TIMEOUT_MS = 2000;
const CONNECT_TIMEOUT_MS = 2000;
/** Reconnection attempts back off to this, and go on forever. */
const MAX_RECONNECT_DELAY_MS = 1000;

/** Replies that mean "not now" rather than "wrong command": Redis is starting or unable to serve. */
const UNAVAILABLE_REPLIES = /^(LOADING|BUSY|MASTERDOWN|MISCONF|READONLY|TRYAGAIN|CLUSTERDOWN)\b/;

/** A reply Redis refused with, such as `NOSCRIPT …` (ioredis types its ReplyError as `any`). */
function isReply(error: unknown): error is Error {
  return error instanceof ReplyError;
}

/** A Lua script run atomically by Redis (EVALSHA, falling back to EVAL once per connection). */
export interface Script {
  numberOfKeys: number;
  lua: string;
}

export class RedisConnection {
  readonly client: Redis;
  private readonly scripts = new Map<Script, string>();

  constructor(url: string, log: Pick<FastifyBaseLogger, 'warn' | 'error'>) {
    this.client = new Redis(url, {
      // Fail at once while disconnected rather than hold every request until Redis returns.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    });
    // Logged on changes only: a Redis that stays down must not flood the log once per reconnection attempt.
    let reported: 'up' | 'down' | undefined;
    this.client.on('ready', () => {
      if (reported === 'down') log.warn('Redis is reachable again');
      reported = 'up';
    });
    this.client.on('error', (error: Error) => {
      if (reported !== 'down') log.error({ err: error }, 'Redis is unreachable: vendor calls answer ModelArts.4503, admin calls 503');
      reported = 'down';
    });
  }

  health(): DependencyHealth {
    return { redis: this.client.status === 'ready' ? 'up' : 'down' };
  }

  /** Resolves once connected, or after `timeoutMs` whatever the state (the server starts anyway, and says so). */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.client.on('ready', done);
    });
  }

  /** Runs Redis commands; a failure to reach Redis becomes a `StoreUnavailableError`, a wrong command stays a bug. */
  async run<T>(work: (client: Redis) => Promise<T>): Promise<T> {
    try {
      return await work(this.client);
    } catch (error) {
      if (isReply(error) && !UNAVAILABLE_REPLIES.test(error.message)) throw error;
      throw new StoreUnavailableError('redis', { cause: error });
    }
  }

  /** Runs a Lua script atomically; `keys` are given without the prefix. */
  eval(script: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    return this.run(async (client) => {
      const prefixed = keys.map((key) => KEY_PREFIX + key);
      const known = this.scripts.get(script);
      if (known) {
        try {
          return await client.evalsha(known, script.numberOfKeys, ...prefixed, ...args);
        } catch (error) {
          // Redis forgot its scripts (restarted): load it again below.
          if (!(isReply(error) && error.message.startsWith('NOSCRIPT'))) throw error;
        }
      }
      const sha = (await client.script('LOAD', script.lua)) as string;
      this.scripts.set(script, sha);
      return client.evalsha(sha, script.numberOfKeys, ...prefixed, ...args);
    });
  }

  /** Deletes every key matching `pattern` (without the prefix): a global reset of one concern. */
  deleteMatching(pattern: string): Promise<void> {
    return this.run(async (client) => {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', KEY_PREFIX + pattern, 'COUNT', 500);
        if (keys.length > 0) await client.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    });
  }

  async close(): Promise<void> {
    // quit() waits for Redis, which may be down: then the connection is simply dropped.
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}

/** A key of this server's (with the prefix), for commands that are not scripts. */
export const key = (name: string): string => KEY_PREFIX + name;
