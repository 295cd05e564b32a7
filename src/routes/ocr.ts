/** One route per registered document type: the gateway's checks, then take the image in, recognise, answer. */
import { Type, type TObject } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../errors/catalogue.js';
import type { Gateway } from '../gateway/pipeline.js';
import { errorResponses } from '../gateway/vendor-errors.js';
import { checkImage, decodeBase64Image } from '../image/intake.js';
import { PreparedImage } from '../image/prepare.js';
import { engineFor, type OcrEngine } from '../ocr/engine.js';
import type { Clock } from '../clock.js';
import type { DocumentType } from '../recognition/document.js';
import { resultCacheKey, type ResultCache } from '../cache/result-cache.js';

export interface OcrRouteOptions {
  documents: readonly DocumentType[];
  engine: OcrEngine;
  clock: Clock;
  gateway: Gateway;
  /** Gets the bytes behind a `url` field. */
  fetchImage: (url: string) => Promise<Buffer>;
  /** Results by image content: the same image is recognised once. */
  cache: ResultCache;
  /** A recognition (queueing included) not done within this is given up with ModelArts.4402. */
  timeoutMs: number;
}

/**
 * Aborted when the request is given up: its client closed the connection before the answer (ModelArts.4402 is
 * only for the journal: nobody reads it), or `timeoutMs` passed. Its engine calls then leave the queue.
 */
function givenUp(reply: FastifyReply, timeoutMs: number): AbortSignal {
  const controller = new AbortController();
  // Counted from the request's arrival: reading its body and any wait before recognition are the client's wait too.
  const timer = setTimeout(() => controller.abort(ApiError.of('ModelArts.4402')), Math.max(0, timeoutMs - reply.elapsedTime));
  timer.unref();
  reply.raw.once('close', () => {
    clearTimeout(timer);
    if (!reply.raw.writableEnded) controller.abort(ApiError.of('ModelArts.4402'));
  });
  return controller.signal;
}

/** JSON text with a JSON type is sent as it is: fastify serialises only objects. */
function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}

function requestSchema(document: DocumentType): TObject {
  return Type.Object({
    image: Type.Optional(Type.String({ description: 'Base64 of the image file, at most 10 MB, no data: prefix' })),
    url: Type.Optional(Type.String({ description: 'http(s) URL of the image; set exactly one of image and url' })),
    ...document.requestFields,
  });
}

const RequestHeaders = Type.Object({
  'x-auth-token': Type.Optional(Type.String({ description: 'An IAM token; or sign the request with AK/SK instead' })),
  'x-sdk-date': Type.Optional(Type.String({ description: 'AK/SK signing time, YYYYMMDDTHHMMSSZ' })),
  authorization: Type.Optional(Type.String({ description: 'SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…' })),
  'x-mock-scenario': Type.Optional(
    Type.String({
      description: 'Mock only: error=<code>, delay=<n>ms|<n>s, drop (separated by ;) force this outcome; token-errors=apig|modelarts words a token refusal',
    }),
  ),
  'x-mock-namespace': Type.Optional(Type.String({ description: 'Mock only: keeps journal, faults, stubs and counters apart; default the project id' })),
});

/** Rejects with the signal's reason when it aborts; never settles otherwise. */
function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export const ocrRoutes: FastifyPluginAsyncTypebox<OcrRouteOptions> = async (app, options) => {
  const { documents, engine, clock, gateway, fetchImage, cache, timeoutMs } = options;
  for (const document of documents) {
    app.post(
      `/v2/:project_id/ocr/${document.api}`,
      {
        onRequest: gateway.onRequest,
        preParsing: gateway.preParsing,
        preValidation: gateway.preValidation(document),
        bodyLimit: gateway.bodyLimit,
        // Kept raw until the caller is authenticated (see src/gateway/body.ts).
        config: { api: document.api, deferBodyParsing: true },
        schema: {
          summary: `${document.title} recognition`,
          tags: ['OCR'],
          headers: RequestHeaders,
          params: Type.Object({ project_id: Type.String() }),
          body: requestSchema(document),
          response: { 200: Type.Object({ result: document.resultSchema }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { image, url, ...rest } = request.body as { image?: string; url?: string } & Record<string, unknown>;
        // Only the fields the document declares reach recognition and the cache key; unknown ones are ignored.
        const extra = Object.fromEntries(
          Object.keys(document.requestFields)
            .filter((k) => k in rest)
            .map((k) => [k, rest[k]]),
        );
        if ((image === undefined) === (url === undefined)) throw ApiError.of('AIS.0101');
        return gateway.withSlot(request, async () => {
          const bytes = image !== undefined ? decodeBase64Image(image) : await fetchImage(url as string);
          // Admin faults for this image, or a stub's stored answer in place of recognition.
          const verdict = await gateway.receiveImage(request, reply, document, bytes);
          if (verdict.kind === 'dropped') return reply;
          if (verdict.kind === 'stub') return { result: verdict.result };
          const key = resultCacheKey(document.api, bytes, extra);
          const cached = cache.get(key);
          if (cached !== undefined) return sendJsonText(reply, cached);
          const signal = givenUp(reply, timeoutMs);
          const prepared = await PreparedImage.from(checkImage(bytes, document.limits));
          // Given up, the request answers ModelArts.4402 whatever the recogniser made of its failed engine calls.
          const recognition = document
            .recognize({ image: prepared, engine: engineFor(engine, signal), now: clock.now(), options: extra })
            .catch((error: unknown) => Promise.reject(signal.aborted ? signal.reason : error));
          // The answer does not wait for a call already running when the request is given up.
          const result = await Promise.race([recognition, rejectOnAbort(signal)]);
          // Serialised once, by the route's response schema (fast-json-stringify: text), for this answer and every hit after it.
          const json = reply.serialize({ result }) as string;
          cache.set(key, json);
          return sendJsonText(reply, json);
        });
      },
    );
  }
};
