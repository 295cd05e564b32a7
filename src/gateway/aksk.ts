/**
 * AK/SK authentication for vendor routes: the pure verifier (src/gateway/signature.ts) fed with the request
 * exactly as received (raw request-target, headers, raw body bytes), behind the 5-failure lockout.
 * Runs in preValidation, once the body has been read. Details of a refusal are logged at debug level and, with
 * `debugSignatures`, returned in response headers so a user can diff them against their own signer's.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignatureLockoutTable } from './lockouts.js';
import type { GatewayView } from './settings.js';
import { DEFAULT_MAX_SKEW_MS, parseAuthorization, splitRequestTarget, verifySignatureWithLockout, type LockoutVerifyResult } from './signature.js';
import type { MaybePromise } from '../store/store.js';
import type { Clock } from '../clock.js';
import type { AccessKeyPair } from '../config.js';
import { ApiError } from '../errors/catalogue.js';
import type { SignatureAuthenticator } from './authenticate.js';

/** Response headers carrying the server's side of a failed signature when `debugSignatures` is on. */
export const DEBUG_HEADERS = {
  canonicalRequest: 'X-Mock-Canonical-Request',
  stringToSign: 'X-Mock-String-To-Sign',
  detail: 'X-Mock-Signature-Detail',
} as const;

export interface SignatureOptions {
  /** The key pairs and identities the request was admitted under: the admin API may change them at run time. */
  view: (request: FastifyRequest) => GatewayView;
  clock: Clock;
  /** The lockout table for this request's AK: one per namespace, so one test's failures never lock another's key. */
  lockout: (request: FastifyRequest, access: string, now: number) => MaybePromise<SignatureLockoutTable>;
  debugSignatures: boolean;
}

const EMPTY = new Uint8Array(0);

/** For a request whose Authorization names no AK: nothing to lock, and `verifySignatureWithLockout` asks nothing. */
const NO_LOCKOUT: SignatureLockoutTable = { isLocked: () => false, recordFailure: () => undefined, recordSuccess: () => undefined };

function accessOf(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  return typeof authorization === 'string' ? parseAuthorization(authorization)?.access : undefined;
}

// Both texts span lines and may hold any character a client sent; base64 keeps them header-safe and exact.
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, '?');

type Failure = Extract<LockoutVerifyResult, { ok: false }>;

function exposeFailure(reply: FastifyReply, failure: Failure): void {
  if (failure.canonicalRequest !== undefined) reply.header(DEBUG_HEADERS.canonicalRequest, base64(failure.canonicalRequest));
  if (failure.stringToSign !== undefined) reply.header(DEBUG_HEADERS.stringToSign, base64(failure.stringToSign));
  reply.header(DEBUG_HEADERS.detail, printable(failure.detail));
}

/** Signed headers whose values are credentials: their lines in a logged canonical request are redacted. */
const SECRET_HEADERS = /^(x-security-token|x-auth-token|authorization|cookie|x-mock-admin-token|x-subject-token):.*$/gim;

/** The canonical request as logs may show it: every line the same, but a credential's value. */
export function redactCanonicalRequest(canonical: string): string {
  return canonical.replace(SECRET_HEADERS, '$1:[redacted]');
}

export function signatureAuthenticator(options: SignatureOptions): SignatureAuthenticator {
  return async function authenticateSignature(request: FastifyRequest, reply: FastifyReply, stage): Promise<void> {
    const { path, query } = splitRequestTarget(request.raw.url ?? request.url);
    const view = options.view(request);
    const now = options.clock.now();
    const access = accessOf(request);
    const table = access === undefined ? NO_LOCKOUT : options.lockout(request, access, now);
    const lockout = table instanceof Promise ? await table : table;
    const result = verifySignatureWithLockout({
      request: { method: request.raw.method ?? request.method, path, query, headers: request.raw.headers, body: request.rawBody ?? EMPTY },
      lookupSecret: (ak) => view.accessKey(ak)?.sk,
      now,
      maxSkewMs: DEFAULT_MAX_SKEW_MS,
      lockout,
      headersOnly: stage === 'headers',
    });
    const committed = lockout.commit?.();
    if (committed) await committed;
    if (!result.ok) {
      // Signed headers may include temporary credentials' X-Security-Token: never in the log in clear.
      const canonicalRequest = result.canonicalRequest === undefined ? undefined : redactCanonicalRequest(result.canonicalRequest);
      request.log.debug({ access: result.access, detail: result.detail, canonicalRequest, stringToSign: result.stringToSign }, 'AK/SK signature refused');
      if (options.debugSignatures) exposeFailure(reply, result);
      throw ApiError.iam(result.reason);
    }

    const pair = view.accessKey(result.access) as AccessKeyPair;
    const { project_id: projectId } = request.params as { project_id: string };
    // A key pair belongs to a domain; it may call any project of that domain, and no other.
    if (!view.identities.projectsOfDomain(pair.domain).some((project) => project.id === projectId)) {
      throw ApiError.of('ModelArts.4203');
    }
    // The body-free checks passed: the signature itself is checked once the body has been read.
    if (stage === 'headers') return;
    request.caller = { projectId, method: 'aksk', principal: pair.ak };
  };
}
