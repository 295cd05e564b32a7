/** `GET /health`: 200 once the OCR engine is warm (or at once when warm-up is off), 503 before; container health checks wait on it. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const Health = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('starting')]) });

export const healthRoutes: FastifyPluginAsyncTypebox<{ ready: () => boolean }> = async (app, { ready }) => {
  app.get('/health', { schema: { summary: 'Readiness', tags: ['Mock'], response: { 200: Health, 503: Health } } }, async (_request, reply) =>
    ready() ? reply.send({ status: 'ok' }) : reply.code(503).send({ status: 'starting' }),
  );
};
