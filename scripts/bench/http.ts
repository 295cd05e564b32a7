/** The benchmark's HTTP client: loopback only, every request bounded by a timeout. */
import { DEFAULT_PROJECT } from '../../src/config.js';

export const PROJECT_ID = DEFAULT_PROJECT.id;
export const REQUEST_TIMEOUT_MS = 120_000;

export const ocrPath = (api: string) => `/v2/${PROJECT_ID}/ocr/${api}`;

/** The token request for the default sandbox identity (as test/helpers/iam.ts's tokenRequestBody builds it). */
export const TOKEN_REQUEST_BODY = JSON.stringify({
  auth: {
    identity: {
      methods: ['password'],
      password: { user: { name: 'mock-user', password: 'mock-password', domain: { name: 'mock-domain' } } },
    },
    scope: { project: { name: DEFAULT_PROJECT.name } },
  },
});

export async function getToken(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: TOKEN_REQUEST_BODY,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const token = response.headers.get('x-subject-token');
  await response.arrayBuffer();
  if (response.status !== 201 || !token) throw new Error(`token request answered ${response.status}`);
  return token;
}

export interface Timed {
  status: number;
  /** From sending the request to having read the whole response. */
  ms: number;
  /** The vendor error code of a refusal. */
  errorCode?: string;
  body: string;
}

export async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Timed> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  const elapsed = performance.now() - started;
  let errorCode: string | undefined;
  if (response.status !== 200) {
    try {
      errorCode = (JSON.parse(text) as { error_code?: string }).error_code;
    } catch {
      errorCode = undefined;
    }
  }
  return { status: response.status, ms: elapsed, body: text, ...(errorCode ? { errorCode } : {}) };
}

/** Runs `count` jobs with at most `concurrency` in flight; resolves with their results in job order. */
export async function runPool<T>(count: number, concurrency: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await job(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return results;
}
