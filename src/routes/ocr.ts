/** One route per registered document type: authenticate, take the image in, recognise, answer. */
import { Type, type TObject } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '../errors/catalogue.js';
import { errorResponses } from '../http/schemas.js';
import { checkImage, decodeBase64Image } from '../image/intake.js';
import { PreparedImage } from '../image/prepare.js';
import type { OcrEngine } from '../ocr/engine.js';
import type { Clock } from '../clock.js';
import type { DocumentType } from '../recognition/document.js';

export interface OcrRouteOptions {
  documents: readonly DocumentType[];
  engine: OcrEngine;
  clock: Clock;
  authenticate: (request: import('fastify').FastifyRequest) => Promise<void>;
  /** Gets the bytes behind a `url` field. */
  fetchImage: (url: string) => Promise<Buffer>;
}

function requestSchema(document: DocumentType): TObject {
  return Type.Object({
    image: Type.Optional(Type.String({ description: 'Base64 of the image file, at most 10 MB, no data: prefix' })),
    url: Type.Optional(Type.String({ description: 'URL of the image; set exactly one of image and url' })),
    ...document.requestFields,
  });
}

export const ocrRoutes: FastifyPluginAsyncTypebox<OcrRouteOptions> = async (app, options) => {
  const { documents, engine, clock, authenticate, fetchImage } = options;
  for (const document of documents) {
    app.post(
      `/v2/:project_id/ocr/${document.api}`,
      {
        onRequest: authenticate,
        schema: {
          summary: `${document.title} recognition`,
          tags: ['OCR'],
          params: Type.Object({ project_id: Type.String() }),
          body: requestSchema(document),
          response: { 200: Type.Object({ result: document.resultSchema }), ...errorResponses },
        },
      },
      async (request) => {
        const { image, url, ...extra } = request.body as { image?: string; url?: string } & Record<string, unknown>;
        if ((image === undefined) === (url === undefined)) throw ApiError.of('AIS.0101');
        const bytes = image !== undefined ? decodeBase64Image(image) : await fetchImage(url as string);
        const prepared = await PreparedImage.from(checkImage(bytes, document.limits));
        return { result: await document.recognize({ image: prepared, engine, now: clock.now(), options: extra }) };
      },
    );
  }
};
