/**
 * One log line per request, at info, once the answer has gone out: method, URL, status, time taken and, for a vendor
 * error, its code. Replaces fastify's two lines per request ("incoming request", "request completed"), so
 * `LOG_LEVEL=info` reads as an access log. At debug, each request's arrival is logged too, and why a request was
 * refused (the error's cause, a forced outcome). Headers and bodies are never logged (they hold tokens and images).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

const dropped = new WeakSet<FastifyRequest>();

/** The one line of a request whose connection is dropped on purpose: it gets no answer, so onResponse cannot tell. */
export function logDropped(request: FastifyRequest): void {
  dropped.add(request);
  const forcedBy = request.mock?.forcedBy ?? 'scenario';
  request.log.info({ method: request.method, url: request.url, forcedBy }, `${request.method} ${request.url} dropped (forced by ${forcedBy})`);
}

/** One line per answered request, with the vendor error code and what forced it (kept in `request.mock`). */
export function registerRequestLog(app: FastifyInstance): void {
  // At debug, also when a request arrives: what is in flight when a client hangs or a shutdown waits.
  app.addHook('onRequest', async (request) => {
    request.log.debug({ method: request.method, url: request.url }, `incoming request ${request.method} ${request.url}`);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (dropped.has(request)) return;
    const errorCode = request.mock?.errorCode ?? undefined;
    const forcedBy = request.mock?.forcedBy ?? undefined;
    const responseTime = Math.round(reply.elapsedTime);
    request.log.info(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        responseTime,
        ...(errorCode ? { errorCode } : {}),
        ...(forcedBy ? { forcedBy } : {}),
      },
      `${request.method} ${request.url} ${reply.statusCode}${errorCode ? ` ${errorCode}` : ''}${forcedBy ? ` (forced by ${forcedBy})` : ''} ${responseTime} ms`,
    );
  });
}
