/**
 * Everything that stands between a client and an OCR backend, in the gateway's order:
 *   onRequest      token authentication (before the body is read)
 *   preValidation  AK/SK authentication (over the raw body) → per-minute throttle (APIG.0308)
 *                  → subscription (ModelArts.4204) → X-Mock-Scenario → a body that was not JSON (ModelArts.4105)
 *   handler        a per-project concurrency slot (ModelArts.4401) around the backend work
 * Routes take the hooks from here and stay thin.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isSubscribed } from '../auth/subscriptions.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { ApiError } from '../errors/catalogue.js';
import { gatewayAuthentication, type SignatureAuthenticator } from './authenticate.js';
import { scenarioHook } from './scenario.js';
import { concurrencyGuard, projectRateLimit } from './throttle.js';

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

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface Gateway {
  onRequest: Hook[];
  preValidation(api: GatewayApi): Hook[];
  /** Runs the backend work for a project holding a concurrency slot. */
  withSlot<T>(projectId: string, work: () => Promise<T>): Promise<T>;
}

export interface GatewayOptions {
  config: Readonly<Config>;
  clock: Clock;
  signature: SignatureAuthenticator;
}

/** Needs @fastify/rate-limit registered on `app` first (see registerRateLimiting). */
export function createGateway(app: FastifyInstance, { config, clock, signature }: GatewayOptions): Gateway {
  const auth = gatewayAuthentication({ tokenSecret: config.tokenSecret, clock, signature });
  const throttle = projectRateLimit(app, config.rateLimitPerMinute) as unknown as Hook;

  const rejectUnreadableBody: Hook = async (request) => {
    if (request.bodyError) throw request.bodyError;
  };

  return {
    onRequest: [auth.onRequest],
    preValidation({ api, title }) {
      const checkSubscription: Hook = async (request) => {
        const { project_id: projectId } = request.params as { project_id: string };
        if (!isSubscribed(config.subscriptions, projectId, api)) throw ApiError.of('ModelArts.4204', { api: title });
      };
      return [
        auth.preValidation,
        throttle,
        checkSubscription,
        scenarioHook({ api: title, limit: config.rateLimitPerMinute }),
        rejectUnreadableBody,
      ];
    },
    withSlot: concurrencyGuard(config.maxConcurrentPerProject),
  };
}
