/** The programmatic API: build an app for `inject`, start a listening server for test setup, drive its admin API. */
export { buildApp, type AppOptions } from './app.js';
export { startMockServer, type MockServer, type StartOptions } from './server.js';
export { loadConfig, defaultConfig, DEFAULT_PROJECT, type Config } from './config.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
export { ERROR_CATALOGUE, ApiError, type ErrorCode } from './errors/catalogue.js';
export type { OcrEngine, OcrRequest, OcrResult } from './ocr/engine.js';
export {
  AdminClient,
  AdminApiError,
  fault,
  stub,
  injectTransport,
  type AdminClientOptions,
  type ConfigPatch,
  type ConfigView,
  type Fault,
  type FaultSpec,
  type Handler,
  type JournalEntry,
  type JournalQuery,
  type Stub,
  type StubInput,
  type Transport,
} from './client/admin-client.js';
export type { Sleeper } from './mock/outcomes.js';
