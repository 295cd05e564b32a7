/** Builds the fastify app with everything injected; never listens (see server.ts). */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { MockState } from './admin/state.js';
import { systemClock, type Clock } from './clock.js';
import { loadConfig, type Config } from './config.js';
import { ApiError } from './errors/catalogue.js';
import { LOCKOUT, signatureAuthenticator } from './http/aksk.js';
import { frameworkErrorHandler, registerErrorHandling } from './http/errors.js';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './http/json-depth.js';
import { createGateway } from './http/gateway.js';
import { namespaceOf, registerJournal } from './http/journal.js';
import { realSleep, type Sleeper } from './http/scenario.js';
import { registerRateLimiting } from './http/throttle.js';
import { registerRequestLog } from './http/request-log.js';
import { urlFetcher } from './image/fetch-url.js';
import type { OcrEngine } from './ocr/engine.js';
import { TesseractEngine } from './ocr/tesseract-engine.js';
import { randomSource } from './random.js';
import { DOCUMENT_TYPES } from './recognition/registry.js';
import { ADMIN_PREFIX, adminRoutes } from './routes/admin.js';
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
  interface FastifyRequest {
    rawBody?: Buffer;
  }
  interface FastifyInstance {
    ocrEngine: OcrEngine;
    /** Everything the admin API holds; tests may read it, but should change it through the admin API. */
    mockState: MockState;
  }
}

/** Never logged: credentials and image bytes. */
const REDACTED = [
  'req.headers["x-auth-token"]',
  'req.headers.authorization',
  'res.headers["x-subject-token"]',
];

export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const config = options.config ?? loadConfig();
  const clock = options.clock ?? systemClock;
  const random = randomSource(config.seed);
  const requestIds = random.stream('request-id');
  const state = new MockState(config, LOCKOUT);
  const ownsEngine = !options.engine;
  const engine: OcrEngine =
    options.engine ?? new TesseractEngine({ workers: config.ocrWorkers, timeoutMs: config.ocrTimeoutMs });

  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: REDACTED, censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // One line per request instead of fastify's two (src/http/request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    genReqId: () => requestIds.hex(16),
    requestIdHeader: false,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // The router's own refusals (a bad percent-escape, an over-long path parameter) get the vendor envelope too.
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Keep the raw bytes: AK/SK signatures are computed over them, never over re-serialised JSON.
  // A body that is not JSON is answered later (request.bodyError), once the caller is authenticated: the gateway
  // checks a signature before its backend ever parses the body.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    try {
      if ((body as Buffer).length === 0) throw new Error('empty body');
      const parsed: unknown = JSON.parse((body as Buffer).toString('utf8'));
      // Deeper nesting overflows the stack of whatever walks it next (serialisers, structuredClone): not JSON we take.
      if (nestedDeeperThan(parsed, MAX_JSON_DEPTH)) throw new Error('nested too deep');
      done(null, parsed);
    } catch {
      request.bodyError = ApiError.of('ModelArts.4105');
      done(null, undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });

  registerRequestLog(app);
  registerErrorHandling(app);
  app.decorate('ocrEngine', engine);
  app.decorate('mockState', state);

  // Before any route: swagger records routes as they are added, the gateway's throttle needs the plugin, and the
  // journal's hooks must see every vendor route.
  await registerOpenApi(app);
  await registerRateLimiting(app, clock, state.windows);
  const journaling = registerJournal(app, { state, clock });

  const gateway = createGateway(app, {
    config,
    clock,
    state,
    random,
    sleep: options.sleep ?? realSleep,
    journaling,
    signature: signatureAuthenticator({
      accessKey: (ak) => state.accessKey(ak),
      identities: () => state.identities(),
      clock,
      lockout: (request) => state.lockout(namespaceOf(request)),
      debugSignatures: config.debugSignatures,
    }),
  });
  await app.register(healthRoutes, { ready: () => !config.warmup || engine.isWarm() });
  const tokenIds = random.stream('token-id');
  await app.register(iamRoutes, { config, clock, identities: () => state.identities(), tokenId: () => tokenIds.uuid() });
  await app.register(ocrRoutes, {
    documents: DOCUMENT_TYPES,
    engine,
    clock,
    gateway,
    cache: new ResultCache({ maxEntries: config.resultCacheEntries, maxBytes: config.resultCacheBytes }),
    fetchImage: urlFetcher({
      timeoutMs: config.urlTimeoutMs,
      maxRedirects: config.urlMaxRedirects,
      allowLoopback: config.urlAllowLoopback,
      allowlist: config.urlAllowlist,
    }),
  });

  await app.register(uiRoutes, { documents: DOCUMENT_TYPES });

  // Switched off, the admin paths are simply unknown: APIG.0101 like any other.
  if (config.admin) {
    const results = new Map(DOCUMENT_TYPES.map((document) => [document.api, document.resultSchema]));
    await app.register(adminRoutes, { prefix: ADMIN_PREFIX, state, token: config.adminToken, results });
  }

  if (config.warmup) {
    app.addHook('onReady', async () => {
      void engine.warm().catch((error: unknown) => app.log.error({ err: error }, 'OCR engine failed to start'));
    });
  }
  if (ownsEngine) app.addHook('onClose', async () => engine.close());
  return app;
}
