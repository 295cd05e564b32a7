/**
 * Gateway authentication for vendor routes. A request carries either `X-Auth-Token` (checked in onRequest,
 * before the body is read, as the gateway does) or an AK/SK signature (checked in preValidation, because the
 * signature covers the raw body bytes). The caller's project is matched against the path's `project_id`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyToken, type TokenErrorFamily } from './token.js';
import { ApiError } from '../errors/catalogue.js';
import type { Clock } from '../clock.js';
import type { IdentityDirectory } from './identities.js';

export interface Caller {
  projectId: string;
  method: 'token' | 'aksk';
  /** The user or access key, for the journal and logs. */
  principal: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/**
 * Checks a signed request: at stage `headers`, before the body is read, what needs no body (shape, AK, date,
 * lockout, project); at stage `body`, the signature over the raw body, setting `request.caller`. Throws on failure.
 */
export type SignatureAuthenticator = (request: FastifyRequest, reply: FastifyReply, stage: 'headers' | 'body') => Promise<void>;

function hasToken(request: FastifyRequest): boolean {
  const token = request.headers['x-auth-token'];
  return typeof token === 'string' && token.trim() !== '';
}

/** A request the signature path should take: no token, but an `Authorization` header. */
export function isSigned(request: FastifyRequest): boolean {
  return !hasToken(request) && request.headers.authorization !== undefined;
}

/** Who may authenticate, as the request's gateway view has it. */
export type IdentitiesOf = (request: FastifyRequest) => IdentityDirectory;

/** The family that answers a bad token for this request: its `X-Mock-Scenario: token-errors=…`, else the setting. */
export type TokenErrorsOf = (request: FastifyRequest) => TokenErrorFamily;

export function tokenAuthenticator(secret: string, clock: Clock, tokenErrors: TokenErrorsOf = () => 'apig', identities?: IdentitiesOf) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const claims = verifyToken(request.headers['x-auth-token'] as string | undefined, secret, clock.now(), tokenErrors(request));
    // A token outlives nothing it was issued for: its user removed (or taken off the project) invalidates it.
    if (identities && !identities(request).hasMember(claims.domain, claims.user, claims.projectId)) throw ApiError.of('ModelArts.0203');
    const { project_id: projectId } = request.params as { project_id: string };
    if (claims.projectId !== projectId) throw ApiError.of('ModelArts.4203');
    request.caller = { projectId, method: 'token', principal: `${claims.domain}/${claims.user}` };
  };
}

/**
 * The two hooks of gateway authentication. A token wins when both are sent; with neither, the token check's
 * answer for a missing token (APIG.0301 `x-auth-token not found`, or ModelArts.4101 in the `modelarts` family).
 */
export function gatewayAuthentication(options: { tokenSecret: string; clock: Clock; signature: SignatureAuthenticator; tokenErrors?: TokenErrorsOf; identities?: IdentitiesOf }) {
  const token = tokenAuthenticator(options.tokenSecret, options.clock, options.tokenErrors, options.identities);
  return {
    onRequest: async function authenticateToken(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (isSigned(request)) await options.signature(request, reply, 'headers');
      else await token(request);
    },
    preValidation: async function authenticateSignature(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (request.caller) return;
      await options.signature(request, reply, 'body');
    },
  };
}
