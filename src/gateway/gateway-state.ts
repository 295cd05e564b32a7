/**
 * What the gateway holds at run time, by namespace: who may authenticate (identities, access keys), the settings a
 * namespace may override (rate limit, concurrency, subscriptions), the AK lockouts, the per-minute windows and the
 * concurrency slots. No fastify here: the gateway's hooks read it, and the admin API changes it, so what a test sets
 * is what requests see. The mock's own state (journal, faults, stubs) is src/mock/mock-state.ts.
 */
import { NAMESPACE_SETTING_KEYS, runtimeSettingsOf, type AccessKeyPair, type Config, type NamespaceSettings, type RuntimeSettings } from '../config.js';
import { ConcurrencyLimiter } from './concurrency.js';
import { FixedWindowCounter } from './fixed-window.js';
import { IdentityDirectory } from './identities.js';
import { AkFailureBudget, AkLockout, combineLockouts, type AkLockoutTable } from './signature.js';

/** Settings of the whole server: the namespace ones' defaults, and who may authenticate (IAM has no namespace). */
export type ServerSettings = RuntimeSettings;
export type { NamespaceSettings };

export interface LockoutOptions {
  maxFailures: number;
  lockMs: number;
}

/** As the gateway FAQ says: five consecutive failures lock the AK for five minutes. */
export const LOCKOUT: LockoutOptions = { maxFailures: 5, lockMs: 5 * 60_000 };

/** Lockout tables kept at once; the least recently used namespace's table goes first past this. */
const MAX_LOCKOUT_NAMESPACES = 1000;

/**
 * Signature failures of one AK, all namespaces together, that lock it everywhere: ten namespaces' worth of the
 * gateway's five, in five minutes. Tests that fail on purpose stay far below it; rotating namespaces does not.
 */
export const SERVER_WIDE_LOCKOUT = { maxFailures: 50, windowMs: 5 * 60_000, lockMs: 5 * 60_000 } as const;

export class GatewayState {
  /** Per-minute windows by namespace; the rate-limit store reads and writes these. */
  readonly windows = new FixedWindowCounter();
  readonly concurrency: ConcurrencyLimiter;

  private server: ServerSettings;
  private directory: IdentityDirectory;
  private accessKeyMap: Map<string, AccessKeyPair>;
  private readonly overrides = new Map<string, Partial<NamespaceSettings>>();
  private readonly lockouts = new Map<string, AkLockout>();
  private readonly serverWideLockout = new AkFailureBudget(SERVER_WIDE_LOCKOUT);

  constructor(
    private readonly config: Readonly<Config>,
    private readonly lockoutOptions: LockoutOptions = LOCKOUT,
  ) {
    this.concurrency = new ConcurrencyLimiter((namespace) => this.settings(namespace).maxConcurrentPerProject);
    this.server = runtimeSettingsOf(config);
    this.directory = new IdentityDirectory(this.server.identities);
    this.accessKeyMap = new Map(this.server.accessKeys.map((pair) => [pair.ak, pair]));
  }

  // ---- settings ----

  /** The settings requests in `namespace` see: its overrides over the server's. */
  settings(namespace: string): NamespaceSettings {
    const overrides = this.overrides.get(namespace) ?? {};
    return Object.fromEntries(NAMESPACE_SETTING_KEYS.map((key) => [key, overrides[key] ?? this.server[key]])) as NamespaceSettings;
  }

  serverSettings(): ServerSettings {
    return structuredClone(this.server);
  }

  /** Only the keys given change; identities and access keys are replaced as whole lists. */
  updateServer(patch: Partial<ServerSettings>): void {
    this.server = { ...this.server, ...structuredClone(patch) };
    this.directory = new IdentityDirectory(this.server.identities);
    this.accessKeyMap = new Map(this.server.accessKeys.map((pair) => [pair.ak, pair]));
  }

  updateNamespace(namespace: string, patch: Partial<NamespaceSettings>): void {
    this.overrides.set(namespace, { ...this.overrides.get(namespace), ...structuredClone(patch) });
  }

  // ---- who may authenticate ----

  identities(): IdentityDirectory {
    return this.directory;
  }

  accessKey(ak: string): AccessKeyPair | undefined {
    return this.accessKeyMap.get(ak);
  }

  /** The namespace's AK lockout table, so one test's failed signatures never lock another's key. */
  lockout(namespace: string): AkLockout {
    let lockout = this.lockouts.get(namespace);
    if (lockout) {
      this.lockouts.delete(namespace);
    } else {
      lockout = new AkLockout(this.lockoutOptions);
      if (this.lockouts.size >= MAX_LOCKOUT_NAMESPACES) {
        const oldest = this.lockouts.keys().next();
        if (!oldest.done) this.lockouts.delete(oldest.value);
      }
    }
    this.lockouts.set(namespace, lockout);
    return lockout;
  }

  /** What a signed request in `namespace` is checked against: its namespace's lockout and the server-wide budget. */
  signatureLockout(namespace: string): AkLockoutTable {
    return combineLockouts(this.lockout(namespace), this.serverWideLockout);
  }

  // ---- reset ----

  /**
   * One namespace: its overrides, throttle window, concurrency count and AK lockouts; other namespaces keep theirs.
   * No namespace: everything, and the server settings as configured at start.
   */
  reset(namespace?: string): void {
    if (namespace === undefined) {
      this.overrides.clear();
      this.windows.clear();
      this.concurrency.clear();
      this.lockouts.clear();
      this.serverWideLockout.reset();
      this.updateServer(runtimeSettingsOf(this.config));
      return;
    }
    this.overrides.delete(namespace);
    this.windows.delete(namespace);
    this.concurrency.delete(namespace);
    this.lockouts.delete(namespace);
  }
}
