/**
 * The gateway's state in Redis, so that replicas pointed at one Redis act as one gateway (`stateStore: "redis"`).
 * Each concern keeps the memory store's rules (src/gateway/fixed-window.ts, concurrency.ts, lockouts.ts,
 * settings.ts); what two replicas may change at once is changed by one Lua script, so no update is lost.
 *
 * Keys, under the prefix of src/store/redis.ts: `settings:server` and `settings:ns:<ns>` (hashes of JSON values),
 * `window:<ns>` (hash), `slots:<ns>` (sorted set of leases), `lockout:<ns>` and `lockout:*` (hashes by AK).
 */
import { randomUUID } from 'node:crypto';
import { NAMESPACE_SETTING_KEYS, runtimeSettingsOf, type Config } from '../config.js';
import { key, type RedisConnection, type Script } from '../store/redis.js';
import type { ConcurrencySlots, ReleaseSlot } from './concurrency.js';
import { peekWindow, type ThrottleWindows, type WindowHit } from './fixed-window.js';
import type { GatewayStores } from './gateway-state.js';
import { LOCKOUT, SERVER_WIDE_LOCKOUT, type LockoutOptions, type LockoutStore, type SignatureLockoutTable } from './lockouts.js';
import { Credentials, namespaceSettings, type GatewayView, type NamespaceSettings, type ServerSettings, type SettingsStore } from './settings.js';

// ---- settings ----

const SERVER_SETTINGS = 'settings:server';
const namespaceSettingsKey = (namespace: string) => `settings:ns:${namespace}`;

/** Hash fields → JSON values, as `HSET` takes them. */
function toFields(patch: object): Record<string, string> {
  return Object.fromEntries(Object.entries(patch).map(([field, value]) => [field, JSON.stringify(value)]));
}

function fromFields<T>(fields: Record<string, string>): Partial<T> {
  return Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, JSON.parse(value) as unknown])) as Partial<T>;
}

/**
 * Settings as hashes with one field per setting, so a patch is one `HSET` (shallow, as the memory store merges) and
 * two admins patching at once lose nothing. A field never set reads as the replica's config.
 */
export class RedisSettings implements SettingsStore {
  private readonly configured: ServerSettings;
  /** Credentials are indexed again only when the identities or access keys in Redis change. */
  private credentials: { source: string; value: Credentials } | undefined;

  constructor(
    private readonly redis: RedisConnection,
    config: Readonly<Config>,
  ) {
    this.configured = runtimeSettingsOf(config);
  }

  async view(namespace: string): Promise<GatewayView> {
    const [server, overrides] = await this.redis.run((client) => Promise.all([client.hgetall(key(SERVER_SETTINGS)), client.hgetall(key(namespaceSettingsKey(namespace)))]));
    const current = { ...this.configured, ...fromFields<ServerSettings>(server) };
    return this.credentialsOf(current, server).view(namespaceSettings(current, fromFields<NamespaceSettings>(overrides)));
  }

  async server(): Promise<ServerSettings> {
    const server = await this.redis.run((client) => client.hgetall(key(SERVER_SETTINGS)));
    return { ...structuredClone(this.configured), ...fromFields<ServerSettings>(server) };
  }

  async updateServer(patch: Partial<ServerSettings>): Promise<void> {
    if (Object.keys(patch).length > 0) await this.redis.run((client) => client.hset(key(SERVER_SETTINGS), toFields(patch)));
  }

  async updateNamespace(namespace: string, patch: Partial<NamespaceSettings>): Promise<void> {
    const known = Object.fromEntries(Object.entries(patch).filter(([field]) => (NAMESPACE_SETTING_KEYS as readonly string[]).includes(field)));
    if (Object.keys(known).length > 0) await this.redis.run((client) => client.hset(key(namespaceSettingsKey(namespace)), toFields(known)));
  }

  async reset(namespace?: string): Promise<void> {
    if (namespace !== undefined) await this.redis.run((client) => client.del(key(namespaceSettingsKey(namespace))));
    else await this.redis.deleteMatching('settings:*');
  }

  private credentialsOf(current: ServerSettings, raw: Record<string, string>): Credentials {
    const source = `${raw.identities ?? ''}\n${raw.accessKeys ?? ''}`;
    if (this.credentials?.source !== source) this.credentials = { source, value: new Credentials(current) };
    return this.credentials.value;
  }
}

// ---- throttle windows ----

/** hitWindow (src/gateway/fixed-window.ts) in one step: count one request, starting a new window when one ended. */
const HIT_WINDOW: Script = {
  numberOfKeys: 1,
  lua: `
local now, windowMs = tonumber(ARGV[1]), tonumber(ARGV[2])
local start = tonumber(redis.call('HGET', KEYS[1], 'start'))
local count = tonumber(redis.call('HGET', KEYS[1], 'count'))
if (not start) or now >= start + windowMs or now < start then
  start, count = now, 1
else
  count = count + 1
end
redis.call('HSET', KEYS[1], 'start', string.format('%d', start), 'count', count)
redis.call('PEXPIRE', KEYS[1], windowMs)
return {count, string.format('%d', start)}`,
};

const windowKey = (namespace: string) => `window:${namespace}`;

export class RedisWindows implements ThrottleWindows {
  constructor(private readonly redis: RedisConnection) {}

  async hit(namespace: string, now: number, windowMs: number): Promise<WindowHit> {
    const [count, start] = (await this.redis.eval(HIT_WINDOW, [windowKey(namespace)], [now, windowMs])) as [number, string];
    const state = { count, start: Number(start) };
    return { state, ttl: state.start + windowMs - now };
  }

  async peek(namespace: string, now: number, windowMs: number): Promise<WindowHit> {
    const [count, start] = await this.redis.run((client) => client.hmget(key(windowKey(namespace)), 'count', 'start'));
    return peekWindow(count === null || start === null ? undefined : { count: Number(count), start: Number(start) }, now, windowMs);
  }

  async reset(namespace?: string): Promise<void> {
    if (namespace !== undefined) await this.redis.run((client) => client.del(key(windowKey(namespace))));
    else await this.redis.deleteMatching('window:*');
  }
}

// ---- concurrency slots ----

/**
 * A slot is a lease in a sorted set, scored by when it ends: a replica that dies holding slots does not keep them
 * for ever, only until their leases end (longer than any recognition may run).
 */
const ACQUIRE_SLOT: Script = {
  numberOfKeys: 1,
  lua: `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`,
};

const slotsKey = (namespace: string) => `slots:${namespace}`;

export class RedisSlots implements ConcurrencySlots {
  constructor(
    private readonly redis: RedisConnection,
    private readonly now: () => number,
    /** How long a slot is held at most: past it, a slot its replica never gave back is free again. */
    private readonly leaseMs: number,
  ) {}

  async tryAcquire(namespace: string, max: number): Promise<ReleaseSlot | undefined> {
    const lease = randomUUID();
    const now = this.now();
    const taken = await this.redis.eval(ACQUIRE_SLOT, [slotsKey(namespace)], [now, max, lease, now + this.leaseMs, this.leaseMs]);
    if (taken !== 1) return undefined;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Not awaited: the answer need not wait; if Redis is down the lease ends by itself.
      this.redis.run((client) => client.zrem(key(slotsKey(namespace)), lease)).catch(() => undefined);
    };
  }

  async reset(namespace?: string): Promise<void> {
    if (namespace !== undefined) await this.redis.run((client) => client.del(key(slotsKey(namespace))));
    else await this.redis.deleteMatching('slots:*');
  }
}

// ---- AK/SK lockouts ----

/**
 * One signature failure, counted in both tables as AkLockout.recordFailure and AkFailureBudget.recordFailure
 * (src/gateway/signature.ts) count it: KEYS[1] the namespace's consecutive failures ("failures,lockedUntil" by AK),
 * KEYS[2] the server-wide budget ("start,failures,lockedUntil" by AK). 0 means not locked.
 */
const RECORD_FAILURE: Script = {
  numberOfKeys: 2,
  lua: `
local ak, now = ARGV[1], tonumber(ARGV[2])
local maxFailures, lockMs = tonumber(ARGV[3]), tonumber(ARGV[4])
local budgetMax, budgetWindowMs, budgetLockMs = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local failures, lockedUntil = 0, 0
local entry = redis.call('HGET', KEYS[1], ak)
if entry then
  local f, l = string.match(entry, '^(%d+),(%d+)$')
  failures, lockedUntil = tonumber(f), tonumber(l)
end
if lockedUntil > 0 and now >= lockedUntil then failures, lockedUntil = 0, 0 end
if lockedUntil == 0 then
  failures = failures + 1
  if failures >= maxFailures then lockedUntil = now + lockMs end
  redis.call('HSET', KEYS[1], ak, string.format('%d,%d', failures, lockedUntil))
  redis.call('PEXPIRE', KEYS[1], lockMs * 2)
end
local start, count, lockEnd = now, 0, 0
local budget = redis.call('HGET', KEYS[2], ak)
if budget then
  local s, c, e = string.match(budget, '^(%d+),(%d+),(%d+)$')
  start, count, lockEnd = tonumber(s), tonumber(c), tonumber(e)
end
if not (lockEnd > 0 and now < lockEnd) then
  if lockEnd > 0 or now >= start + budgetWindowMs or now < start then start, count, lockEnd = now, 0, 0 end
  count = count + 1
  if count >= budgetMax then lockEnd = now + budgetLockMs end
  redis.call('HSET', KEYS[2], ak, string.format('%d,%d,%d', start, count, lockEnd))
  redis.call('PEXPIRE', KEYS[2], budgetWindowMs + budgetLockMs)
end
return 1`,
};

const lockoutKey = (namespace: string) => `lockout:${namespace}`;
/** Not a namespace name (those start with a letter or digit). */
const SERVER_WIDE = lockoutKey('*');

/** The lock end an entry holds: its last number, 0 when not locked. */
function lockedUntilOf(entry: string | null): number {
  return entry === null ? 0 : Number(entry.slice(entry.lastIndexOf(',') + 1));
}

export class RedisLockouts implements LockoutStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly options: LockoutOptions = LOCKOUT,
  ) {}

  /**
   * The AK's two entries as they stand, read in one round trip; what the check records is written on `commit`, each
   * failure by RECORD_FAILURE, so failures arriving at several replicas at once are all counted.
   */
  async table(namespace: string, access: string): Promise<SignatureLockoutTable> {
    const [own, serverWide] = await this.redis.run((client) => Promise.all([client.hget(key(lockoutKey(namespace)), access), client.hget(key(SERVER_WIDE), access)]));
    const lockedUntil = Math.max(lockedUntilOf(own), lockedUntilOf(serverWide));
    const pending: (() => Promise<unknown>)[] = [];
    return {
      isLocked: (_access, now) => now < lockedUntil,
      recordFailure: (ak, now) => {
        pending.push(() =>
          this.redis.eval(
            RECORD_FAILURE,
            [lockoutKey(namespace), SERVER_WIDE],
            [ak, now, this.options.maxFailures, this.options.lockMs, SERVER_WIDE_LOCKOUT.maxFailures, SERVER_WIDE_LOCKOUT.windowMs, SERVER_WIDE_LOCKOUT.lockMs],
          ),
        );
      },
      // A verified request ends the namespace's run of failures (the server-wide budget counts on).
      recordSuccess: (ak) => {
        if (own !== null) pending.push(() => this.redis.run((client) => client.hdel(key(lockoutKey(namespace)), ak)));
      },
      commit: async () => {
        for (const write of pending.splice(0)) await write();
      },
    };
  }

  async reset(namespace?: string): Promise<void> {
    if (namespace !== undefined) await this.redis.run((client) => client.del(key(lockoutKey(namespace))));
    else await this.redis.deleteMatching('lockout:*');
  }
}

export function redisGatewayStores(redis: RedisConnection, config: Readonly<Config>, now: () => number): GatewayStores {
  return {
    settings: new RedisSettings(redis, config),
    windows: new RedisWindows(redis),
    // Twice the longest a recognition may take, queueing included: no slot held by a live request is ever freed.
    slots: new RedisSlots(redis, now, 2 * config.ocrTimeoutMs),
    lockouts: new RedisLockouts(redis),
  };
}
