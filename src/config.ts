/**
 * The one door for configuration: defaults, then an optional JSON file (OCR_MOCK_CONFIG),
 * then environment variables, then programmatic overrides. Validated once, returned frozen.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { API_NAMES } from './apis.js';

const Project = Type.Object({
  id: Type.String({ pattern: '^[0-9a-zA-Z_-]{1,64}$' }),
  name: Type.String({ minLength: 1 }),
});

const Identity = Type.Object({
  domain: Type.String({ minLength: 1 }),
  user: Type.String({ minLength: 1 }),
  password: Type.String({ minLength: 1 }),
  projects: Type.Array(Project, { minItems: 1 }),
});

const AccessKey = Type.Object({
  ak: Type.String({ minLength: 1 }),
  sk: Type.String({ minLength: 1 }),
  /** The domain the key belongs to; it may call any project of that domain's identities. */
  domain: Type.String({ minLength: 1 }),
});

/** The vendor's OCR APIs, as their path segments spell them: the registry's (src/apis.ts). */
const ApiName = Type.Union(API_NAMES.map((api) => Type.Literal(api)));

const Subscriptions = Type.Record(Type.String({ pattern: '^[0-9a-zA-Z_-]{1,64}$' }), Type.Array(ApiName), {
  additionalProperties: false,
});

/**
 * The settings the admin API may change at run time (`PATCH /_mock/config`). Their bounds are here once: the
 * config is checked against them at start and every patch at run time.
 */
export const RuntimeSettingsSchema = Type.Object({
  /** Requests per minute per project before APIG.0308. */
  rateLimitPerMinute: Type.Integer({ minimum: 1 }),
  /** Recognitions in flight per project before ModelArts.4401. */
  maxConcurrentPerProject: Type.Integer({ minimum: 1 }),
  /** Project id → subscribed APIs; a project not listed has subscribed to all of them. */
  subscriptions: Subscriptions,
  identities: Type.Array(Identity, { minItems: 1 }),
  accessKeys: Type.Array(AccessKey),
});
export type RuntimeSettings = Static<typeof RuntimeSettingsSchema>;

/** The runtime settings a namespace may override for itself; the others (who may authenticate) are server-wide. */
export const NAMESPACE_SETTING_KEYS = ['rateLimitPerMinute', 'maxConcurrentPerProject', 'subscriptions'] as const;
export type NamespaceSettings = Pick<RuntimeSettings, (typeof NAMESPACE_SETTING_KEYS)[number]>;

export const ConfigSchema = Type.Object({
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
  /** Largest body of an AK/SK-signed OCR call (the gateway forwards up to 12 MB); more gives ModelArts.4104. */
  bodyLimitBytes: Type.Integer({ minimum: 1024 }),
  /** Largest body of an OCR call with a token (ModelArts takes up to 10 MB); more gives ModelArts.4104. */
  tokenBodyLimitBytes: Type.Integer({ minimum: 1024 }),
  /** A request's headers must arrive within this; else the connection is closed. */
  headersTimeoutMs: Type.Integer({ minimum: 100 }),
  /** A request, headers and body, must arrive within this; else the connection is closed (ModelArts.4104). */
  requestTimeoutMs: Type.Integer({ minimum: 100 }),
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: Type.Integer({ minimum: 100 }),
  /**
   * Recognitions queued or running at once, all namespaces together; past it ModelArts.4401 at once. Per-project
   * limits alone can be bypassed with a new X-Mock-Namespace per request.
   */
  maxQueuedRecognitions: Type.Integer({ minimum: 1 }),
  /** tesseract.js workers in the pool. */
  ocrWorkers: Type.Integer({ minimum: 1, maximum: 16 }),
  /** A recognition that takes longer is abandoned with ModelArts.4402 and its worker replaced. */
  ocrTimeoutMs: Type.Integer({ minimum: 100 }),
  /** Start the OCR workers at boot (true) or on the first request (false). */
  warmup: Type.Boolean(),
  /** HMAC key that signs tokens; replicas sharing it accept each other's tokens. */
  tokenSecret: Type.String({ minLength: 8 }),
  tokenTtlSeconds: Type.Integer({ minimum: 1 }),
  /** On an AK/SK mismatch, also return the server's canonical request and string-to-sign in response headers. */
  debugSignatures: Type.Boolean(),
  /**
   * Which codes answer a missing or unreadable X-Auth-Token: `apig` (the gateway's APIG.0301, what the real region
   * answers first) or `modelarts` (ModelArts.4101–4103, 0203). See src/gateway/token.ts.
   */
  tokenErrors: Type.Union([Type.Literal('apig'), Type.Literal('modelarts')]),
  /** Rate limit, concurrency, subscriptions, identities and access keys: see RuntimeSettingsSchema. */
  ...RuntimeSettingsSchema.properties,
  /** A `url` image must arrive within this time, redirects and body included; else ModelArts.4603. */
  urlTimeoutMs: Type.Integer({ minimum: 10 }),
  /** Redirects followed for a `url` image; one more gives ModelArts.4603. */
  urlMaxRedirects: Type.Integer({ minimum: 0, maximum: 20 }),
  /** Whether `url` may point at loopback addresses (127.0.0.0/8, ::1), e.g. a local fixture server. */
  urlAllowLoopback: Type.Boolean(),
  /** Host names, IP addresses and CIDR ranges a `url` may reach even when private or otherwise refused. */
  urlAllowlist: Type.Array(Type.String({ minLength: 1 })),
  /** Serve the admin API under `/_mock/`; when false its paths answer APIG.0101 like any unknown path. */
  admin: Type.Boolean(),
  /** When not empty, every admin call must send it in `X-Mock-Admin-Token`. */
  adminToken: Type.String(),
  /**
   * Host names (besides IP addresses, `localhost` and names without a dot) the admin API answers to, against DNS
   * rebinding; `*` allows any.
   */
  adminAllowedHosts: Type.Array(Type.String({ minLength: 1 })),
  /** Origins (`scheme://host[:port]`) whose pages may call the admin API besides its own; `*` allows any. */
  adminAllowedOrigins: Type.Array(Type.String({ minLength: 1 })),
  /** Failed IAM logins per minute for one user from one address; more get 429 until the minute ends. */
  iamMaxFailuresPerMinute: Type.Integer({ minimum: 1 }),
  /** Requests the journal keeps (all namespaces together); the oldest are dropped first. */
  journalMaxEntries: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  /** Recognition results kept by image content (0 turns the cache off). */
  resultCacheEntries: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  /** Bound on what the cached results take, as JSON. */
  resultCacheBytes: Type.Integer({ minimum: 0 }),
  /**
   * Where the gateway's and the mock's state lives: `memory` (this process alone) or `redis`, shared by every
   * replica pointed at the same `redisUrl`, so that several behave as one mock (README, "Running several replicas").
   */
  stateStore: Type.Union([Type.Literal('memory'), Type.Literal('redis')]),
  /** The Redis server of `stateStore: "redis"` (`redis://[user:password@]host:port[/db]`); unused in memory. */
  redisUrl: Type.String({ pattern: '^rediss?://' }),
  /**
   * Seeds every random choice (request ids, token ids, fault sampling, delay jitter), so two runs with the same
   * seed and clock answer byte for byte the same. Absent: ids are random.
   */
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
});

export type Config = Static<typeof ConfigSchema>;
export type Identity = Static<typeof Identity>;
export type ProjectRef = Static<typeof Project>;
export type AccessKeyPair = Static<typeof AccessKey>;
export type ApiName = Static<typeof ApiName>;

/** The runtime settings as configured at start (a copy: the admin API changes its own). */
export function runtimeSettingsOf(config: Readonly<Config>): RuntimeSettings {
  const keys = Object.keys(RuntimeSettingsSchema.properties) as (keyof RuntimeSettings)[];
  return structuredClone(Object.fromEntries(keys.map((key) => [key, config[key]]))) as RuntimeSettings;
}

export const DEFAULT_PROJECT = Object.freeze({ id: '0a1b2c3d4e5f60718293a4b5c6d7e8f9', name: 'ae-ad-1' });

/** Public (it is in this file): tokens signed with it are forgeable by anyone, so the server warns beyond loopback. */
export const DEFAULT_TOKEN_SECRET = 'ocr-mock-sandbox-token-secret';

export function defaultConfig(): Config {
  return {
    host: '127.0.0.1',
    port: 8080,
    logLevel: 'info',
    bodyLimitBytes: 12 * 1024 * 1024,
    tokenBodyLimitBytes: 10 * 1024 * 1024,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 10_000,
    maxQueuedRecognitions: 16,
    ocrWorkers: Math.max(1, Math.min(2, availableParallelism())),
    ocrTimeoutMs: 30_000,
    warmup: true,
    tokenSecret: DEFAULT_TOKEN_SECRET,
    tokenTtlSeconds: 24 * 60 * 60,
    identities: [{ domain: 'mock-domain', user: 'mock-user', password: 'mock-password', projects: [{ ...DEFAULT_PROJECT }] }],
    accessKeys: [{ ak: 'OCRMOCKACCESSKEY0001', sk: 'ocrmock-secret-key-0000000000000000000001', domain: 'mock-domain' }],
    debugSignatures: false,
    tokenErrors: 'apig',
    rateLimitPerMinute: 600,
    maxConcurrentPerProject: 8,
    subscriptions: {},
    urlTimeoutMs: 10_000,
    urlMaxRedirects: 5,
    urlAllowLoopback: true,
    urlAllowlist: [],
    admin: true,
    adminToken: '',
    adminAllowedHosts: [],
    adminAllowedOrigins: [],
    iamMaxFailuresPerMinute: 10,
    journalMaxEntries: 5000,
    resultCacheEntries: 500,
    resultCacheBytes: 16 * 1024 * 1024,
    stateStore: 'memory',
    redisUrl: 'redis://127.0.0.1:6379',
  };
}

/** Environment variable → config key. Every one is listed in the README. */
export const ENV_VARIABLES = {
  HOST: 'host',
  PORT: 'port',
  LOG_LEVEL: 'logLevel',
  OCR_MOCK_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  OCR_MOCK_TOKEN_BODY_LIMIT_BYTES: 'tokenBodyLimitBytes',
  OCR_MOCK_HEADERS_TIMEOUT_MS: 'headersTimeoutMs',
  OCR_MOCK_REQUEST_TIMEOUT_MS: 'requestTimeoutMs',
  OCR_MOCK_KEEP_ALIVE_TIMEOUT_MS: 'keepAliveTimeoutMs',
  OCR_MOCK_MAX_QUEUED_RECOGNITIONS: 'maxQueuedRecognitions',
  OCR_MOCK_OCR_WORKERS: 'ocrWorkers',
  OCR_MOCK_OCR_TIMEOUT_MS: 'ocrTimeoutMs',
  OCR_MOCK_WARMUP: 'warmup',
  OCR_MOCK_TOKEN_SECRET: 'tokenSecret',
  OCR_MOCK_TOKEN_TTL_SECONDS: 'tokenTtlSeconds',
  OCR_MOCK_DEBUG_SIGNATURES: 'debugSignatures',
  OCR_MOCK_TOKEN_ERRORS: 'tokenErrors',
  OCR_MOCK_RATE_LIMIT_PER_MINUTE: 'rateLimitPerMinute',
  OCR_MOCK_MAX_CONCURRENT_PER_PROJECT: 'maxConcurrentPerProject',
  OCR_MOCK_URL_TIMEOUT_MS: 'urlTimeoutMs',
  OCR_MOCK_URL_MAX_REDIRECTS: 'urlMaxRedirects',
  OCR_MOCK_URL_ALLOW_LOOPBACK: 'urlAllowLoopback',
  OCR_MOCK_ADMIN: 'admin',
  OCR_MOCK_ADMIN_TOKEN: 'adminToken',
  OCR_MOCK_ADMIN_ALLOWED_HOSTS: 'adminAllowedHosts',
  OCR_MOCK_ADMIN_ALLOWED_ORIGINS: 'adminAllowedOrigins',
  OCR_MOCK_IAM_MAX_FAILURES_PER_MINUTE: 'iamMaxFailuresPerMinute',
  OCR_MOCK_JOURNAL_MAX_ENTRIES: 'journalMaxEntries',
  OCR_MOCK_RESULT_CACHE_ENTRIES: 'resultCacheEntries',
  OCR_MOCK_RESULT_CACHE_BYTES: 'resultCacheBytes',
  OCR_MOCK_STATE_STORE: 'stateStore',
  OCR_MOCK_REDIS_URL: 'redisUrl',
  OCR_MOCK_SEED: 'seed',
} as const satisfies Record<string, keyof Config>;

export const CONFIG_FILE_VARIABLE = 'OCR_MOCK_CONFIG';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function fromEnvironment(env: NodeJS.ProcessEnv): Partial<Record<keyof Config, unknown>> {
  const values: Partial<Record<keyof Config, unknown>> = {};
  for (const [variable, key] of Object.entries(ENV_VARIABLES)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    // Lists of names (admin hosts and origins) are comma-separated in the environment.
    const schema = ConfigSchema.properties[key] as { type?: string; items?: { type?: string } };
    values[key] =
      schema.type === 'array' && schema.items?.type === 'string'
        ? raw
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean)
        : raw;
  }
  return values;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`config file ${path} is not a JSON object: ${(error as Error).message}`);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  overrides?: Partial<Config>;
  /** Replace some built-in defaults (below the config file and the environment), e.g. a quieter log level. */
  defaults?: Partial<Config>;
}

export function loadConfig({ env = process.env, overrides = {}, defaults = {} }: LoadConfigOptions = {}): Readonly<Config> {
  const filePath = env[CONFIG_FILE_VARIABLE];
  const merged: Record<string, unknown> = {
    ...defaultConfig(),
    ...defaults,
    ...(filePath ? readConfigFile(filePath) : {}),
    ...fromEnvironment(env),
    ...overrides,
  };
  const unknownKeys = Object.keys(merged).filter((key) => !(key in ConfigSchema.properties));
  if (unknownKeys.length > 0) throw new ConfigError(`unknown config keys: ${unknownKeys.join(', ')}`);
  // Cloned so that freezing never reaches the caller's objects (overrides are often shared test constants).
  const converted = Value.Convert(ConfigSchema, structuredClone(merged));
  if (!Value.Check(ConfigSchema, converted)) {
    const problems = [...Value.Errors(ConfigSchema, converted)].map((e) => `${e.path || '/'}: ${e.message}`);
    throw new ConfigError(`invalid config: ${problems.join('; ')}`);
  }
  return deepFreeze(converted);
}
