/**
 * A typed client for the admin API, with the same verbs as its HTTP routes. It drives a server started in-process
 * (`startMockServer().admin`), one running elsewhere (`new AdminClient('http://localhost:8080')`, e.g. in Docker),
 * or an app under `inject` (`AdminClient.forApp(app)`): one interface, one set of semantics, always over the
 * admin API itself. Also the msw-like words `use` and `resetHandlers`.
 *
 * `client.namespace('file-a')` gives a client scoped to that namespace, with `headers` to send on vendor calls.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AdminErrorView, ConfigPatch, ConfigView, FaultSpecInput, FaultView, JournalEntryView, StubView } from '../mock/admin-schemas.js';

export type { ConfigPatch, ConfigView, FaultView as Fault, JournalEntryView as JournalEntry, StubView as Stub } from '../mock/admin-schemas.js';
export type FaultSpec = FaultSpecInput;

export const ADMIN_PATH = '/_mock';
export const NAMESPACE_HEADER_NAME = 'X-Mock-Namespace';
export const ADMIN_TOKEN_HEADER_NAME = 'X-Mock-Admin-Token';

export interface JournalQuery {
  method?: string;
  path?: string;
  project?: string;
  api?: string;
  authMethod?: 'token' | 'aksk';
  status?: number;
  errorCode?: string;
  imageSha256?: string;
  limit?: number;
}

/** A stub by image: its bytes, the base64 a request would carry, or its SHA-256. */
export interface StubInput {
  api: string;
  image?: Uint8Array | string;
  imageSha256?: string;
  result: Record<string, unknown>;
}

/** What `use()` takes: made by `fault()` and `stub()`. */
export type Handler = { kind: 'fault'; spec: FaultSpec } | { kind: 'stub'; spec: StubInput };
export const fault = (spec: FaultSpec): Handler => ({ kind: 'fault', spec });
export const stub = (spec: StubInput): Handler => ({ kind: 'stub', spec });

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path and query, e.g. `/_mock/faults?namespace=a`. */
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}
export type Transport = (request: TransportRequest) => Promise<{ status: number; body: unknown }>;

/** An admin call that was refused; `code` is the admin error code (`bad-request`, `not-found`, …). */
export class AdminApiError extends Error {
  override name = 'AdminApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AdminClientOptions {
  /** Scope every call to this namespace. */
  namespace?: string;
  /** The server's `adminToken`, when it has one. */
  token?: string;
  /** How calls travel; defaults to `fetch` against the URL. */
  transport?: Transport;
}

function fetchTransport(baseUrl: string): Transport {
  const base = baseUrl.replace(/\/+$/, '');
  return async ({ method, path, headers, body }) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
}

/** Admin calls through `app.inject`, for tests that build the app without listening. */
export function injectTransport(app: FastifyInstance): Transport {
  return async ({ method, path, headers, body }) => {
    const response = await app.inject({ method, url: path, headers, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: response.statusCode, body: response.body === '' ? undefined : response.json() };
  };
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class AdminClient {
  private readonly transport: Transport;
  private readonly token: string | undefined;
  /** The namespace this client is scoped to; undefined for the global scope. */
  readonly namespaceName: string | undefined;

  constructor(url: string, options?: AdminClientOptions);
  constructor(url: string | undefined, options: AdminClientOptions & { transport: Transport });
  constructor(url: string | undefined, options: AdminClientOptions = {}) {
    if (!options.transport && url === undefined) throw new TypeError('AdminClient needs a URL or a transport');
    this.transport = options.transport ?? fetchTransport(url as string);
    this.token = options.token;
    this.namespaceName = options.namespace;
  }

  /** A client for an app under test that does not listen (`buildApp`), through `inject`. */
  static forApp(app: FastifyInstance, options: Omit<AdminClientOptions, 'transport'> = {}): AdminClient {
    return new AdminClient(undefined, { ...options, transport: injectTransport(app) });
  }

  /** The same server, scoped to `name`: its journal, faults, stubs, settings and reset touch only that namespace. */
  namespace(name: string): AdminClient {
    return new AdminClient(undefined, { transport: this.transport, namespace: name, ...(this.token ? { token: this.token } : {}) });
  }

  /** Headers to send on vendor requests so they land in this client's namespace (empty for the global scope). */
  get headers(): Record<string, string> {
    return this.namespaceName === undefined ? {} : { [NAMESPACE_HEADER_NAME]: this.namespaceName };
  }

  // ---- journal ----

  async journal(query: JournalQuery = {}): Promise<JournalEntryView[]> {
    const params = Object.fromEntries(
      Object.entries(query)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    return (await this.call<{ entries: JournalEntryView[] }>('GET', '/journal', params)).entries;
  }

  async clearJournal(): Promise<number> {
    return (await this.call<{ removed: number }>('DELETE', '/journal')).removed;
  }

  // ---- faults ----

  async addFault(spec: FaultSpec): Promise<FaultView> {
    return this.call<FaultView>('POST', '/faults', {}, spec);
  }

  async faults(): Promise<FaultView[]> {
    return (await this.call<{ faults: FaultView[] }>('GET', '/faults')).faults;
  }

  async removeFault(id: string): Promise<void> {
    await this.call('DELETE', `/faults/${encodeURIComponent(id)}`);
  }

  async clearFaults(): Promise<number> {
    return (await this.call<{ removed: number }>('DELETE', '/faults')).removed;
  }

  // ---- stubs ----

  async addStub(input: StubInput): Promise<StubView> {
    const { api, image, imageSha256, result } = input;
    // Base64 goes to the server, which decodes it exactly as the OCR routes will; bytes are hashed here.
    const key = typeof image === 'string' ? { image } : image !== undefined ? { imageSha256: sha256Of(image) } : { imageSha256 };
    return this.call<StubView>('POST', '/stubs', {}, { api, ...key, result });
  }

  async stubs(): Promise<StubView[]> {
    return (await this.call<{ stubs: StubView[] }>('GET', '/stubs')).stubs;
  }

  async removeStub(id: string): Promise<void> {
    await this.call('DELETE', `/stubs/${encodeURIComponent(id)}`);
  }

  async clearStubs(): Promise<number> {
    return (await this.call<{ removed: number }>('DELETE', '/stubs')).removed;
  }

  // ---- runtime settings ----

  async config(): Promise<ConfigView> {
    return this.call<ConfigView>('GET', '/config');
  }

  async updateConfig(patch: ConfigPatch): Promise<ConfigView> {
    return this.call<ConfigView>('PATCH', '/config', {}, patch);
  }

  // ---- reset, and msw's words ----

  /** This namespace's state (or, unscoped, the whole server's) back to how it started. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  /** Adds faults and stubs, in order (msw: `server.use(...)`). */
  async use(...handlers: Handler[]): Promise<Array<FaultView | StubView>> {
    const added: Array<FaultView | StubView> = [];
    for (const handler of handlers) added.push(handler.kind === 'fault' ? await this.addFault(handler.spec) : await this.addStub(handler.spec));
    return added;
  }

  /** Removes this scope's faults and stubs, keeping its journal and settings (msw: `server.resetHandlers()`). */
  async resetHandlers(): Promise<void> {
    await this.clearFaults();
    await this.clearStubs();
  }

  private async call<T = unknown>(method: TransportRequest['method'], path: string, query: Record<string, string> = {}, body?: unknown): Promise<T> {
    const params = new URLSearchParams({ ...query, ...(this.namespaceName !== undefined ? { namespace: this.namespaceName } : {}) });
    const search = params.size > 0 ? `?${params.toString()}` : '';
    const headers: Record<string, string> = this.token ? { [ADMIN_TOKEN_HEADER_NAME]: this.token } : {};
    const response = await this.transport({ method, path: `${ADMIN_PATH}${path}${search}`, headers, ...(body === undefined ? {} : { body }) });
    if (response.status >= 400) {
      // A vendor envelope here means the admin API is switched off (APIG.0101).
      const error = response.body as (Partial<AdminErrorView> & { error_code?: string; error_msg?: string }) | undefined;
      const code = error?.error ?? error?.error_code ?? 'unknown';
      throw new AdminApiError(response.status, code, error?.message ?? error?.error_msg ?? `admin call failed with HTTP ${response.status}`);
    }
    return response.body as T;
  }
}
