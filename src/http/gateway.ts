/**
 * Everything that stands between a client and an OCR backend, in the gateway's order:
 *   onRequest      a readable X-Mock-Namespace → token authentication (before the body is read)
 *   preValidation  AK/SK authentication (over the raw body) → per-minute throttle (APIG.0308)
 *                  → subscription (ModelArts.4204) → X-Mock-Scenario or an admin fault
 *                  → a body that was not JSON, or nested too deep (ModelArts.4105)
 *   handler        a concurrency slot (ModelArts.4401) around the backend work; once the image is decoded,
 *                  faults for its hash and stubs (receiveImage)
 * Counters, faults and settings are the namespace's (see src/admin/namespace.ts). Routes take the hooks from here
 * and stay thin.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MockState } from '../admin/state.js';
import { isSubscribed } from '../auth/subscriptions.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { ApiError } from '../errors/catalogue.js';
import { gatewayAuthentication, type SignatureAuthenticator } from './authenticate.js';
import { namespaceOf } from './journal.js';
import { imageHook, scenarioHook, tokenErrorsOf, type ImageVerdict, type ScenarioOptions } from './scenario.js';
import { concurrencyGuard, namespaceRateLimit } from './throttle.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** A body that could not be parsed; answered only once the caller is authenticated, as the backend would. */
    bodyError?: ApiError;
  }
}

/** The API a route serves, as the gateway names it. */
export interface GatewayApi {
  /** Path segment, e.g. `passport`; what subscriptions list. */
  api: string;
  /** Name used in ModelArts.4204. */
  title: string;
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export interface Gateway {
  onRequest: Hook[];
  preValidation(api: GatewayApi): Hook[];
  /** Runs the backend work holding one of the request's namespace's concurrency slots. */
  withSlot<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T>;
  /** Once the image bytes are known: journals their hash, applies a fault for them, or finds a stub's answer. */
  receiveImage(request: FastifyRequest, reply: FastifyReply, api: GatewayApi, bytes: Uint8Array): Promise<ImageVerdict>;
}

export interface GatewayOptions extends ScenarioOptions {
  config: Readonly<Config>;
  clock: Clock;
  state: MockState;
  signature: SignatureAuthenticator;
}

/** Needs @fastify/rate-limit registered on `app` first (see registerRateLimiting). */
export function createGateway(app: FastifyInstance, options: GatewayOptions): Gateway {
  const { config, clock, state, signature } = options;
  const auth = gatewayAuthentication({
    tokenSecret: config.tokenSecret,
    clock,
    signature,
    tokenErrors: (request) => tokenErrorsOf(request) ?? config.tokenErrors,
  });
  // A refusal worded by `X-Mock-Scenario: token-errors=…` is journaled as forced by the scenario.
  const authenticateToken: Hook = async (request) => {
    try {
      await auth.onRequest(request);
    } catch (error) {
      if (request.mock && tokenErrorsOf(request)) request.mock.forcedBy = 'scenario';
      throw error;
    }
  };
  const throttle = namespaceRateLimit(app, namespaceOf, (namespace) => state.settings(namespace).rateLimitPerMinute) as unknown as Hook;
  const slots = concurrencyGuard(state.concurrency);

  // A mistyped namespace would silently share counters and faults with others: refuse it, as a bad scenario is.
  const checkNamespace: Hook = async (request) => {
    if (request.mock?.invalidNamespace !== undefined) {
      request.log.warn({ namespace: request.mock.invalidNamespace }, 'X-Mock-Namespace is not a valid name');
      throw ApiError.of('AIS.0101');
    }
  };

  // The JSON parser holds its refusal (bad JSON, nesting past MAX_JSON_DEPTH) until the caller is authenticated.
  const rejectUnreadableBody: Hook = async (request) => {
    if (request.bodyError) throw request.bodyError;
  };

  return {
    onRequest: [checkNamespace, authenticateToken],
    preValidation(route) {
      const checkSubscription: Hook = async (request) => {
        const { project_id: projectId } = request.params as { project_id: string };
        const { subscriptions } = state.settings(namespaceOf(request));
        if (!isSubscribed(subscriptions, projectId, route.api)) throw ApiError.of('ModelArts.4204', { api: route.title });
      };
      return [auth.preValidation, throttle, checkSubscription, scenarioHook(route, options), rejectUnreadableBody];
    },
    withSlot: (request, work) => slots(namespaceOf(request), work),
    receiveImage: imageHook(options),
  };
}
