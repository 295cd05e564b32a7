/**
 * The admin API's request and response schemas: validation, serialisation, and the typed client's types all come
 * from these. Admin JSON is camelCase; it is ocr-mock's own API, not the vendor's.
 */
import { Type, type Static } from '@sinclair/typebox';
import { RuntimeSettingsSchema } from '../config.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors/catalogue.js';
import { MAX_DELAY_MS } from './scenario.js';
import { ADMIN_ERRORS, type AdminErrorCode } from './admin-errors.js';
import { NAMESPACE_PATTERN } from './namespace.js';

const closed = { additionalProperties: false } as const;

export const NamespaceName = Type.String({ pattern: NAMESPACE_PATTERN.source, description: 'A namespace name' });
const Sha256 = Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'Hex SHA-256 of the decoded image bytes' });
/** Query strings are never coerced (ajv's coerceTypes is off for the vendor routes' sake), so numbers are read here. */
const Digits = Type.String({ pattern: '^[0-9]{1,9}$' });

export const ErrorCodeSchema = Type.Union(
  (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).map((code) => Type.Literal(code)),
  { description: 'A code of the vendor error catalogue' },
);

export const AdminErrorSchema = Type.Object(
  {
    error: Type.Union((Object.keys(ADMIN_ERRORS) as AdminErrorCode[]).map((code) => Type.Literal(code))),
    message: Type.String(),
  },
  { description: 'An admin API error (never a vendor envelope)' },
);

export const adminErrorResponses = { '4xx': AdminErrorSchema, '5xx': AdminErrorSchema } as const;

export const ScopeQuery = Type.Object({ namespace: Type.Optional(NamespaceName) }, closed);

// ---- journal ----

export const JournalEntrySchema = Type.Object({
  requestId: Type.String(),
  time: Type.String(),
  method: Type.String(),
  path: Type.String(),
  namespace: Type.String(),
  project: Type.Union([Type.String(), Type.Null()]),
  api: Type.Union([Type.String(), Type.Null()]),
  authMethod: Type.Union([Type.Literal('token'), Type.Literal('aksk'), Type.Null()]),
  status: Type.Union([Type.Integer(), Type.Null()]),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  latencyMs: Type.Number(),
  imageSha256: Type.Union([Type.String(), Type.Null()]),
  forcedBy: Type.Union([Type.String(), Type.Null()]),
  dropped: Type.Boolean(),
});

export const JournalQuery = Type.Object(
  {
    namespace: Type.Optional(NamespaceName),
    method: Type.Optional(Type.String({ minLength: 1 })),
    path: Type.Optional(Type.String({ minLength: 1 })),
    project: Type.Optional(Type.String({ minLength: 1 })),
    api: Type.Optional(Type.String({ minLength: 1 })),
    authMethod: Type.Optional(Type.Union([Type.Literal('token'), Type.Literal('aksk')])),
    status: Type.Optional(Digits),
    errorCode: Type.Optional(Type.String({ minLength: 1 })),
    imageSha256: Type.Optional(Sha256),
    limit: Type.Optional(Digits),
  },
  closed,
);

export const JournalList = Type.Object({ entries: Type.Array(JournalEntrySchema) });
export const Removed = Type.Object({ removed: Type.Integer() });

// ---- faults ----

const FaultMatchSchema = Type.Object(
  {
    api: Type.Optional(Type.String({ minLength: 1 })),
    project: Type.Optional(Type.String({ minLength: 1 })),
    imageSha256: Type.Optional(Sha256),
  },
  closed,
);

const faultProperties = {
  match: Type.Optional(FaultMatchSchema),
  error: Type.Optional(ErrorCodeSchema),
  delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS })),
  jitterMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS })),
  drop: Type.Optional(Type.Boolean()),
  times: Type.Optional(Type.Integer({ minimum: 1 })),
  probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
};

export const FaultSpecSchema = Type.Object(faultProperties, closed);
export const FaultSchema = Type.Object({ id: Type.String(), hits: Type.Integer(), ...faultProperties });
export const FaultList = Type.Object({ faults: Type.Array(FaultSchema) });
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

// ---- stubs ----

export const StubSpecSchema = Type.Object(
  {
    api: Type.String({ minLength: 1 }),
    imageSha256: Type.Optional(Sha256),
    image: Type.Optional(Type.String({ minLength: 1, description: 'Base64 of the image; its SHA-256 is taken' })),
    result: Type.Object({}, { additionalProperties: true, description: "The API's `result` object" }),
  },
  closed,
);

export const StubSchema = Type.Object({
  id: Type.String(),
  hits: Type.Integer(),
  api: Type.String(),
  imageSha256: Type.String(),
  result: Type.Object({}, { additionalProperties: true }),
});
export const StubList = Type.Object({ stubs: Type.Array(StubSchema) });

// ---- runtime settings ----

/** Any of the runtime settings, with the bounds the config has at start (src/config.ts). */
export const ConfigPatchSchema = Type.Partial(Type.Object(RuntimeSettingsSchema.properties, closed));

/** Secrets (passwords, SKs) are never read back. */
export const ConfigViewSchema = Type.Object({
  namespace: Type.Union([NamespaceName, Type.Null()]),
  rateLimitPerMinute: Type.Integer(),
  maxConcurrentPerProject: Type.Integer(),
  subscriptions: Type.Record(Type.String(), Type.Array(Type.String())),
  identities: Type.Optional(
    Type.Array(
      Type.Object({
        domain: Type.String(),
        user: Type.String(),
        projects: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
      }),
    ),
  ),
  accessKeys: Type.Optional(Type.Array(Type.Object({ ak: Type.String(), domain: Type.String() }))),
});

export const ResetResult = Type.Object({ reset: Type.Union([NamespaceName, Type.Literal('*')]) });

export type JournalEntryView = Static<typeof JournalEntrySchema>;
export type FaultSpecInput = Static<typeof FaultSpecSchema>;
export type FaultView = Static<typeof FaultSchema>;
export type StubView = Static<typeof StubSchema>;
export type ConfigPatch = Static<typeof ConfigPatchSchema>;
export type ConfigView = Static<typeof ConfigViewSchema>;
export type AdminErrorView = Static<typeof AdminErrorSchema>;
