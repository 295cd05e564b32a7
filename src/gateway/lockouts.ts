/**
 * AK/SK lockouts as the gateway keeps them: each namespace's own five-failure lock (so one test's failed signatures
 * never lock another's key) and a server-wide failure budget (so rotating `X-Mock-Namespace` cannot bypass it).
 * `LockoutStore` is what the signature check asks; `MemoryLockouts` keeps it in this process, the Redis store
 * (src/store/redis-gateway.ts) shares it between replicas.
 */
import type { MaybePromise } from '../store/store.js';
import { AkFailureBudget, AkLockout, combineLockouts, type AkLockoutTable } from './signature.js';

export interface LockoutOptions {
  maxFailures: number;
  lockMs: number;
}

/** As the gateway FAQ says: five consecutive failures lock the AK for five minutes. */
export const LOCKOUT: LockoutOptions = { maxFailures: 5, lockMs: 5 * 60_000 };

/**
 * Signature failures of one AK, all namespaces together, that lock it everywhere: ten namespaces' worth of the
 * gateway's five, in five minutes. Tests that fail on purpose stay far below it; rotating namespaces does not.
 */
export const SERVER_WIDE_LOCKOUT = { maxFailures: 50, windowMs: 5 * 60_000, lockMs: 5 * 60_000 } as const;

/** Lockout tables kept at once; the least recently used namespace's table goes first past this. */
const MAX_LOCKOUT_NAMESPACES = 1000;

/** A table for one signed request; a store that cannot write as it goes writes what was recorded on `commit`. */
export interface SignatureLockoutTable extends AkLockoutTable {
  commit?(): Promise<void>;
}

export interface LockoutStore {
  /** What a signed request for `access` in `namespace` is checked against, as it stands at `now`. */
  table(namespace: string, access: string, now: number): MaybePromise<SignatureLockoutTable>;
  /** One namespace's locks, or every lock and the server-wide budget. */
  reset(namespace?: string): MaybePromise<void>;
}

export class MemoryLockouts implements LockoutStore {
  private readonly lockouts = new Map<string, AkLockout>();
  private readonly serverWide = new AkFailureBudget(SERVER_WIDE_LOCKOUT);

  constructor(private readonly options: LockoutOptions = LOCKOUT) {}

  table(namespace: string): SignatureLockoutTable {
    return combineLockouts(this.lockout(namespace), this.serverWide);
  }

  /** The namespace's table, moved to the back of the least-recently-used order. */
  lockout(namespace: string): AkLockout {
    let lockout = this.lockouts.get(namespace);
    if (lockout) {
      this.lockouts.delete(namespace);
    } else {
      lockout = new AkLockout(this.options);
      if (this.lockouts.size >= MAX_LOCKOUT_NAMESPACES) {
        const oldest = this.lockouts.keys().next();
        if (!oldest.done) this.lockouts.delete(oldest.value);
      }
    }
    this.lockouts.set(namespace, lockout);
    return lockout;
  }

  reset(namespace?: string): void {
    if (namespace !== undefined) {
      this.lockouts.delete(namespace);
      return;
    }
    this.lockouts.clear();
    this.serverWide.reset();
  }
}
