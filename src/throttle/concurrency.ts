/** How many recognitions each project has in flight, refused past a maximum (ModelArts.4401). Pure bookkeeping. */
export class ConcurrencyLimiter {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** A release function when a slot was free, or undefined when `key` is at its maximum. Release is idempotent. */
  tryAcquire(key: string): (() => void) | undefined {
    const current = this.inFlight.get(key) ?? 0;
    if (current >= this.max) return undefined;
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
}
