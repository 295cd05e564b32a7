import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../src/gateway/concurrency.js';
import { FixedWindowCounter, hitWindow, peekWindow } from '../../src/gateway/fixed-window.js';

const MINUTE = 60_000;

describe('fixed-window arithmetic', () => {
  it('starts a window at the first request', () => {
    expect(hitWindow(undefined, 1_000, MINUTE)).toEqual({ state: { count: 1, start: 1_000 }, ttl: MINUTE });
  });

  it('counts within the window, the ttl shrinking with time', () => {
    expect(hitWindow({ count: 1, start: 1_000 }, 21_000, MINUTE)).toEqual({ state: { count: 2, start: 1_000 }, ttl: 40_000 });
    expect(hitWindow({ count: 7, start: 1_000 }, 60_999, MINUTE)).toEqual({ state: { count: 8, start: 1_000 }, ttl: 1 });
  });

  it('starts afresh once the window has passed, or when the clock went back', () => {
    expect(hitWindow({ count: 9, start: 1_000 }, 61_000, MINUTE)).toEqual({ state: { count: 1, start: 61_000 }, ttl: MINUTE });
    expect(hitWindow({ count: 9, start: 1_000 }, 500, MINUTE)).toEqual({ state: { count: 1, start: 500 }, ttl: MINUTE });
  });

  it('peeks without counting', () => {
    expect(peekWindow(undefined, 5, MINUTE)).toEqual({ state: { count: 0, start: 5 }, ttl: 0 });
    expect(peekWindow({ count: 3, start: 0 }, 15_000, MINUTE)).toEqual({ state: { count: 3, start: 0 }, ttl: 45_000 });
    expect(peekWindow({ count: 3, start: 0 }, MINUTE, MINUTE)).toEqual({ state: { count: 0, start: MINUTE }, ttl: 0 });
  });

  it('keeps one window per key', () => {
    const counter = new FixedWindowCounter();
    counter.hit('a', 0, MINUTE);
    counter.hit('a', 10, MINUTE);
    expect(counter.hit('b', 20, MINUTE).state).toEqual({ count: 1, start: 20 });
    expect(counter.peek('a', 30, MINUTE)).toEqual({ state: { count: 2, start: 0 }, ttl: MINUTE - 30 });
  });
});

describe('ConcurrencyLimiter', () => {
  it('grants up to the maximum per key, then refuses', () => {
    const limiter = new ConcurrencyLimiter(2);
    const first = limiter.tryAcquire('p');
    const second = limiter.tryAcquire('p');
    expect([typeof first, typeof second]).toEqual(['function', 'function']);
    expect(limiter.tryAcquire('p')).toBeUndefined();
    expect(typeof limiter.tryAcquire('q')).toBe('function');
    expect([limiter.count('p'), limiter.count('q')]).toEqual([2, 1]);
  });

  it('frees a slot on release, and a second release of the same slot changes nothing', () => {
    const limiter = new ConcurrencyLimiter(1);
    const release = limiter.tryAcquire('p');
    release?.();
    release?.();
    expect(limiter.count('p')).toBe(0);
    const again = limiter.tryAcquire('p');
    expect(typeof again).toBe('function');
    release?.();
    expect(limiter.count('p')).toBe(1);
  });
});
