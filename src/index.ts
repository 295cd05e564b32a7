/** The programmatic API: build an app for `inject`, or start a listening server for test setup. */
export { buildApp, type AppOptions } from './app.js';
export { startMockServer, type MockServer, type StartOptions } from './server.js';
export { loadConfig, defaultConfig, DEFAULT_PROJECT, type Config } from './config.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
export { ERROR_CATALOGUE, ApiError, type ErrorCode } from './errors/catalogue.js';
export type { OcrEngine, OcrRequest, OcrResult } from './ocr/engine.js';
