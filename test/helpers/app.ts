/**
 * The one way tests build an app: injected clock and engine, silent logs, no warm-up, and closed by itself when the
 * test ends (or the file, when built in a `beforeAll`). Two presets name common shapes: `buildAdminTestApp` (a
 * token at hand, forced delays recorded) and `buildQuietApp` (also no throttle, no loopback URLs).
 */
import type { FastifyInstance, LightMyRequestResponse as InjectResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { AdminClient } from '../../src/client/admin-client.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { OcrEngine } from '../../src/ocr/engine.js';
import { closeWhenDone } from './cleanup.js';
import { FakeEngine } from './engines.js';
import { getToken, PASSPORT_PATH } from './iam.js';

export interface TestAppOptions {
  /** A FakeEngine that reads nothing by default. */
  engine?: OcrEngine;
  /** Over the test defaults (silent logs, no warm-up). */
  config?: Partial<Config>;
  clock?: ManualClock;
  logStream?: NodeJS.WritableStream;
  /** Record forced delays in `sleeps` instead of waiting them (default: wait, as users' servers do). */
  recordSleeps?: boolean;
}

export interface TestApp {
  app: FastifyInstance;
  clock: ManualClock;
  engine: OcrEngine;
  /** Every forced delay, in ms, when `recordSleeps` is on. */
  sleeps: number[];
  /** The admin API over `inject`. */
  admin: AdminClient;
}

export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const clock = options.clock ?? new ManualClock();
  const engine = options.engine ?? new FakeEngine();
  const sleeps: number[] = [];
  const config = loadConfig({ env: {}, overrides: { logLevel: 'silent', warmup: false, ...options.config } });
  const app = await buildApp({
    config,
    engine,
    clock,
    ...(options.recordSleeps ? { sleep: async (ms: number) => void sleeps.push(ms) } : {}),
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  closeWhenDone(() => app.close());
  return { app, clock, engine, sleeps, admin: AdminClient.forApp(app, config.adminToken ? { token: config.adminToken } : {}) };
}

// ---- presets ----

export interface AdminTestApp extends TestApp {
  engine: FakeEngine;
  token: string;
  /** POST to an OCR path with the token; `image` is sent as base64. */
  ocr(options?: { image?: Buffer; headers?: Record<string, string>; path?: string; payload?: unknown }): Promise<InjectResponse>;
}

/** For the admin, namespace and determinism tests: forced delays recorded, a token and an OCR call at hand. */
export async function buildAdminTestApp(options: Omit<TestAppOptions, 'recordSleeps'> = {}): Promise<AdminTestApp> {
  const t = await buildTestApp({ ...options, recordSleeps: true });
  const token = await getToken(t.app);
  return {
    ...t,
    engine: t.engine as FakeEngine,
    token,
    ocr: ({ image, headers = {}, path = PASSPORT_PATH, payload } = {}) =>
      t.app.inject({
        method: 'POST',
        url: path,
        headers: { 'x-auth-token': token, ...headers },
        payload: (payload ?? (image ? { image: image.toString('base64') } : {})) as object,
      }),
  };
}

/**
 * For the fuzzing, hostile-image and fault tests: never waits, never runs OCR (unless given an engine), never
 * throttles, and never fetches beyond what a test allows.
 */
export async function buildQuietApp(options: Omit<TestAppOptions, 'recordSleeps' | 'clock'> = {}): Promise<TestApp> {
  return buildTestApp({
    engine: new FakeEngine(undefined, { record: false }),
    ...options,
    recordSleeps: true,
    config: {
      rateLimitPerMinute: 10_000_000,
      // Loopback refused too: any url a case carries is judged without a connection.
      urlAllowLoopback: false,
      urlTimeoutMs: 300,
      ...options.config,
    },
  });
}

export type QuietApp = TestApp;

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
