/**
 * The mock's state in Redis, so that replicas pointed at one Redis act as one mock (`stateStore: "redis"`): one
 * journal in the order answers went out, and faults and stubs that any replica adds, lists and uses, a fault's
 * `times` counted exactly once across them (CLAIM_ENTRY). Matching stays in TypeScript (src/mock/faults.ts), so the
 * rules are the memory store's; only the counting is in Lua.
 *
 * Keys, under the prefix of src/store/redis.ts: `journal` (a capped list of JSON entries), `next-id`, and per book
 * and scope (`*` is the global one) `<faults|stubs>:<scope>:order` (ids, oldest first), `…:items` (id → JSON) and
 * `…:hits` (id → count).
 */
import { key, type RedisConnection, type Script } from '../store/redis.js';
import { applies, type Fault, type FaultPhase, type FaultSpec, type RequestFacts } from './faults.js';
import { select, type JournalEntry, type JournalFilter, type JournalStore } from './journal.js';
import type { BookKind, BookStore, FaultStore, MockStores, StubStore } from './mock-state.js';
import { normaliseStub, type Stub, type StubSpec } from './stubs.js';

// ---- journal ----

const JOURNAL = 'journal';

/** Removes one namespace's entries, keeping the others in order; answers how many went. */
const CLEAR_NAMESPACE: Script = {
  numberOfKeys: 1,
  lua: `
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
local kept = {}
for _, raw in ipairs(entries) do
  if cjson.decode(raw).namespace ~= ARGV[1] then kept[#kept + 1] = raw end
end
redis.call('DEL', KEYS[1])
for i = 1, #kept, 1000 do redis.call('RPUSH', KEYS[1], unpack(kept, i, math.min(i + 999, #kept))) end
return #entries - #kept`,
};

export class RedisJournal implements JournalStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly maxEntries: number,
  ) {}

  async record(entry: JournalEntry): Promise<void> {
    await this.redis.run((client) => client.multi().rpush(key(JOURNAL), JSON.stringify(entry)).ltrim(key(JOURNAL), -this.maxEntries, -1).exec());
  }

  async list(filter: JournalFilter = {}): Promise<JournalEntry[]> {
    const raw = await this.redis.run((client) => client.lrange(key(JOURNAL), 0, -1));
    return select(
      raw.map((entry) => JSON.parse(entry) as JournalEntry),
      filter,
    );
  }

  async clear(namespace?: string): Promise<number> {
    if (namespace !== undefined) return (await this.redis.eval(CLEAR_NAMESPACE, [JOURNAL], [namespace])) as number;
    const results = await this.redis.run((client) => client.multi().llen(key(JOURNAL)).del(key(JOURNAL)).exec());
    return Number(results?.[0]?.[1] ?? 0);
  }
}

// ---- faults and stubs ----

const GLOBAL_SCOPE = '*';
const NEXT_ID = 'next-id';

/**
 * Counts one use of an entry, if it is still there (another replica may have used up its `times` or removed it):
 * answers its hits, or -1. An entry that reaches `times` (ARGV[2], 0 for none) is removed in the same step.
 */
const CLAIM_ENTRY: Script = {
  numberOfKeys: 3,
  lua: `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return -1 end
local hits = redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
local times = tonumber(ARGV[2])
if times > 0 and hits >= times then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('LREM', KEYS[2], 0, ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
end
return hits`,
};

interface Entry {
  id: string;
  hits: number;
}

/** Entries of one scope in the order they were added, with the scope they were found in. */
type Found<Item> = { scope: string; items: Item[] };

class RedisBook<Spec, Item extends Spec & Entry> implements BookStore<Spec, Item> {
  constructor(
    protected readonly redis: RedisConnection,
    private readonly kind: BookKind,
    private readonly prefix: string,
    private readonly normalise: (spec: Spec) => Spec = (spec) => spec,
  ) {}

  async add(scope: string | undefined, spec: Spec): Promise<Item> {
    const keys = this.keys(scope ?? GLOBAL_SCOPE);
    return this.redis.run(async (client) => {
      const item = { ...structuredClone(this.normalise(spec)), id: `${this.prefix}-${await client.incr(key(NEXT_ID))}`, hits: 0 } as Item;
      await client.multi().hset(key(keys.items), item.id, JSON.stringify(item)).rpush(key(keys.order), item.id).exec();
      return item;
    });
  }

  async list(scope: string | undefined): Promise<Item[]> {
    const [found] = await this.read([scope ?? GLOBAL_SCOPE]);
    return found?.items ?? [];
  }

  async remove(scope: string | undefined, id: string): Promise<boolean> {
    const keys = this.keys(scope ?? GLOBAL_SCOPE);
    const results = await this.redis.run((client) => client.multi().hdel(key(keys.items), id).lrem(key(keys.order), 0, id).hdel(key(keys.hits), id).exec());
    return results?.[0]?.[1] === 1;
  }

  async clear(scope: string | undefined): Promise<number> {
    const keys = this.keys(scope ?? GLOBAL_SCOPE);
    const results = await this.redis.run((client) => client.multi().llen(key(keys.order)).del(key(keys.order), key(keys.items), key(keys.hits)).exec());
    return Number(results?.[0]?.[1] ?? 0);
  }

  async reset(namespace?: string): Promise<void> {
    if (namespace === undefined) {
      await this.redis.deleteMatching(`${this.kind}:*`);
      return;
    }
    const keys = this.keys(namespace);
    await this.redis.run((client) => client.del(key(keys.order), key(keys.items), key(keys.hits)));
  }

  /** Each scope's entries, read in one round trip. */
  protected async read(scopes: string[]): Promise<Found<Item>[]> {
    const replies = await this.redis.run((client) => {
      const batch = client.multi();
      for (const scope of scopes) {
        const keys = this.keys(scope);
        batch.lrange(key(keys.order), 0, -1).hgetall(key(keys.items)).hgetall(key(keys.hits));
      }
      return batch.exec();
    });
    return scopes.map((scope, i) => {
      const [order, items, hits] = [0, 1, 2].map((offset) => replies?.[3 * i + offset]?.[1]) as [string[], Record<string, string>, Record<string, string>];
      return {
        scope,
        items: order.flatMap((id) => {
          const stored = items[id];
          return stored === undefined ? [] : [{ ...(JSON.parse(stored) as Item), hits: Number(hits[id] ?? 0) }];
        }),
      };
    });
  }

  /** The namespace's entries, then the global ones. */
  protected readForRequest(namespace: string): Promise<Found<Item>[]> {
    return this.read([namespace, GLOBAL_SCOPE]);
  }

  /** Counts one use of `item`; undefined when another replica took its last use or removed it first. */
  protected async claim(scope: string, item: Item, times: number | undefined): Promise<Item | undefined> {
    const keys = this.keys(scope);
    const hits = (await this.redis.eval(CLAIM_ENTRY, [keys.items, keys.order, keys.hits], [item.id, times ?? 0])) as number;
    return hits < 0 ? undefined : { ...item, hits };
  }

  private keys(scope: string) {
    const base = `${this.kind}:${scope}`;
    return { order: `${base}:order`, items: `${base}:items`, hits: `${base}:hits` };
  }
}

export class RedisFaults extends RedisBook<FaultSpec, Fault> implements FaultStore {
  constructor(redis: RedisConnection) {
    super(redis, 'faults', 'fault');
  }

  /** As FaultBook.take: the first that matches and is not spared; a fault another replica used up is passed over. */
  async take(namespace: string, facts: RequestFacts, phase: FaultPhase, sample: () => number): Promise<Fault | undefined> {
    for (const { scope, items } of await this.readForRequest(namespace)) {
      for (const fault of items) {
        if (!applies(fault, facts, phase, sample)) continue;
        const claimed = await this.claim(scope, fault, fault.times);
        if (claimed) return claimed;
      }
    }
    return undefined;
  }
}

export class RedisStubs extends RedisBook<StubSpec, Stub> implements StubStore {
  constructor(redis: RedisConnection) {
    super(redis, 'stubs', 'stub', normaliseStub);
  }

  /** As StubBook.take: the newest stub for this API and image, the namespace's before the global ones. */
  async take(namespace: string, api: string, imageSha256: string): Promise<Stub | undefined> {
    for (const { scope, items } of await this.readForRequest(namespace)) {
      for (const stub of items.reverse()) {
        if (stub.api !== api || stub.imageSha256 !== imageSha256) continue;
        const claimed = await this.claim(scope, stub, undefined);
        if (claimed) return claimed;
      }
    }
    return undefined;
  }
}

export function redisMockStores(redis: RedisConnection, options: { journalMaxEntries: number }): MockStores {
  return { journal: new RedisJournal(redis, options.journalMaxEntries), faults: new RedisFaults(redis), stubs: new RedisStubs(redis) };
}
