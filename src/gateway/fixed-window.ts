/**
 * Fixed-window request counting, as the gateway's "limit:N,time:1 minute" policy reads: at most N requests per key
 * in each window, the window starting at the key's first request. Pure arithmetic on numbers the caller passes,
 * so it runs on the injected clock.
 */
import type { MaybePromise } from '../store/store.js';

export interface WindowState {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** When the current window began, ms since the epoch. */
  start: number;
}

export interface WindowHit {
  state: WindowState;
  /** Milliseconds until the window ends. */
  ttl: number;
}

/** The throttle windows of every namespace, in memory (`FixedWindowCounter`) or shared by replicas (Redis). */
export interface ThrottleWindows {
  /** Counts one request of `key` at `now`. */
  hit(key: string, now: number, windowMs: number): MaybePromise<WindowHit>;
  /** The window as seen at `now`, without counting a request. */
  peek(key: string, now: number, windowMs: number): MaybePromise<WindowHit>;
  /** Forgets one namespace's window, or every one. */
  reset(namespace?: string): MaybePromise<void>;
}

/** Counts one request at `now` against `previous` (undefined for a key never seen). */
export function hitWindow(previous: WindowState | undefined, now: number, windowMs: number): WindowHit {
  const expired = !previous || now >= previous.start + windowMs || now < previous.start;
  const state = expired ? { count: 1, start: now } : { count: previous.count + 1, start: previous.start };
  return { state, ttl: state.start + windowMs - now };
}

/** The state as seen at `now`, without counting a request. */
export function peekWindow(previous: WindowState | undefined, now: number, windowMs: number): WindowHit {
  if (!previous || now >= previous.start + windowMs || now < previous.start) return { state: { count: 0, start: now }, ttl: 0 };
  return { state: previous, ttl: previous.start + windowMs - now };
}

/**
 * Windows per key. Keys are namespaces (a test's `X-Mock-Namespace`, else the project id), which any authenticated
 * client can invent, so the map must neither grow without bound nor slow down as it grows. A window is re-inserted
 * whenever it restarts, so the Map's order is the order windows started in: ended windows are always at the front,
 * and each hit drops those it finds there (amortised O(1), never a walk over live windows). Past `maxKeys` live
 * windows the oldest is dropped too: that namespace starts a fresh window, which only ever lets it through sooner.
 */
export class FixedWindowCounter implements ThrottleWindows {
  private readonly windows = new Map<string, WindowState>();

  constructor(private readonly maxKeys = 100_000) {}

  hit(key: string, now: number, windowMs: number): WindowHit {
    this.evict(now, windowMs);
    const previous = this.windows.get(key);
    const hit = hitWindow(previous, now, windowMs);
    if (hit.state.start !== previous?.start) this.windows.delete(key);
    this.windows.set(key, hit.state);
    return hit;
  }

  peek(key: string, now: number, windowMs: number): WindowHit {
    return peekWindow(this.windows.get(key), now, windowMs);
  }

  /** Forgets one key's window (an admin reset of its namespace). */
  delete(key: string): void {
    this.windows.delete(key);
  }

  clear(): void {
    this.windows.clear();
  }

  reset(namespace?: string): void {
    if (namespace === undefined) this.clear();
    else this.delete(namespace);
  }

  get size(): number {
    return this.windows.size;
  }

  private evict(now: number, windowMs: number): void {
    for (const [key, state] of this.windows) {
      const ended = now >= state.start + windowMs || now < state.start;
      if (!ended && this.windows.size < this.maxKeys) return;
      this.windows.delete(key);
    }
  }
}
