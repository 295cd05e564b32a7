/**
 * Everything the admin API holds, scoped by namespace, plus the runtime settings it may change. No fastify here:
 * the gateway and the admin routes both call into this one object, so what a test sets is what requests see.
 *
 * Scopes: each namespace has its own faults, stubs and setting overrides; the global scope (admin calls without a
 * namespace) holds faults and stubs that apply to every namespace after its own, and the server-wide settings.
 */
import { IdentityDirectory } from '../auth/identities.js';
import { AkFailureBudget, AkLockout, combineLockouts, type AkLockoutTable } from '../auth/signature.js';
import type { AccessKeyPair, Config, Identity } from '../config.js';
import { FaultBook, type Fault, type FaultPhase, type FaultSpec, type RequestFacts } from '../scenario/faults.js';
import { StubBook, type Stub, type StubSpec } from '../scenario/stubs.js';
import { ConcurrencyLimiter } from '../throttle/concurrency.js';
import { FixedWindowCounter } from '../throttle/fixed-window.js';
import { Journal } from './journal.js';

export type Subscriptions = Readonly<Record<string, readonly string[]>>;

/** Settings a namespace may override for itself. */
export interface NamespaceSettings {
  rateLimitPerMinute: number;
  maxConcurrentPerProject: number;
  subscriptions: Subscriptions;
}

/** Settings of the whole server: the namespace ones' defaults, and who may authenticate (IAM has no namespace). */
export interface ServerSettings extends NamespaceSettings {
  identities: readonly Identity[];
  accessKeys: readonly AccessKeyPair[];
}

export const NAMESPACE_SETTING_KEYS = ['rateLimitPerMinute', 'maxConcurrentPerProject', 'subscriptions'] as const;

interface Scope {
  faults: FaultBook;
  stubs: StubBook;
  overrides: Partial<NamespaceSettings>;
}

const newScope = (): Scope => ({ faults: new FaultBook(), stubs: new StubBook(), overrides: {} });

export interface LockoutOptions {
  maxFailures: number;
  lockMs: number;
}

/** Lockout tables kept at once; the least recently used namespace's table goes first past this. */
const MAX_LOCKOUT_NAMESPACES = 1000;

/**
 * Signature failures of one AK, all namespaces together, that lock it everywhere: ten namespaces' worth of the
 * gateway's five, in five minutes. Tests that fail on purpose stay far below it; rotating namespaces does not.
 */
export const SERVER_WIDE_LOCKOUT = { maxFailures: 50, windowMs: 5 * 60_000, lockMs: 5 * 60_000 } as const;

function serverSettingsOf(config: Readonly<Config>): ServerSettings {
  return structuredClone({
    rateLimitPerMinute: config.rateLimitPerMinute,
    maxConcurrentPerProject: config.maxConcurrentPerProject,
    subscriptions: config.subscriptions,
    identities: config.identities,
    accessKeys: config.accessKeys,
  });
}

export class MockState {
  readonly journal: Journal;
  /** Per-minute windows by namespace; the rate-limit store reads and writes these. */
  readonly windows = new FixedWindowCounter();
  readonly concurrency: ConcurrencyLimiter;

  private server: ServerSettings;
  private directory: IdentityDirectory;
  private accessKeyMap: Map<string, AccessKeyPair>;
  private readonly global: Scope = newScope();
  private readonly scopes = new Map<string, Scope>();
  private readonly lockouts = new Map<string, AkLockout>();
  private readonly serverWideLockout = new AkFailureBudget(SERVER_WIDE_LOCKOUT);
  private nextId = 1;

  constructor(
    private readonly config: Readonly<Config>,
    private readonly lockoutOptions: LockoutOptions,
  ) {
    this.journal = new Journal(config.journalMaxEntries);
    this.concurrency = new ConcurrencyLimiter((namespace) => this.settings(namespace).maxConcurrentPerProject);
    this.server = serverSettingsOf(config);
    this.directory = new IdentityDirectory(this.server.identities);
    this.accessKeyMap = new Map(this.server.accessKeys.map((pair) => [pair.ak, pair]));
  }

  // ---- settings ----

  /** The settings requests in `namespace` see: its overrides over the server's. */
  settings(namespace: string): NamespaceSettings {
    const overrides = this.scopes.get(namespace)?.overrides ?? {};
    return {
      rateLimitPerMinute: overrides.rateLimitPerMinute ?? this.server.rateLimitPerMinute,
      maxConcurrentPerProject: overrides.maxConcurrentPerProject ?? this.server.maxConcurrentPerProject,
      subscriptions: overrides.subscriptions ?? this.server.subscriptions,
    };
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
    const scope = this.scope(namespace);
    scope.overrides = { ...scope.overrides, ...structuredClone(patch) };
  }

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

  // ---- faults and stubs; `namespace` undefined means the global scope ----

  addFault(namespace: string | undefined, spec: FaultSpec): Fault {
    return this.scopeOf(namespace).faults.add(spec, `fault-${this.nextId++}`);
  }

  faults(namespace: string | undefined): Fault[] {
    return this.peekScope(namespace)?.faults.list() ?? [];
  }

  removeFault(namespace: string | undefined, id: string): boolean {
    return this.peekScope(namespace)?.faults.remove(id) ?? false;
  }

  clearFaults(namespace: string | undefined): number {
    return this.peekScope(namespace)?.faults.clear() ?? 0;
  }

  /** The namespace's own faults first, then the global ones. */
  takeFault(namespace: string, facts: RequestFacts, phase: FaultPhase, sample: () => number): Fault | undefined {
    return this.scopes.get(namespace)?.faults.take(facts, phase, sample) ?? this.global.faults.take(facts, phase, sample);
  }

  addStub(namespace: string | undefined, spec: StubSpec): Stub {
    return this.scopeOf(namespace).stubs.add(spec, `stub-${this.nextId++}`);
  }

  stubs(namespace: string | undefined): Stub[] {
    return this.peekScope(namespace)?.stubs.list() ?? [];
  }

  removeStub(namespace: string | undefined, id: string): boolean {
    return this.peekScope(namespace)?.stubs.remove(id) ?? false;
  }

  clearStubs(namespace: string | undefined): number {
    return this.peekScope(namespace)?.stubs.clear() ?? 0;
  }

  takeStub(namespace: string, api: string, imageSha256: string): Stub | undefined {
    return this.scopes.get(namespace)?.stubs.take(api, imageSha256) ?? this.global.stubs.take(api, imageSha256);
  }

  // ---- reset ----

  /**
   * One namespace: its journal entries, faults, stubs, overrides, throttle window, concurrency count and AK
   * lockouts; other namespaces keep theirs. No namespace: everything, and the server settings as configured at start.
   */
  reset(namespace?: string): void {
    this.journal.clear(namespace);
    if (namespace === undefined) {
      this.scopes.clear();
      this.global.faults.clear();
      this.global.stubs.clear();
      this.windows.clear();
      this.concurrency.clear();
      this.lockouts.clear();
      this.serverWideLockout.reset();
      this.updateServer(serverSettingsOf(this.config));
      return;
    }
    this.scopes.delete(namespace);
    this.windows.delete(namespace);
    this.concurrency.delete(namespace);
    this.lockouts.delete(namespace);
  }

  private scopeOf(namespace: string | undefined): Scope {
    return namespace === undefined ? this.global : this.scope(namespace);
  }

  private peekScope(namespace: string | undefined): Scope | undefined {
    return namespace === undefined ? this.global : this.scopes.get(namespace);
  }

  private scope(namespace: string): Scope {
    let scope = this.scopes.get(namespace);
    if (!scope) {
      scope = newScope();
      this.scopes.set(namespace, scope);
    }
    return scope;
  }
}
