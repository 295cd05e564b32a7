/** Helpers for the admin, namespace and determinism tests: an app with a recording sleeper and an admin client. */
import type { FastifyInstance, LightMyRequestResponse as InjectResponse } from 'fastify';
import { buildApp } from '../src/app.js';
import { AdminClient } from '../src/client/admin-client.js';
import { ManualClock } from '../src/clock.js';
import { loadConfig, type Config } from '../src/config.js';
import type { OcrEngine } from '../src/ocr/engine.js';
import { getToken, PASSPORT_PATH, ScriptedEngine } from './helper.js';

export interface AdminTestApp {
  app: FastifyInstance;
  clock: ManualClock;
  engine: ScriptedEngine;
  /** Every forced delay, in ms, instead of waiting. */
  sleeps: number[];
  admin: AdminClient;
  token: string;
  /** POST to an OCR path with the token; `image` is sent as base64. */
  ocr(options?: { image?: Buffer; headers?: Record<string, string>; path?: string; payload?: unknown }): Promise<InjectResponse>;
}

export async function buildAdminTestApp(options: { config?: Partial<Config>; engine?: OcrEngine; clock?: ManualClock } = {}): Promise<AdminTestApp> {
  const clock = options.clock ?? new ManualClock();
  const engine = (options.engine as ScriptedEngine | undefined) ?? new ScriptedEngine();
  const sleeps: number[] = [];
  const config = loadConfig({ env: {}, overrides: { logLevel: 'silent', warmup: false, ...options.config } });
  const app = await buildApp({ config, engine, clock, sleep: async (ms) => void sleeps.push(ms) });
  const token = await getToken(app);
  return {
    app,
    clock,
    engine,
    sleeps,
    admin: AdminClient.forApp(app, config.adminToken ? { token: config.adminToken } : {}),
    token,
    ocr: ({ image, headers = {}, path = PASSPORT_PATH, payload } = {}) =>
      app.inject({
        method: 'POST',
        url: path,
        headers: { 'x-auth-token': token, ...headers },
        payload: (payload ?? (image ? { image: image.toString('base64') } : {})) as object,
      }),
  };
}

/** A result that fits the passport schema, for stubs. */
export const PASSPORT_RESULT = {
  passport_type: 'P',
  country_code: 'GBR',
  passport_number: 'X1234567',
  nationality: 'GBR',
  surname: 'STUB',
  given_name: 'ANSWER',
  sex: 'F',
  date_of_birth: '1990-01-02',
  date_of_expiry: '2030-01-01',
  date_of_issue: '2020-01-02',
  place_of_birth: 'LONDON',
  place_of_issue: 'LONDON',
  issuing_authority: 'HMPO',
  confidence: { passport_number: 0.99 },
  extra_info: {},
};
