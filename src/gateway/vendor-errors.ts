/**
 * Maps everything that can go wrong in a request, ours or fastify's, to a row of the vendor catalogue,
 * so a client never sees a fastify-shaped error or a bare 500.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ApiError, toEnvelope, type ErrorCode } from '../errors/catalogue.js';
import { engineFailureToApiError } from '../errors/engine-failures.js';
import { StoreUnavailableError } from '../store/store.js';

/**
 * What a vendor call answers while the shared state store (Redis) is unreachable: the gateway could not get an
 * answer from what stands behind it (502). Not ModelArts.4403, which already means this replica is shutting down,
 * so a client can tell the two apart; both clear by themselves.
 */
export const STORE_UNAVAILABLE_CODE: ErrorCode = 'ModelArts.4503';

/** The vendor error envelope, shared by every vendor route's response schemas. */
export const ErrorEnvelopeSchema = Type.Object(
  {
    error_code: Type.String(),
    error_msg: Type.String(),
    request_id: Type.Optional(Type.String()),
  },
  { $id: 'ErrorEnvelope', description: 'The vendor error envelope' },
);

/** Response entries for every error status a vendor route may answer. */
export const errorResponses = {
  '4xx': ErrorEnvelopeSchema,
  '5xx': ErrorEnvelopeSchema,
} as const;

/** Fastify's own error codes and the vendor code a real gateway answers for the same fault. */
const FASTIFY_ERROR_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'ModelArts.4104',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ModelArts.4104',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ModelArts.4105',
  FST_ERR_CTP_INVALID_JSON_BODY: 'ModelArts.4105',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ModelArts.4105',
  FST_ERR_CTP_INVALID_TYPE: 'ModelArts.4105',
  FST_ERR_BAD_URL: 'ModelArts.4202',
  FST_ERR_MAX_PARAM_LENGTH: 'ModelArts.4202',
};

export function toApiError(error: FastifyError | Error): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof StoreUnavailableError) {
    const unavailable = ApiError.of(STORE_UNAVAILABLE_CODE);
    unavailable.cause = error.cause;
    return unavailable;
  }
  const engineFailure = engineFailureToApiError(error);
  if (engineFailure) return engineFailure;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return ApiError.of('AIS.0101');
  const mapped = fastifyError.code ? FASTIFY_ERROR_CODES[fastifyError.code] : undefined;
  if (mapped) return ApiError.of(mapped);
  // A client-side fault fastify raised that has no specific row: the request is invalid.
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return ApiError.of('AIS.0101');
  }
  return undefined;
}

/**
 * Seconds a client should wait before retrying, sent as `Retry-After` with these codes. (APIG.0308's comes from the
 * throttle, which knows when its window ends.) Overload clears within a recognition or two.
 */
const RETRY_AFTER: Partial<Record<ErrorCode, number>> = { 'ModelArts.4401': 1 };

export function sendApiError(reply: FastifyReply, error: ApiError): FastifyReply {
  // The journal keeps the code; reading it back from the serialised body would be slower and less certain.
  if (reply.request.mock) reply.request.mock.errorCode = error.code;
  const retryAfter = RETRY_AFTER[error.code];
  if (retryAfter !== undefined && !reply.hasHeader('retry-after')) reply.header('Retry-After', String(retryAfter));
  return reply.code(error.status).send(toEnvelope(error, String(reply.request.id)));
}

/**
 * For fastify's `clientErrorHandler`: what Node refuses before fastify sees a request (a malformed request line or
 * header, headers over 16 KB, a request not received within `headersTimeoutMs` / `requestTimeoutMs`) is answered
 * in the vendor envelope too, then the connection is closed. A request that did not arrive in time is
 * `ModelArts.4104` (its body did not match its declared length); anything else malformed is `AIS.0101`.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // As Node's own handler: never a second answer on a connection whose response has begun (a client that stalls
  // after its request was already answered is just closed).
  const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  const apiError = ApiError.of(error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'ModelArts.4104' : 'AIS.0101');
  this.log.debug({ err: error, error_code: apiError.code }, 'client error');
  if (socket.writable && !answering) {
    // No request id: no request was ever formed. Gateway (APIG.*) rows would carry one; these two rows do not.
    const body = JSON.stringify(toEnvelope(apiError, ''));
    socket.write(
      `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status] ?? ''}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * For fastify's `frameworkErrors` option. The router refuses some requests before any hook or error handler runs (a
 * malformed percent-escape in the path, a path parameter over `maxParamLength`) and would answer in fastify's own
 * shape; this gives them the vendor envelope like everything else.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error) ?? ApiError.of('ModelArts.4202');
  request.log.debug({ error_code: apiError.code, cause: error.code }, apiError.message);
  reply.header('X-Request-Id', request.id);
  void sendApiError(reply, apiError);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(error);
    if (apiError) {
      // The cause says why, e.g. which address a URL resolved to; the client only ever sees the vendor row.
      const cause = apiError.cause instanceof Error ? apiError.cause.message : apiError.cause;
      const level = error instanceof StoreUnavailableError ? 'warn' : 'debug';
      request.log[level]({ error_code: apiError.code, ...(cause !== undefined ? { cause } : {}) }, apiError.message);
      return sendApiError(reply, apiError);
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendApiError(reply, ApiError.of('ModelArts.4505'));
  });

  // Unknown paths and wrong methods alike: the gateway has no such API.
  app.setNotFoundHandler((_request, reply) => sendApiError(reply, ApiError.of('APIG.0101')));
}
