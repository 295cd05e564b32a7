/**
 * What every piece of shared state has in common, whichever store holds it: the memory store answers at once
 * (plain values, so the hot paths pay nothing for the option), Redis answers with promises. A caller that may get
 * either awaits only when it got a promise (`settle`).
 */
export type MaybePromise<T> = T | Promise<T>;

/** Which store holds the gateway's and the mock's state (`stateStore` in the config). */
export type StateStoreKind = 'memory' | 'redis';

/** Runs `then` on the value, at once when there is no promise to wait for. */
export function settle<T, R>(value: MaybePromise<T>, then: (value: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(then) : then(value);
}

/** Waits for whichever of `results` are promises (none, in memory), failing if any failed. */
export function waitForAll(results: MaybePromise<unknown>[]): MaybePromise<void> {
  const pending = results.filter((result) => result instanceof Promise);
  if (pending.length === 0) return;
  return Promise.all(pending).then(() => undefined);
}

/**
 * The shared store could not be reached (Redis down, or not answering in time). Vendor routes answer it as
 * ModelArts.4503 and admin routes as 503 `store-unavailable`; nothing else is lost, and the next request tries again.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';

  constructor(
    readonly dependency: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unreachable`, options);
  }
}

/** For `/health`: each dependency the state lives in, and whether it answers now. Empty for the memory store. */
export type DependencyHealth = Record<string, 'up' | 'down'>;
