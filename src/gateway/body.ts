/**
 * Request bodies: how much is read, for whom, and when it becomes JSON.
 *
 * - Nothing is read for an unknown path (app.ts answers it in onRequest), nor for an OCR request whose token or
 *   signature headers already fail (the gateway's onRequest).
 * - Limits: IAM and the admin API take small bodies (`SMALL_BODY_LIMIT`); OCR routes take `bodyLimitBytes` when
 *   signed with AK/SK (the gateway's 12 MB) and `tokenBodyLimitBytes` with a token (ModelArts' 10 MB). More is
 *   `ModelArts.4104`, refused by `Content-Length` before a byte is read, or as soon as a chunked body passes it.
 * - Content type: JSON is the documented default, so a body without `Content-Type` is read as JSON; any other type
 *   than `application/json` is `ModelArts.4105`, held (like unparseable JSON) until the caller is authenticated.
 * - OCR routes keep the raw bytes (AK/SK signatures cover them) and parse them only after authentication
 *   (`parseHeldBody`, from the gateway). Every parse first scans the bytes for nesting and value counts
 *   (`exceedsJsonLimits`), so no body can make `JSON.parse` build millions of objects.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/catalogue.js';
import { exceedsJsonLimits } from './json-depth.js';

/** IAM and admin bodies (a token request is ~300 bytes, an admin config patch a few KB). */
export const SMALL_BODY_LIMIT = 64 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received, for AK/SK signatures and a parse after authentication. */
    rawBody?: Buffer;
    /** A body that could not be taken as JSON; answered only once the caller is authenticated, as the backend would. */
    bodyError?: ApiError;
  }
  interface FastifyContextConfig {
    /** Keep the raw bytes and leave parsing to the route's own hooks (`parseHeldBody`), after authentication. */
    deferBodyParsing?: boolean;
  }
}

/** JSON text to a value, or undefined when it is not JSON we take (empty, invalid, too deep, too many values). */
export function parseJson(raw: Buffer): { value: unknown } | undefined {
  if (raw.length === 0 || exceedsJsonLimits(raw)) return undefined;
  try {
    return { value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return undefined;
  }
}

function take(request: FastifyRequest, raw: Buffer, isJson: boolean): unknown {
  request.rawBody = raw;
  if (!isJson) {
    request.bodyError = ApiError.of('ModelArts.4105');
    return undefined;
  }
  if (request.routeOptions.config?.deferBodyParsing) return undefined;
  const parsed = parseJson(raw);
  if (!parsed) request.bodyError = ApiError.of('ModelArts.4105');
  return parsed?.value;
}

/** Replaces fastify's parsers (its text/plain parser included) with the rule above. Before any route. */
export function registerBodyParsing(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    done(null, take(request, body as Buffer, true));
  });
  // Everything else, and bodies with no Content-Type at all (fastify passes those here as '').
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    done(null, take(request, body as Buffer, request.headers['content-type'] === undefined));
  });
}

/** For routes with `deferBodyParsing`: once the caller is authenticated, the held refusal or the parsed body. */
export function parseHeldBody(request: FastifyRequest): void {
  if (request.bodyError) throw request.bodyError;
  if (request.rawBody === undefined || request.body !== undefined) return;
  const parsed = parseJson(request.rawBody);
  if (!parsed) throw ApiError.of('ModelArts.4105');
  request.body = parsed.value;
}

/** Counts a chunked body's bytes and fails the read with ModelArts.4104 once it passes `limit`. */
class LimitedBody extends Transform {
  private received = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.limit) callback(ApiError.of('ModelArts.4104'));
    else callback(null, chunk);
  }
}

/**
 * A preParsing step enforcing a limit chosen per request (fastify's `bodyLimit` is per route). By `Content-Length`
 * before reading; a chunked body is counted as it arrives.
 */
export function limitBody(request: FastifyRequest, payload: NodeJS.ReadableStream, limit: number): NodeJS.ReadableStream {
  const declared = request.headers['content-length'];
  if (declared !== undefined) {
    if (Number(declared) > limit) throw ApiError.of('ModelArts.4104');
    return payload;
  }
  const limited = new LimitedBody(limit);
  payload.on('error', (error: Error) => limited.destroy(error));
  return payload.pipe(limited);
}
