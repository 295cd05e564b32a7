/** Builds the fastify app with everything injected; never listens (see server.ts). */
import ipaddr from 'ipaddr.js';
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { MockState } from './mock/mock-state.js';
import { openStateStores } from './state-stores.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_TOKEN_SECRET, loadConfig, type Config } from './config.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, toEnvelope } from './errors/catalogue.js';
import { signatureAuthenticator } from './gateway/aksk.js';
import { GatewayState } from './gateway/gateway-state.js';
import { registerBodyParsing, SMALL_BODY_LIMIT } from './gateway/body.js';
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandling, sendApiError } from './gateway/vendor-errors.js';
import { createGateway, gatewayViewOf } from './gateway/pipeline.js';
import { DEFAULT_NAMESPACE } from './mock/namespace.js';
import { settle } from './store/store.js';
import { namespaceOf, registerJournal } from './mock/journal-hooks.js';
import { mockHooks, realSleep, type Sleeper } from './mock/outcomes.js';
import { registerRateLimiting } from './gateway/rate-limit.js';
import { registerRequestLog } from './gateway/request-log.js';
import { urlFetcher } from './image/fetch-url.js';
import type { OcrEngine } from './ocr/engine.js';
import { configuredEngine } from './ocr/configured-engine.js';
import { randomSource } from './random-source.js';
import { DOCUMENT_TYPES } from './recognition/registry.js';
import { ADMIN_PREFIX, adminRoutes, isAdminPath } from './mock/admin-routes.js';
import { healthRoutes } from './routes/health.js';
import { iamRoutes } from './routes/iam.js';
import { ocrRoutes } from './routes/ocr.js';
import { ResultCache } from './cache/result-cache.js';
import { registerOpenApi } from './routes/openapi.js';
import { uiRoutes } from './routes/ui.js';

export interface AppOptions {
  config?: Readonly<Config>;
  /** The OCR engine; when omitted a tesseract.js pool is created and closed with the app. */
  engine?: OcrEngine;
  clock?: Clock;
  /** Where log lines go; defaults to stdout. Tests pass a stream to read them. */
  logStream?: NodeJS.WritableStream;
  /**
   * How forced delays wait (`delay=500ms`, fault `delayMs`). Real time by default, as users expect; tests inject
   * one that records the wait instead of sleeping.
   */
  sleep?: Sleeper;
}

declare module 'fastify' {
  interface FastifyInstance {
    ocrEngine: OcrEngine;
    /** The journal, faults and stubs; tests may read it, but should change it through the admin API. */
    mockState: MockState;
    /** The gateway's runtime settings, lockouts and counters; tests may read it, but change it through the admin API. */
    gatewayState: GatewayState;
  }
}

/** Never logged: credentials and image bytes. */
const REDACTED = [
  'req.headers["x-auth-token"]',
  'req.headers.authorization',
  'req.headers["x-security-token"]',
  'req.headers["x-mock-admin-token"]',
  'req.headers.cookie',
  'res.headers["x-subject-token"]',
];

/** 127.0.0.0/8, ::1, an IPv4-mapped loopback, or `localhost`: only this machine can connect. */
function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (!ipaddr.isValid(host)) return false;
  const parsed = ipaddr.process(host);
  return parsed.range() === 'loopback';
}

export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const config = options.config ?? loadConfig();
  const clock = options.clock ?? systemClock;
  const random = randomSource(config.seed);
  const requestIds = random.stream('request-id');
  const ownsEngine = !options.engine;
  const engine: OcrEngine = options.engine ?? configuredEngine(config, () => app.log);

  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: REDACTED, censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // One line per request instead of fastify's two (src/gateway/request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    // Routes that take large bodies (OCR, admin stubs) say so; everything else, unknown paths included, is small.
    bodyLimit: SMALL_BODY_LIMIT,
    // A client must send its request within these, or its connection is closed (see clientErrorHandler).
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node checks request timeouts on this interval (default 30 s): a stalled body would outlive its timeout by that.
    // Node would answer a missing Host itself, in no shape of ours; a hook below answers it.
    // Node honours a request timeout only when given at the server's creation (setting it afterwards, as fastify's
    // own option does, leaves a stalled body open), and wants headersTimeout no longer than it.
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(config.headersTimeoutMs, config.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
      requireHostHeader: false,
    },
    // While closing, requests on kept-alive connections get ModelArts.4403 from a hook below, not fastify's 503.
    return503OnClosing: false,
    clientErrorHandler,
    genReqId: () => requestIds.hex(16),
    requestIdHeader: false,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // The router's own refusals (a bad percent-escape, an over-long path parameter) get the vendor envelope too.
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The workers load their models and warm on other cores while the routes below register on this one.
  if (config.warmup) void engine.warm().catch((error: unknown) => app.log.error({ err: error }, 'OCR engine failed to start'));

  // In this process, or in Redis shared with other replicas (`stateStore`).
  const stores = await openStateStores(config, () => clock.now(), app.log);
  app.addHook('onClose', async () => stores.close());
  const gatewayState = new GatewayState(stores.gateway);
  const mockState = new MockState(stores.mock);

  registerBodyParsing(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });

  registerRequestLog(app);
  registerErrorHandling(app);
  app.decorate('ocrEngine', engine);
  app.decorate('mockState', mockState);
  app.decorate('gatewayState', gatewayState);

  // Before any route: swagger records routes as they are added, the gateway's throttle needs the plugin, and the
  // journal's hooks must see every vendor route.
  await registerOpenApi(app);
  await registerRateLimiting(app, clock, gatewayState.windows);
  const journaling = registerJournal(app, { journal: mockState.journal, clock });

  // Answered before the body is read: an unknown path (the gateway has no such API), or any request while closing.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Answered before its body arrived (refused unread): close the connection rather than read and discard the rest.
  app.addHook('onSend', async (request, reply) => {
    // (`complete` is Node's; a request made by `inject` has none, and no connection.)
    if (request.raw.complete === false) reply.header('Connection', 'close');
  });
  // Node answers an `Expect` it does not know with its own bare 417; the vendor envelope instead.
  app.server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    const body = JSON.stringify(toEnvelope(ApiError.of('AIS.0101'), ''));
    response.writeHead(400, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
    response.end(body);
  });
  // Any route's request may be answered here, so the envelope bypasses the route's response schemas.
  const refuse = (reply: FastifyReply, error: ApiError) => sendApiError(reply.type('application/json; charset=utf-8').serializer(JSON.stringify), error);
  app.addHook('onRequest', async (request, reply) => {
    if (request.raw.httpVersionMajor === 1 && request.raw.httpVersionMinor >= 1 && request.headers.host === undefined) {
      reply.header('Connection', 'close');
      return refuse(reply, ApiError.of('AIS.0101'));
    }
    if (closing) {
      reply.header('Connection', 'close');
      return refuse(reply, ApiError.of('ModelArts.4403'));
    }
    // The admin API answers its own unknown paths in its own shape.
    if (request.is404 && !(config.admin && isAdminPath(request.url))) return refuse(reply, ApiError.of('APIG.0101'));
    return undefined;
  });

  const gateway = createGateway(app, {
    config,
    clock,
    state: gatewayState,
    mock: mockHooks({
      state: mockState,
      rateLimitOf: (request) => gatewayViewOf(request).settings.rateLimitPerMinute,
      random,
      sleep: options.sleep ?? realSleep,
      journaling,
    }),
    signature: signatureAuthenticator({
      view: gatewayViewOf,
      clock,
      lockout: (request, access, now) => gatewayState.lockouts.table(namespaceOf(request), access, now),
      debugSignatures: config.debugSignatures,
    }),
  });
  await app.register(healthRoutes, { ready: () => !config.warmup || engine.isWarm(), dependencies: () => stores.dependencies() });
  const tokenIds = random.stream('token-id');
  // IAM has no namespace: who may log in is server-wide.
  const identities = () => settle(gatewayState.settings.view(DEFAULT_NAMESPACE), (view) => view.identities);
  await app.register(iamRoutes, { config, clock, identities, tokenId: () => tokenIds.uuid() });
  await app.register(ocrRoutes, {
    documents: DOCUMENT_TYPES,
    engine,
    clock,
    gateway,
    timeoutMs: config.ocrTimeoutMs,
    cache: new ResultCache({ maxEntries: config.resultCacheEntries, maxBytes: config.resultCacheBytes }),
    fetchImage: urlFetcher({
      timeoutMs: config.urlTimeoutMs,
      maxRedirects: config.urlMaxRedirects,
      allowLoopback: config.urlAllowLoopback,
      allowlist: config.urlAllowlist,
    }),
  });

  await app.register(uiRoutes, { documents: DOCUMENT_TYPES, config });

  // Switched off, the admin paths are simply unknown: APIG.0101 like any other.
  if (config.admin) {
    const results = new Map(DOCUMENT_TYPES.map((document) => [document.api, document.resultSchema]));
    await app.register(adminRoutes, {
      prefix: ADMIN_PREFIX,
      gateway: gatewayState,
      mock: mockState,
      token: config.adminToken,
      results,
      guard: { allowedHosts: config.adminAllowedHosts, allowedOrigins: config.adminAllowedOrigins },
      stubBodyLimit: config.bodyLimitBytes,
    });
  }

  // Anyone who reads this project's source can sign tokens with the default secret: say so when others can connect.
  app.addHook('onListen', async () => {
    const address = app.server.address();
    const host = typeof address === 'object' && address ? address.address : config.host;
    if (config.tokenSecret === DEFAULT_TOKEN_SECRET && !isLoopback(host)) {
      app.log.warn({ host }, 'tokenSecret is the default, which is public: anyone who can reach this port can forge tokens. Set OCR_MOCK_TOKEN_SECRET.');
    }
  });

  if (ownsEngine) app.addHook('onClose', async () => engine.close());
  return app;
}
