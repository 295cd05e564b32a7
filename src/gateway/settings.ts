/**
 * The gateway's runtime settings: the server's (namespace defaults, and who may authenticate) and each namespace's
 * overrides. `SettingsStore` is what the gateway asks; `MemorySettings` keeps them in this process, the Redis store
 * (src/store/redis-gateway.ts) shares them between replicas. A request reads them once, as a `GatewayView`.
 */
import { NAMESPACE_SETTING_KEYS, runtimeSettingsOf, type AccessKeyPair, type Config, type NamespaceSettings, type RuntimeSettings } from '../config.js';
import type { MaybePromise } from '../store/store.js';
import { IdentityDirectory } from './identities.js';

/** Settings of the whole server: the namespace ones' defaults, and who may authenticate (IAM has no namespace). */
export type ServerSettings = RuntimeSettings;
export type { NamespaceSettings };

/** What one request sees: its namespace's settings and who may authenticate. */
export interface GatewayView {
  settings: NamespaceSettings;
  identities: IdentityDirectory;
  accessKey(ak: string): AccessKeyPair | undefined;
}

export interface SettingsStore {
  view(namespace: string): MaybePromise<GatewayView>;
  server(): MaybePromise<ServerSettings>;
  /** Only the keys given change; identities and access keys are replaced as whole lists. */
  updateServer(patch: Partial<ServerSettings>): MaybePromise<void>;
  updateNamespace(namespace: string, patch: Partial<NamespaceSettings>): MaybePromise<void>;
  /** One namespace's overrides, or all of them and the server's settings as configured at start. */
  reset(namespace?: string): MaybePromise<void>;
}

/** A namespace's overrides over the server's settings. */
export function namespaceSettings(server: ServerSettings, overrides: Partial<NamespaceSettings> | undefined): NamespaceSettings {
  return Object.fromEntries(NAMESPACE_SETTING_KEYS.map((key) => [key, overrides?.[key] ?? server[key]])) as NamespaceSettings;
}

/** Who may authenticate, indexed once per change of the server settings rather than per request. */
export class Credentials {
  readonly identities: IdentityDirectory;
  private readonly accessKeys: Map<string, AccessKeyPair>;

  constructor(server: ServerSettings) {
    this.identities = new IdentityDirectory(server.identities);
    this.accessKeys = new Map(server.accessKeys.map((pair) => [pair.ak, pair]));
  }

  readonly accessKey = (ak: string): AccessKeyPair | undefined => this.accessKeys.get(ak);

  view(settings: NamespaceSettings): GatewayView {
    return { settings, identities: this.identities, accessKey: this.accessKey };
  }
}

export class MemorySettings implements SettingsStore {
  private current: ServerSettings;
  private credentials: Credentials;
  /** What every namespace without overrides sees: built once per change, not per request (it is read-only). */
  private defaultView: GatewayView;
  private readonly overrides = new Map<string, Partial<NamespaceSettings>>();

  constructor(private readonly config: Readonly<Config>) {
    this.current = runtimeSettingsOf(config);
    this.credentials = new Credentials(this.current);
    this.defaultView = this.credentials.view(namespaceSettings(this.current, undefined));
  }

  view(namespace: string): GatewayView {
    const overrides = this.overrides.get(namespace);
    return overrides ? this.credentials.view(namespaceSettings(this.current, overrides)) : this.defaultView;
  }

  server(): ServerSettings {
    return structuredClone(this.current);
  }

  updateServer(patch: Partial<ServerSettings>): void {
    this.current = { ...this.current, ...structuredClone(patch) };
    this.credentials = new Credentials(this.current);
    this.defaultView = this.credentials.view(namespaceSettings(this.current, undefined));
  }

  updateNamespace(namespace: string, patch: Partial<NamespaceSettings>): void {
    this.overrides.set(namespace, { ...this.overrides.get(namespace), ...structuredClone(patch) });
  }

  reset(namespace?: string): void {
    if (namespace !== undefined) {
      this.overrides.delete(namespace);
      return;
    }
    this.overrides.clear();
    this.updateServer(runtimeSettingsOf(this.config));
  }
}
