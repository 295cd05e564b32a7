import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors/catalogue.js';
import { ENGINE_FAILURE_CODES, engineFailureToApiError } from '../../src/errors/engine-failures.js';
import { EngineError } from '../../src/ocr/engine.js';

describe('engine failures', () => {
  it('become the vendor code the real service answers for the same fault, in one table', () => {
    expect(ENGINE_FAILURE_CODES).toEqual({ timeout: 'ModelArts.4402', crashed: 'ModelArts.4502', closed: 'ModelArts.4508', failed: 'AIS.0105' });
    const mapped = engineFailureToApiError(new EngineError('crashed', { cause: 'thread exited with code 1' }));
    expect(mapped).toBeInstanceOf(ApiError);
    expect({ code: mapped?.code, status: mapped?.status, cause: mapped?.cause }).toEqual({ code: 'ModelArts.4502', status: 502, cause: 'thread exited with code 1' });
  });

  it('leaves anything else alone', () => {
    expect(engineFailureToApiError(new Error('boom'))).toBeUndefined();
    expect(engineFailureToApiError(ApiError.of('AIS.0104'))).toBeUndefined();
  });
});
