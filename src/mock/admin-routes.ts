/**
 * The admin API under `/_mock/`, apart from the vendor paths (as WireMock keeps `/__admin`): the journal, faults,
 * stubs, runtime settings and reset. Every call may name a namespace (`?namespace=` or `X-Mock-Namespace`);
 * without one it addresses the global scope (see src/mock/mock-state.ts). Routes are thin: validate, call the state,
 * answer. Errors have the admin shape `{"error", "message"}` (src/mock/admin-errors.ts), never a vendor envelope.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyError, FastifyRequest } from 'fastify';
import { AdminError } from './admin-errors.js';
import { adminRefusal, type AdminGuardOptions } from './admin-guard.js';
import type { JournalFilter } from './journal.js';
import { isNamespace, NAMESPACE_HEADER } from './namespace.js';
import {
  adminErrorResponses,
  ConfigPatchSchema,
  ConfigViewSchema,
  FaultList,
  FaultSchema,
  FaultSpecSchema,
  IdParams,
  JournalList,
  JournalQuery,
  Removed,
  ResetResult,
  ScopeQuery,
  StubList,
  StubSchema,
  StubSpecSchema,
  type ConfigView,
} from './admin-schemas.js';
import { NAMESPACE_SETTING_KEYS } from '../config.js';
import type { GatewayState, ServerSettings } from '../gateway/gateway-state.js';
import { StoreUnavailableError } from '../store/store.js';
import type { MockState } from './mock-state.js';
import { ApiError } from '../errors/catalogue.js';
import { sha256Hex } from './outcomes.js';
import { decodeBase64Image } from '../image/intake.js';

export const ADMIN_PREFIX = '/_mock';

/** A path under the admin API's prefix (query and all). */
export function isAdminPath(url: string): boolean {
  return url === ADMIN_PREFIX || /^\/_mock[/?#]/.test(url);
}
export const ADMIN_TOKEN_HEADER = 'x-mock-admin-token';

export interface AdminRouteOptions {
  /** The gateway's runtime settings (rate limit, concurrency, subscriptions, identities, access keys). */
  gateway: GatewayState;
  /** The journal, faults and stubs. */
  mock: MockState;
  /** When not empty, required in X-Mock-Admin-Token. */
  token: string;
  /** The OCR APIs and their result schemas: stubs are checked against them, so a stub can never break a response. */
  results: ReadonlyMap<string, TObject>;
  /** Hosts and origins allowed besides the defaults (src/mock/admin-guard.ts). */
  guard: AdminGuardOptions;
  /** Body limit of `POST /stubs`, which may carry an image; every other admin route takes small bodies. */
  stubBodyLimit: number;
}

const tags = ['Mock admin'];

function tokenMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `?namespace=` or `X-Mock-Namespace`; neither is the global scope. Two different names are refused. */
function scopeOf(request: FastifyRequest): string | undefined {
  const fromQuery = (request.query as { namespace?: string } | undefined)?.namespace;
  const header = request.headers[NAMESPACE_HEADER];
  if (header === undefined) return fromQuery;
  if (typeof header !== 'string' || !isNamespace(header)) {
    throw new AdminError('bad-request', `${NAMESPACE_HEADER} is not a valid namespace name`);
  }
  if (fromQuery !== undefined && fromQuery !== header) {
    throw new AdminError('bad-request', `?namespace=${fromQuery} and ${NAMESPACE_HEADER}: ${header} disagree`);
  }
  return header;
}

async function configView(state: GatewayState, namespace: string | undefined): Promise<ConfigView> {
  if (namespace !== undefined) return { namespace, ...structuredClone((await state.settings.view(namespace)).settings) } as ConfigView;
  const server = await state.settings.server();
  return {
    namespace: null,
    ...server,
    // Secrets are never read back.
    identities: server.identities.map(({ domain, user, projects }) => ({ domain, user, projects })),
    accessKeys: server.accessKeys.map(({ ak, domain }) => ({ ak, domain })),
  };
}

export const adminRoutes: FastifyPluginAsyncTypebox<AdminRouteOptions> = async (app, { gateway, mock, token, results, guard, stubBodyLimit }) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let adminError: AdminError;
    if (error instanceof AdminError) adminError = error;
    else if (error.validation) adminError = new AdminError('bad-request', `${error.validationContext ?? 'request'} ${error.message}`);
    else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) adminError = new AdminError('bad-request', error.message);
    else if (error instanceof StoreUnavailableError) {
      request.log.warn({ err: error }, 'admin API: the state store is unreachable');
      adminError = new AdminError('store-unavailable', `${error.dependency} is unreachable; the call changed nothing it could not write`);
    } else {
      request.log.error({ err: error }, 'admin API failed');
      adminError = new AdminError('internal');
    }
    return reply.code(adminError.status).send(adminError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new AdminError('not-found', `no admin route ${request.method} ${request.url.split('?')[0]}`);
    return reply.code(error.status).send(error.toBody());
  });

  // Before the body is read: a page of another site (or a rebound name), a non-JSON body, then the token.
  app.addHook('onRequest', async (request) => {
    const { host, origin } = request.headers;
    const refusal = adminRefusal(
      {
        host,
        origin,
        'sec-fetch-site': request.headers['sec-fetch-site'] as string | undefined,
        'content-type': request.headers['content-type'],
        'content-length': request.headers['content-length'],
        'transfer-encoding': request.headers['transfer-encoding'],
      },
      guard,
    );
    if (refusal) {
      request.log.warn({ host, origin, error: refusal.code }, refusal.message);
      throw refusal;
    }
    if (token !== '' && !tokenMatches(request.headers[ADMIN_TOKEN_HEADER], token)) throw new AdminError('unauthorized');
    // Unknown admin paths are answered here, before any body is read.
    if (request.is404) throw new AdminError('not-found', `no admin route ${request.method} ${request.url.split('?')[0]}`);
  });
  app.addHook('preValidation', async (request) => {
    // The app's JSON parser holds a parse failure for the vendor routes' sake; here it is simply a bad request.
    if (request.bodyError && request.routeOptions.schema?.body) throw new AdminError('bad-request', 'the body is not valid JSON');
  });

  const knownApi = (api: string) => {
    if (!results.has(api)) throw new AdminError('bad-request', `unknown API "${api}"; known: ${[...results.keys()].join(', ')}`);
  };

  // ---- journal ----

  app.get('/journal', { schema: { hide: true, tags, querystring: JournalQuery, response: { 200: JournalList, ...adminErrorResponses } } }, async (request) => {
    const { status, limit, ...rest } = request.query;
    const namespace = scopeOf(request);
    const filter: JournalFilter = {
      ...rest,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(status !== undefined ? { status: Number(status) } : {}),
      ...(limit !== undefined ? { limit: Number(limit) } : {}),
    };
    return { entries: await mock.journal.list(filter) };
  });

  app.delete('/journal', { schema: { hide: true, tags, querystring: ScopeQuery, response: { 200: Removed, ...adminErrorResponses } } }, async (request) => ({
    removed: await mock.journal.clear(scopeOf(request)),
  }));

  // ---- faults and stubs: cleared and removed alike ----

  for (const [kind, singular] of [
    ['faults', 'fault'],
    ['stubs', 'stub'],
  ] as const) {
    app.delete(`/${kind}`, { schema: { hide: true, tags, querystring: ScopeQuery, response: { 200: Removed, ...adminErrorResponses } } }, async (request) => ({
      removed: await mock[kind].clear(scopeOf(request)),
    }));

    app.delete(`/${kind}/:id`, { schema: { hide: true, tags, params: IdParams, querystring: ScopeQuery, response: { 200: Removed, ...adminErrorResponses } } }, async (request) => {
      if (!(await mock[kind].remove(scopeOf(request), request.params.id))) throw new AdminError('not-found', `no ${singular} ${request.params.id} in this scope`);
      return { removed: 1 };
    });
  }

  // ---- faults ----

  app.get('/faults', { schema: { hide: true, tags, querystring: ScopeQuery, response: { 200: FaultList, ...adminErrorResponses } } }, async (request) => ({
    faults: await mock.faults.list(scopeOf(request)),
  }));

  app.post(
    '/faults',
    { schema: { hide: true, tags, querystring: ScopeQuery, body: FaultSpecSchema, response: { 201: FaultSchema, ...adminErrorResponses } } },
    async (request, reply) => {
      const spec = request.body;
      if (spec.error === undefined && !spec.drop && !spec.delayMs && !spec.jitterMs) {
        throw new AdminError('bad-request', 'a fault needs at least one of error, delayMs, jitterMs or drop');
      }
      if (spec.match?.api !== undefined) knownApi(spec.match.api);
      return reply.code(201).send(await mock.faults.add(scopeOf(request), spec));
    },
  );

  // ---- stubs ----

  app.get('/stubs', { schema: { hide: true, tags, querystring: ScopeQuery, response: { 200: StubList, ...adminErrorResponses } } }, async (request) => ({
    stubs: await mock.stubs.list(scopeOf(request)),
  }));

  app.post(
    '/stubs',
    {
      bodyLimit: stubBodyLimit,
      schema: { hide: true, tags, querystring: ScopeQuery, body: StubSpecSchema, response: { 201: StubSchema, ...adminErrorResponses } },
    },
    async (request, reply) => {
      const { api, image, imageSha256, result } = request.body;
      knownApi(api);
      if ((image === undefined) === (imageSha256 === undefined)) throw new AdminError('bad-request', 'give exactly one of image and imageSha256');
      let hash = imageSha256;
      if (image !== undefined) {
        try {
          // The same decoding as the OCR routes, so the hash is the one a request with this base64 will have.
          hash = sha256Hex(decodeBase64Image(image));
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          throw new AdminError('bad-request', `image is not base64 the OCR routes accept (${error.code})`);
        }
      }
      const schema = results.get(api) as TObject;
      if (!Value.Check(schema, result)) {
        const first = Value.Errors(schema, result).First();
        throw new AdminError('bad-request', `result does not fit the ${api} result schema: ${first?.path || '/'} ${first?.message ?? ''}`.trim());
      }
      return reply.code(201).send(await mock.stubs.add(scopeOf(request), { api, imageSha256: hash as string, result }));
    },
  );

  // ---- runtime settings ----

  app.get('/config', { schema: { hide: true, tags, querystring: ScopeQuery, response: { 200: ConfigViewSchema, ...adminErrorResponses } } }, async (request) =>
    configView(gateway, scopeOf(request)),
  );

  app.patch(
    '/config',
    { schema: { hide: true, tags, querystring: ScopeQuery, body: ConfigPatchSchema, response: { 200: ConfigViewSchema, ...adminErrorResponses } } },
    async (request) => {
      const namespace = scopeOf(request);
      const patch = request.body;
      if (namespace === undefined) {
        await gateway.settings.updateServer(patch as Partial<ServerSettings>);
      } else {
        const serverOnly = Object.keys(patch).filter((key) => !(NAMESPACE_SETTING_KEYS as readonly string[]).includes(key));
        if (serverOnly.length > 0) {
          throw new AdminError('bad-request', `${serverOnly.join(', ')} can only be set server-wide (without a namespace)`);
        }
        await gateway.settings.updateNamespace(namespace, patch);
      }
      return configView(gateway, namespace);
    },
  );

  // ---- reset ----

  app.post('/reset', { schema: { hide: true, tags, querystring: ScopeQuery, response: { 200: ResetResult, ...adminErrorResponses } } }, async (request) => {
    const namespace = scopeOf(request);
    await gateway.reset(namespace);
    await mock.reset(namespace);
    return { reset: namespace ?? '*' };
  });
};
