/**
 * Everything that stands between a client and an OCR backend, in the gateway's order:
 *   onRequest      a readable X-Mock-Namespace, whose settings are read once (GatewayView) → token authentication,
 *                  or the AK/SK checks that need no body
 *                  (shape, known AK, date, lockout): all before the body is read
 *   preParsing     the body limit, by how the caller authenticates (ModelArts.4104)
 *   preValidation  AK/SK signature (over the raw body) → per-minute throttle (APIG.0308)
 *                  → subscription (ModelArts.4204) → X-Mock-Scenario or an admin fault
 *                  → only now the body is parsed: not JSON, too deep or too many values is ModelArts.4105
 *   handler        a concurrency slot (ModelArts.4401) around the backend work; once the image is decoded,
 *                  faults for its hash and stubs (receiveImage)
 * Counters, faults and settings are the namespace's (see src/mock/namespace.ts); the mock's steps are injected. Routes take the hooks from here
 * and stay thin.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { ApiError } from '../errors/catalogue.js';
import { gatewayAuthentication, type SignatureAuthenticator } from './authenticate.js';
import { limitBody, parseHeldBody } from './body.js';
import { ConcurrencyLimiter } from './concurrency.js';
import type { GatewayState, GatewayView } from './gateway-state.js';
import { concurrencyGuard, namespaceRateLimit } from './rate-limit.js';
import { isSubscribed } from './subscriptions.js';
import type { TokenErrorFamily } from './token.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's namespace settings and credentials, read once when it arrives (see `gatewayViewOf`). */
    gatewayView?: GatewayView;
  }
}

/** The settings a request was admitted under; only for requests the gateway's onRequest hooks have seen. */
export function gatewayViewOf(request: FastifyRequest): GatewayView {
  if (!request.gatewayView) throw new Error("gatewayViewOf: the gateway has not read this request's settings");
  return request.gatewayView;
}

/** The API a route serves, as the gateway names it. */
export interface GatewayApi {
  /** Path segment, e.g. `passport`; what subscriptions list. */
  api: string;
  /** Name used in ModelArts.4204. */
  title: string;
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** What a request's image leads to: recognition, a stub's stored answer, or nothing (its connection was dropped). */
export type ImageVerdict = { kind: 'recognise' } | { kind: 'stub'; result: Record<string, unknown> } | { kind: 'dropped' };

/**
 * The emulator's own steps, plugged into the gateway's order (src/mock/): the namespace a request counts against,
 * forced outcomes before the body is read and once the image is known, and the token error family a scenario asks
 * for. The gateway knows them only by these signatures.
 */
export interface MockHooks {
  namespaceOf(request: FastifyRequest): string;
  /** The token error family `X-Mock-Scenario` asks for, if any. */
  tokenErrorsOf(request: FastifyRequest): TokenErrorFamily | undefined;
  /** Marks a refusal as forced by the scenario, for the journal. */
  markForcedByScenario(request: FastifyRequest): void;
  /** The namespace the request named, when it is not a valid name (refused with AIS.0101). */
  invalidNamespace(request: FastifyRequest): string | undefined;
  scenario(api: GatewayApi): Hook;
  receiveImage(request: FastifyRequest, reply: FastifyReply, api: GatewayApi, bytes: Uint8Array): Promise<ImageVerdict>;
}
type PreParsingHook = (request: FastifyRequest, reply: FastifyReply, payload: NodeJS.ReadableStream) => Promise<NodeJS.ReadableStream>;

export interface Gateway {
  onRequest: Hook[];
  preParsing: PreParsingHook[];
  /** The route's body limit: the larger of the two; token calls are held to theirs in preParsing. */
  bodyLimit: number;
  preValidation(api: GatewayApi): Hook[];
  /** Runs the backend work holding one of the request's namespace's concurrency slots. */
  withSlot<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T>;
  /** Once the image bytes are known: journals their hash, applies a fault for them, or finds a stub's answer. */
  receiveImage(request: FastifyRequest, reply: FastifyReply, api: GatewayApi, bytes: Uint8Array): Promise<ImageVerdict>;
}

export interface GatewayOptions {
  config: Readonly<Config>;
  clock: Clock;
  state: GatewayState;
  signature: SignatureAuthenticator;
  mock: MockHooks;
}

/** Needs @fastify/rate-limit registered on `app` first (see registerRateLimiting). */
export function createGateway(app: FastifyInstance, options: GatewayOptions): Gateway {
  const { config, clock, state, signature, mock } = options;
  const { namespaceOf } = mock;
  const auth = gatewayAuthentication({
    tokenSecret: config.tokenSecret,
    clock,
    signature,
    tokenErrors: (request) => mock.tokenErrorsOf(request) ?? config.tokenErrors,
    identities: (request) => gatewayViewOf(request).identities,
  });
  // A refusal worded by `X-Mock-Scenario: token-errors=…` is journaled as forced by the scenario.
  const authenticateToken: Hook = async (request, reply) => {
    try {
      await auth.onRequest(request, reply);
    } catch (error) {
      if (mock.tokenErrorsOf(request)) mock.markForcedByScenario(request);
      throw error;
    }
  };
  const throttle = namespaceRateLimit(app, namespaceOf, (request) => gatewayViewOf(request).settings.rateLimitPerMinute);
  const slots = concurrencyGuard(state.slots);
  // All namespaces together, and this replica's alone: a new X-Mock-Namespace per request must not queue unbounded
  // work on this process's OCR workers.
  const backend = concurrencyGuard(new ConcurrencyLimiter());

  // A mistyped namespace would silently share counters and faults with others: refuse it, as a bad scenario is.
  // Then its settings are read once for every later step (one round trip when they are in Redis).
  const readNamespace: Hook = async (request) => {
    const invalid = mock.invalidNamespace(request);
    if (invalid !== undefined) {
      request.log.warn({ namespace: invalid }, 'X-Mock-Namespace is not a valid name');
      throw ApiError.of('AIS.0101');
    }
    const view = state.settings.view(namespaceOf(request));
    request.gatewayView = view instanceof Promise ? await view : view;
  };

  // Token calls are held to ModelArts' 10 MB; signed calls to the gateway's 12 MB (the route's own limit).
  const bodyLimit = Math.max(config.bodyLimitBytes, config.tokenBodyLimitBytes);
  const limitByCaller: PreParsingHook = async (request, _reply, payload) =>
    limitBody(request, payload, request.caller?.method === 'token' ? config.tokenBodyLimitBytes : config.bodyLimitBytes);

  // The body was kept raw; a refusal (not JSON, too deep, too many values) waits until the caller is authenticated.
  const readBody: Hook = async (request) => parseHeldBody(request);

  return {
    onRequest: [readNamespace, authenticateToken],
    preParsing: [limitByCaller],
    bodyLimit,
    preValidation(route) {
      const checkSubscription: Hook = async (request) => {
        const { project_id: projectId } = request.params as { project_id: string };
        const { subscriptions } = gatewayViewOf(request).settings;
        if (!isSubscribed(subscriptions, projectId, route.api)) throw ApiError.of('ModelArts.4204', { api: route.title });
      };
      return [auth.preValidation, throttle, checkSubscription, mock.scenario(route), readBody];
    },
    withSlot: (request, work) =>
      slots(namespaceOf(request), gatewayViewOf(request).settings.maxConcurrentPerProject, () =>
        backend('*', config.maxQueuedRecognitions, work).catch((error: unknown) => {
          if (error instanceof ApiError && error.code === 'ModelArts.4401') request.log.warn('maxQueuedRecognitions reached');
          throw error;
        }),
      ),
    receiveImage: mock.receiveImage,
  };
}
