/**
 * Forced outcomes on OCR routes, from the `X-Mock-Scenario` header (this request only) or from admin faults, both
 * applied by `applyOutcome`. Two moments:
 *   - after authentication, the throttle and the subscription check, before the body is looked at: the header, or
 *     the first fault without an image hash;
 *   - once the image bytes are known: faults matching its SHA-256, then stubs (a stored answer, no recognition).
 * One forced outcome per request: the header wins over faults, and an earlier fault over a later one.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MockState } from './mock-state.js';
import { ApiError } from '../errors/catalogue.js';
import type { RandomSource } from '../random-source.js';
import { outcomeOf, type Fault } from './faults.js';
import type { ImageVerdict, MockHooks } from '../gateway/pipeline.js';
import type { TokenErrorFamily } from '../gateway/token.js';
import { forcedError, forcesOutcome, parseScenario, ScenarioSyntaxError, type Outcome } from './scenario.js';
import { namespaceOf, type Journaling } from './journal-hooks.js';
import { logDropped } from '../gateway/request-log.js';
import { imageSha256 } from '../image/digest.js';

export const SCENARIO_HEADER = 'x-mock-scenario';

/** Waits in real time: a user's `delay=2s` must really take two seconds. Tests inject a recording sleeper. */
export type Sleeper = (ms: number) => Promise<void>;
export const realSleep: Sleeper = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ScenarioOptions {
  state: MockState;
  /** The request's namespace's per-minute limit, which a forced APIG.0308 names. */
  rateLimitOf: (request: FastifyRequest) => number;
  random: RandomSource;
  sleep: Sleeper;
  journaling: Journaling;
}

/** The API a route serves, as the gateway names it (see gateway.ts). */
interface RouteApi {
  api: string;
  title: string;
}

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Waits, then drops the connection or throws the forced error. True when the connection was dropped. */
export async function applyOutcome(request: FastifyRequest, reply: FastifyReply, outcome: Outcome, route: RouteApi, options: ScenarioOptions): Promise<boolean> {
  if (outcome.delayMs) await options.sleep(outcome.delayMs);
  if (outcome.drop) {
    logDropped(request);
    options.journaling.dropped(request);
    reply.hijack();
    reply.raw.destroy();
    return true;
  }
  if (outcome.error) {
    const limit = options.rateLimitOf(request);
    throw forcedError(outcome.error, { api: route.title, limit });
  }
  return false;
}

function fromFault(fault: Fault, options: ScenarioOptions): Outcome {
  return outcomeOf(fault, fault.jitterMs ? options.random.stream('jitter').next() : 0);
}

function markForced(request: FastifyRequest, by: string): void {
  if (request.mock) request.mock.forcedBy = by;
}

function readHeader(request: FastifyRequest): Outcome | undefined {
  const header = request.headers[SCENARIO_HEADER];
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header.join(';') : header;
  try {
    return parseScenario(text);
  } catch (error) {
    if (!(error instanceof ScenarioSyntaxError)) throw error;
    // A typo in a test's scenario must not pass silently as a normal answer.
    request.log.warn({ scenario: text }, `${SCENARIO_HEADER}: ${error.message}`);
    throw ApiError.of('AIS.0101');
  }
}

/**
 * The token error family the header asks for (`token-errors=…`), read before authentication. A header that does
 * not parse chooses nothing here; it is refused (AIS.0101) once the caller is authenticated, like any bad scenario.
 */
export function tokenErrorsOf(request: FastifyRequest): TokenErrorFamily | undefined {
  const header = request.headers[SCENARIO_HEADER];
  if (header === undefined) return undefined;
  try {
    return parseScenario(Array.isArray(header) ? header.join(';') : header).tokenErrors;
  } catch {
    return undefined;
  }
}

/** The first moment: the header, else a fault for the next request of this API and project. */
export function scenarioHook(route: RouteApi, options: ScenarioOptions): Hook {
  const sample = () => options.random.stream('faults').next();
  return async function applyScenario(request, reply) {
    const scenario = readHeader(request);
    let outcome: Outcome | undefined;
    if (scenario !== undefined && forcesOutcome(scenario)) {
      markForced(request, 'scenario');
      outcome = scenario;
      request.log.debug({ scenario }, 'scenario forces an outcome');
    } else {
      const project = (request.params as { project_id: string }).project_id;
      const taken = options.state.faults.take(namespaceOf(request), { api: route.api, project }, 'request', sample);
      const fault = taken instanceof Promise ? await taken : taken;
      if (!fault) return;
      markForced(request, fault.id);
      outcome = fromFault(fault, options);
      request.log.debug({ fault: fault.id }, 'admin fault forces an outcome');
    }
    if (await applyOutcome(request, reply, outcome, route, options)) return reply;
    return undefined;
  };
}

/** Shared with the result cache, so that one request's image is hashed once. */
export const sha256Hex = imageSha256;

/** The second moment, once the image is decoded: journal its hash, apply a fault for it, answer from a stub. */
export function imageHook(options: ScenarioOptions) {
  const sample = () => options.random.stream('faults').next();
  return async function receiveImage(request: FastifyRequest, reply: FastifyReply, route: RouteApi, bytes: Uint8Array): Promise<ImageVerdict> {
    const imageSha256 = sha256Hex(bytes);
    const namespace = namespaceOf(request);
    if (request.mock) request.mock.imageSha256 = imageSha256;
    if (!request.mock?.forcedBy) {
      const project = (request.params as { project_id: string }).project_id;
      const taken = options.state.faults.take(namespace, { api: route.api, project, imageSha256 }, 'image', sample);
      const fault = taken instanceof Promise ? await taken : taken;
      if (fault) {
        markForced(request, fault.id);
        if (await applyOutcome(request, reply, fromFault(fault, options), route, options)) return { kind: 'dropped' };
      }
    }
    const found = options.state.stubs.take(namespace, route.api, imageSha256);
    const stub = found instanceof Promise ? await found : found;
    if (!stub) return { kind: 'recognise' };
    if (!request.mock?.forcedBy) markForced(request, stub.id);
    return { kind: 'stub', result: stub.result };
  };
}

/** The mock's steps as the gateway takes them (see MockHooks in src/gateway/pipeline.ts). */
export function mockHooks(options: ScenarioOptions): MockHooks {
  return {
    namespaceOf,
    tokenErrorsOf,
    markForcedByScenario: (request) => markForced(request, 'scenario'),
    invalidNamespace: (request) => request.mock?.invalidNamespace,
    scenario: (route) => scenarioHook(route, options),
    receiveImage: imageHook(options),
  };
}
