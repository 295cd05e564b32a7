/**
 * AK/SK authentication for vendor routes: the pure verifier (src/gateway/signature.ts) fed with the request
 * exactly as received (raw request-target, headers, raw body bytes), behind the 5-failure lockout.
 * Runs in preValidation, once the body has been read. Details of a refusal are logged at debug level and, with
 * `debugSignatures`, returned in response headers so a user can diff them against their own signer's.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdentityDirectory } from './identities.js';
import { type AkLockoutTable, DEFAULT_MAX_SKEW_MS, splitRequestTarget, verifySignatureWithLockout, type LockoutVerifyResult } from './signature.js';
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
  /** Looked up per request: the admin API may change the key pairs and identities at run time. */
  accessKey: (ak: string) => AccessKeyPair | undefined;
  identities: () => IdentityDirectory;
  clock: Clock;
  /** The lockout table for this request: one per namespace, so one test's failures never lock another's key. */
  lockout: (request: FastifyRequest) => AkLockoutTable;
  debugSignatures: boolean;
}

const EMPTY = new Uint8Array(0);

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
    const result = verifySignatureWithLockout({
      request: { method: request.raw.method ?? request.method, path, query, headers: request.raw.headers, body: request.rawBody ?? EMPTY },
      lookupSecret: (ak) => options.accessKey(ak)?.sk,
      now: options.clock.now(),
      maxSkewMs: DEFAULT_MAX_SKEW_MS,
      lockout: options.lockout(request),
      headersOnly: stage === 'headers',
    });
    if (!result.ok) {
      // Signed headers may include temporary credentials' X-Security-Token: never in the log in clear.
      const canonicalRequest = result.canonicalRequest === undefined ? undefined : redactCanonicalRequest(result.canonicalRequest);
      request.log.debug({ access: result.access, detail: result.detail, canonicalRequest, stringToSign: result.stringToSign }, 'AK/SK signature refused');
      if (options.debugSignatures) exposeFailure(reply, result);
      throw ApiError.iam(result.reason);
    }

    const pair = options.accessKey(result.access) as AccessKeyPair;
    const { project_id: projectId } = request.params as { project_id: string };
    // A key pair belongs to a domain; it may call any project of that domain, and no other.
    if (
      !options
        .identities()
        .projectsOfDomain(pair.domain)
        .some((project) => project.id === projectId)
    ) {
      throw ApiError.of('ModelArts.4203');
    }
    // The body-free checks passed: the signature itself is checked once the body has been read.
    if (stage === 'headers') return;
    request.caller = { projectId, method: 'aksk', principal: pair.ak };
  };
}
