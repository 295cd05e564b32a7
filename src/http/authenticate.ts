/**
 * Gateway authentication for vendor routes: the `X-Auth-Token` header, checked before the body is read,
 * and the token's project matched against the path's `project_id`.
 */
import type { FastifyRequest } from 'fastify';
import { verifyToken } from '../auth/token.js';
import { ApiError } from '../errors/catalogue.js';
import type { Clock } from '../clock.js';

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

export function tokenAuthenticator(secret: string, clock: Clock) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const claims = verifyToken(request.headers['x-auth-token'] as string | undefined, secret, clock.now());
    const { project_id: projectId } = request.params as { project_id: string };
    if (claims.projectId !== projectId) throw ApiError.of('ModelArts.4203');
    request.caller = { projectId, method: 'token', principal: `${claims.domain}/${claims.user}` };
  };
}
