/** Shared by the fuzzing and hostile-input tests. */
import { API_NAMES } from '../../src/apis.js';

/** The registry's APIs. */
export const OCR_APIS = API_NAMES;

/** Fixed by default so CI is repeatable; `FUZZ_SEED=<n>` explores other inputs (see docs/reliability.md). */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20260107);
