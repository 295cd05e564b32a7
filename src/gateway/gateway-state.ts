/**
 * What the gateway holds at run time, by namespace, one store per concern: the settings (who may authenticate, and
 * what a namespace overrides: rate limit, concurrency, subscriptions), the per-minute windows, the concurrency
 * slots and the AK lockouts. Each concern is in memory by default, or in Redis so that replicas act as one
 * (`stateStore`, src/store/). No fastify here: the gateway's hooks read it, and the admin API changes it, so what a
 * test sets is what requests see. The mock's own state (journal, faults, stubs) is src/mock/mock-state.ts.
 */
import type { Config } from '../config.js';
import { waitForAll, type MaybePromise } from '../store/store.js';
import { ConcurrencyLimiter, type ConcurrencySlots } from './concurrency.js';
import { FixedWindowCounter, type ThrottleWindows } from './fixed-window.js';
import { MemoryLockouts, type LockoutStore } from './lockouts.js';
import { MemorySettings, type SettingsStore } from './settings.js';

export type { GatewayView, NamespaceSettings, ServerSettings } from './settings.js';

export interface GatewayStores {
  settings: SettingsStore;
  /** Per-minute windows by namespace; the rate-limit store reads and writes these. */
  windows: ThrottleWindows;
  slots: ConcurrencySlots;
  lockouts: LockoutStore;
}

export function memoryGatewayStores(config: Readonly<Config>): GatewayStores {
  return { settings: new MemorySettings(config), windows: new FixedWindowCounter(), slots: new ConcurrencyLimiter(), lockouts: new MemoryLockouts() };
}

export class GatewayState implements GatewayStores {
  readonly settings: SettingsStore;
  readonly windows: ThrottleWindows;
  readonly slots: ConcurrencySlots;
  readonly lockouts: LockoutStore;

  constructor(stores: GatewayStores) {
    ({ settings: this.settings, windows: this.windows, slots: this.slots, lockouts: this.lockouts } = stores);
  }

  /**
   * One namespace: its overrides, throttle window, concurrency count and AK lockouts; other namespaces keep theirs.
   * No namespace: everything, and the server settings as configured at start.
   */
  reset(namespace?: string): MaybePromise<void> {
    return waitForAll([this.settings.reset(namespace), this.windows.reset(namespace), this.slots.reset(namespace), this.lockouts.reset(namespace)]);
  }
}
