/**
 * The gateway's flow control for OCR routes: a per-project requests-per-minute limit (APIG.0308, through
 * @fastify/rate-limit) and a per-project cap on recognitions in flight (ModelArts.4401).
 */
import rateLimit, {
  type FastifyRateLimitStore,
  type FastifyRateLimitStoreCtor,
  type RateLimitOptions,
} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import { ApiError } from '../errors/catalogue.js';
import { ConcurrencyLimiter } from '../throttle/concurrency.js';
import { FixedWindowCounter } from '../throttle/fixed-window.js';

const MINUTE_MS = 60_000;

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A rate-limit store on our clock: the plugin's own store reads `Date.now()`, and it has no clock option,
 * so limits could not be tested without sleeping.
 */
export function clockStore(clock: Clock): FastifyRateLimitStoreCtor {
  return class ClockStore implements FastifyRateLimitStore {
    private readonly counter = new FixedWindowCounter();

    incr(key: string, callback: Callback, timeWindow: number): void {
      const { state, ttl } = this.counter.hit(key, clock.now(), timeWindow);
      callback(null, { current: state.count, ttl });
    }

    read(key: string, callback: Callback, timeWindow: number): void {
      const { state, ttl } = this.counter.peek(key, clock.now(), timeWindow);
      callback(null, { current: state.count, ttl });
    }

    child(): FastifyRateLimitStore {
      return new ClockStore();
    }
  };
}

/** Registers the plugin for opt-in use only: IAM, health and docs are not behind the OCR gateway. */
export async function registerRateLimiting(app: FastifyInstance, clock: Clock): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    store: clockStore(clock),
    // The real gateway sends no X-RateLimit-* headers; only Retry-After on a 429.
    addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
  });
}

function pathProject(request: FastifyRequest): string {
  return (request.params as { project_id: string }).project_id;
}

/** A hook that counts the request against its project's per-minute limit; over it, APIG.0308 with Retry-After. */
export function projectRateLimit(app: FastifyInstance, perMinute: number) {
  const options: RateLimitOptions = {
    max: perMinute,
    timeWindow: MINUTE_MS,
    keyGenerator: pathProject,
    errorResponseBuilder: (_request, context) => ApiError.of('APIG.0308', { limit: context.max }),
  };
  return app.rateLimit(options);
}

/** Runs backend work holding one of the project's concurrency slots; none free gives ModelArts.4401. */
export function concurrencyGuard(maxPerProject: number) {
  const limiter = new ConcurrencyLimiter(maxPerProject);
  return async function withSlot<T>(projectId: string, work: () => Promise<T>): Promise<T> {
    const release = limiter.tryAcquire(projectId);
    if (!release) throw ApiError.of('ModelArts.4401');
    try {
      return await work();
    } finally {
      release();
    }
  };
}
