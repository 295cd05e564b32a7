import type { MaybePromise } from '../store/store.js';

/** Gives a slot back; calling it again does nothing. */
export type ReleaseSlot = () => void;

/** Recognitions in flight per namespace, in memory (`ConcurrencyLimiter`) or shared by replicas (Redis). */
export interface ConcurrencySlots {
  /** A release function when `key` has fewer than `max` slots taken, else undefined. */
  tryAcquire(key: string, max: number): MaybePromise<ReleaseSlot | undefined>;
  /** Forgets one namespace's count, or every one (an admin reset). */
  reset(namespace?: string): MaybePromise<void>;
}

/**
 * How many recognitions each key (a namespace) has in flight, refused past a maximum (ModelArts.4401). Pure
 * bookkeeping. The maximum may differ per key, since the admin API can change it for one namespace.
 */
export class ConcurrencyLimiter implements ConcurrencySlots {
  private readonly inFlight = new Map<string, number>();
  private readonly maxFor: (key: string) => number;

  /** `max` is the default of `tryAcquire`'s: one number, or one per key. */
  constructor(max: number | ((key: string) => number) = Number.POSITIVE_INFINITY) {
    this.maxFor = typeof max === 'number' ? () => max : max;
  }

  /** A release function when a slot was free, or undefined when `key` is at its maximum. Release is idempotent. */
  tryAcquire(key: string, max: number = this.maxFor(key)): ReleaseSlot | undefined {
    const current = this.inFlight.get(key) ?? 0;
    if (current >= max) return undefined;
    this.inFlight.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    };
  }

  count(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }

  /**
   * Forgets a key's count (an admin reset). Requests still in flight release into a fresh count, which never goes
   * below zero, so the only effect is that the reset namespace may briefly run more than its maximum.
   */
  delete(key: string): void {
    this.inFlight.delete(key);
  }

  clear(): void {
    this.inFlight.clear();
  }

  reset(namespace?: string): void {
    if (namespace === undefined) this.clear();
    else this.delete(namespace);
  }
}
