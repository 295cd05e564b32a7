/**
 * The gateway's flow control for OCR routes: a requests-per-minute limit (APIG.0308, through @fastify/rate-limit)
 * and a cap on recognitions in flight (ModelArts.4401), both per namespace (the `X-Mock-Namespace` header, else the
 * path's project id, so by default per project as the real gateway counts). The counters live in the GatewayState, so
 * an admin reset of one namespace clears its window and nothing else.
 */
import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor, type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import { ApiError } from '../errors/catalogue.js';
import type { ConcurrencySlots } from './concurrency.js';
import type { ThrottleWindows, WindowHit } from './fixed-window.js';

const MINUTE_MS = 60_000;

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** Answers the plugin's callback with a window, at once when it is in memory. */
function answer(hit: WindowHit | Promise<WindowHit>, callback: Callback): void {
  if (hit instanceof Promise)
    hit.then(
      (resolved) => answer(resolved, callback),
      (error: Error) => callback(error),
    );
  else callback(null, { current: hit.state.count, ttl: hit.ttl });
}

/**
 * A rate-limit store on our clock: the plugin's own store reads `Date.now()`, and it has no clock option,
 * so limits could not be tested without sleeping. Every instance (the plugin makes a child per route) shares
 * `counter`, which the admin API resets. A store error (Redis down) reaches the plugin, which throws it.
 */
export function clockStore(clock: Clock, counter: ThrottleWindows): FastifyRateLimitStoreCtor {
  return class ClockStore implements FastifyRateLimitStore {
    private readonly counter = counter;

    incr(key: string, callback: Callback, timeWindow: number): void {
      answer(this.counter.hit(key, clock.now(), timeWindow), callback);
    }

    read(key: string, callback: Callback, timeWindow: number): void {
      answer(this.counter.peek(key, clock.now(), timeWindow), callback);
    }

    child(): FastifyRateLimitStore {
      return new ClockStore();
    }
  };
}

/** Registers the plugin for opt-in use only: IAM, health and docs are not behind the OCR gateway. */
export async function registerRateLimiting(app: FastifyInstance, clock: Clock, counter: ThrottleWindows): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    store: clockStore(clock, counter),
    // The real gateway sends no X-RateLimit-* headers; only Retry-After on a 429.
    addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
  });
}

/**
 * A hook that counts the request against its namespace's per-minute limit; over it, APIG.0308 with Retry-After.
 * The limit is read per request, since the admin API may change it for one namespace.
 */
export function namespaceRateLimit(app: FastifyInstance, namespaceOf: (request: FastifyRequest) => string, limitOf: (request: FastifyRequest) => number) {
  const options: RateLimitOptions = {
    max: (request) => limitOf(request),
    timeWindow: MINUTE_MS,
    keyGenerator: namespaceOf,
    errorResponseBuilder: (_request, context) => ApiError.of('APIG.0308', { limit: context.max }),
  };
  return app.rateLimit(options);
}

/** Runs backend work holding one of the namespace's `max` concurrency slots; none free gives ModelArts.4401. */
export function concurrencyGuard(slots: ConcurrencySlots) {
  return async function withSlot<T>(namespace: string, max: number, work: () => Promise<T>): Promise<T> {
    const acquired = slots.tryAcquire(namespace, max);
    const release = acquired instanceof Promise ? await acquired : acquired;
    if (!release) throw ApiError.of('ModelArts.4401');
    try {
      return await work();
    } finally {
      release();
    }
  };
}
