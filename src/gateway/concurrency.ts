/**
 * How many recognitions each key (a namespace) has in flight, refused past a maximum (ModelArts.4401). Pure
 * bookkeeping. The maximum may differ per key, since the admin API can change it for one namespace.
 */
export class ConcurrencyLimiter {
  private readonly inFlight = new Map<string, number>();
  private readonly maxFor: (key: string) => number;

  constructor(max: number | ((key: string) => number)) {
    this.maxFor = typeof max === 'number' ? () => max : max;
  }

  /** A release function when a slot was free, or undefined when `key` is at its maximum. Release is idempotent. */
  tryAcquire(key: string): (() => void) | undefined {
    const current = this.inFlight.get(key) ?? 0;
    if (current >= this.maxFor(key)) return undefined;
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
}
