/**
 * The one place an OCR engine's failure becomes a vendor code. The engine reports what happened in its own terms
 * (src/ocr/engine.ts `EngineError`); the gateway answers what the real service answers for the same fault.
 */
import { EngineError, type EngineFailureKind } from '../ocr/engine.js';
import { ApiError, type ErrorCode } from './catalogue.js';

export const ENGINE_FAILURE_CODES: Readonly<Record<EngineFailureKind, ErrorCode>> = {
  /** The backend did not answer in time. */
  timeout: 'ModelArts.4402',
  /** The backend's worker died mid-call: its answer is broken. */
  crashed: 'ModelArts.4502',
  /** The backend is shutting down. */
  closed: 'ModelArts.4508',
  /** The backend ran and could not read the image. */
  failed: 'AIS.0105',
};

/** The vendor error for an engine failure, its cause kept for the log; undefined for anything else. */
export function engineFailureToApiError(error: unknown): ApiError | undefined {
  if (!(error instanceof EngineError)) return undefined;
  const apiError = ApiError.of(ENGINE_FAILURE_CODES[error.kind]);
  if (error.cause !== undefined) apiError.cause = error.cause;
  return apiError;
}
