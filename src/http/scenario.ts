/** The `X-Mock-Scenario` request header: forces one catalogue error for this request, after authentication. */
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/catalogue.js';
import { forcedError, parseScenario, ScenarioSyntaxError, type ScenarioContext } from '../scenario/scenario.js';

export const SCENARIO_HEADER = 'x-mock-scenario';

export function scenarioHook(context: ScenarioContext) {
  return async function applyScenario(request: FastifyRequest): Promise<void> {
    const header = request.headers[SCENARIO_HEADER];
    if (header === undefined) return;
    const text = Array.isArray(header) ? header.join(';') : header;
    let scenario;
    try {
      scenario = parseScenario(text);
    } catch (error) {
      if (!(error instanceof ScenarioSyntaxError)) throw error;
      // A typo in a test's scenario must not pass silently as a normal answer.
      request.log.warn({ scenario: text }, `${SCENARIO_HEADER}: ${error.message}`);
      throw ApiError.of('AIS.0101');
    }
    if (scenario.error) {
      request.log.info({ scenario: text }, 'scenario forces an error');
      throw forcedError(scenario.error, context);
    }
  };
}
