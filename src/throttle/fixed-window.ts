/**
 * Fixed-window request counting, as the gateway's "limit:N,time:1 minute" policy reads: at most N requests per key
 * in each window, the window starting at the key's first request. Pure arithmetic on numbers the caller passes,
 * so it runs on the injected clock.
 */
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
 * client can invent, so ended windows are swept once the map grows past `sweepAbove`.
 */
export class FixedWindowCounter {
  private readonly windows = new Map<string, WindowState>();

  constructor(private readonly sweepAbove = 10_000) {}

  hit(key: string, now: number, windowMs: number): WindowHit {
    if (this.windows.size >= this.sweepAbove && !this.windows.has(key)) this.sweep(now, windowMs);
    const hit = hitWindow(this.windows.get(key), now, windowMs);
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

  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number, windowMs: number): void {
    for (const [key, state] of this.windows) if (peekWindow(state, now, windowMs).state.count === 0) this.windows.delete(key);
  }
}
