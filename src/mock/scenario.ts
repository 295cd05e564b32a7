/**
 * Scenarios: one request (through the `X-Mock-Scenario` header) or the admin API (faults, see faults.ts) forces an
 * outcome the emulator would not otherwise produce, such as a backend fault only the cloud side can cause, a slow
 * answer or a dropped connection. Both end in the same `Outcome`, applied by one function in src/mock/outcomes.ts.
 *
 * Header grammar, directives separated by `;`:
 *   error=<catalogue code>   answer that row
 *   delay=<n>ms | delay=<n>s  wait that long first (real time), then go on (or answer the error, or drop)
 *   drop                     close the connection without an answer
 *   token-errors=apig|modelarts  which family answers a missing or unreadable X-Auth-Token (src/gateway/token.ts);
 *                            read by token authentication, so it reaches requests that never get further
 */
import { TOKEN_ERROR_FAMILIES, type TokenErrorFamily } from '../gateway/token.js';
import { ApiError, isErrorCode, type ErrorCode } from '../errors/catalogue.js';

/** What a scenario or a fault does to one request. Every part is optional; an empty outcome changes nothing. */
export interface Outcome {
  /** Answer this catalogue row instead of doing the work. */
  error?: ErrorCode;
  /** Wait this many milliseconds first. */
  delayMs?: number;
  /** Close the connection without answering (after any delay). */
  drop?: boolean;
}

/** The header: an outcome, and optionally the token error family for this request. */
export interface Scenario extends Outcome {
  tokenErrors?: TokenErrorFamily;
}

/** Whether a scenario forces anything beyond choosing the token error family. */
export function forcesOutcome(scenario: Scenario): boolean {
  return scenario.error !== undefined || scenario.delayMs !== undefined || scenario.drop === true;
}

/** Longer delays than this are refused: a test that needs more is better served by a client timeout. */
export const MAX_DELAY_MS = 5 * 60_000;

export class ScenarioSyntaxError extends Error {
  override name = 'ScenarioSyntaxError';
}

/** `500ms`, `2s`, `1.5s` → milliseconds; undefined when not a duration within MAX_DELAY_MS. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text);
  if (!match) return undefined;
  const ms = Math.round(Number(match[1]) * (match[2] === 's' ? 1000 : 1));
  return ms <= MAX_DELAY_MS ? ms : undefined;
}

/** Parses the header; throws ScenarioSyntaxError on anything it does not know, so typos never pass silently. */
export function parseScenario(text: string): Scenario {
  const scenario: Scenario = {};
  for (const part of text.split(';')) {
    const directive = part.trim();
    if (directive === '') continue;
    if (directive.toLowerCase() === 'drop') {
      scenario.drop = true;
      continue;
    }
    const match = /^([a-z][a-z-]*)\s*=\s*(\S+)$/i.exec(directive);
    if (!match) throw new ScenarioSyntaxError(`not a directive: "${directive}"`);
    const [, rawName = '', value = ''] = match;
    const name = rawName.toLowerCase();
    if (name === 'error') {
      if (!isErrorCode(value)) throw new ScenarioSyntaxError(`unknown error code "${value}"`);
      scenario.error = value;
    } else if (name === 'delay') {
      const ms = parseDuration(value);
      if (ms === undefined) throw new ScenarioSyntaxError(`delay must be like 500ms or 2s, at most ${MAX_DELAY_MS / 1000}s: "${value}"`);
      scenario.delayMs = ms;
    } else if (name === 'token-errors') {
      const family = TOKEN_ERROR_FAMILIES.find((f) => f === value.toLowerCase());
      if (!family) throw new ScenarioSyntaxError(`token-errors must be ${TOKEN_ERROR_FAMILIES.join(' or ')}: "${value}"`);
      scenario.tokenErrors = family;
    } else {
      throw new ScenarioSyntaxError(`unknown directive "${rawName}"`);
    }
  }
  return scenario;
}

/** What fills a forced error's placeholders: the route's API and limit; the first reason the gateway FAQ lists. */
export interface ScenarioContext {
  api: string;
  limit: number;
}

export const FORCED_IAM_REASON = 'decrypt token fail';

export function forcedError(code: ErrorCode, context: ScenarioContext): ApiError {
  return ApiError.of(code, { api: context.api, limit: context.limit, reason: FORCED_IAM_REASON });
}
