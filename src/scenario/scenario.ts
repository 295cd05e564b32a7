/**
 * Scenarios: one request (through a header) or, later, the admin API forces an outcome the emulator would not
 * otherwise produce, such as a backend fault only the cloud side can cause. Grammar: `error=<catalogue code>`.
 */
import { ApiError, isErrorCode, type ErrorCode } from '../errors/catalogue.js';

export interface Scenario {
  /** Answer this catalogue row instead of doing the work. */
  error?: ErrorCode;
}

export class ScenarioSyntaxError extends Error {
  override name = 'ScenarioSyntaxError';
}

/** Parses `error=ModelArts.4302` (directives separated by `;`); throws ScenarioSyntaxError on anything else. */
export function parseScenario(text: string): Scenario {
  const scenario: Scenario = {};
  for (const part of text.split(';')) {
    const directive = part.trim();
    if (directive === '') continue;
    const match = /^([a-z]+)\s*=\s*(\S+)$/i.exec(directive);
    if (!match) throw new ScenarioSyntaxError(`not a directive: "${directive}"`);
    const [, name = '', value = ''] = match;
    if (name.toLowerCase() !== 'error') throw new ScenarioSyntaxError(`unknown directive "${name}"`);
    if (!isErrorCode(value)) throw new ScenarioSyntaxError(`unknown error code "${value}"`);
    scenario.error = value;
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
