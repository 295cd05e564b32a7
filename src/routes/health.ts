/**
 * `GET /health`: 200 once the OCR engine is warm (or at once when warm-up is off) and every dependency the state lives
 * in answers; 503 before, or while one is down, naming it. Container health checks and load balancers wait on it.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { DependencyHealth } from '../store/store.js';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('starting'), Type.Literal('unavailable')]),
  /** Only with a shared state store: each dependency and whether it answers (`{"redis": "down"}`). */
  dependencies: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Literal('up'), Type.Literal('down')]))),
});

export interface HealthOptions {
  ready: () => boolean;
  /** Empty for the memory store, which has none. */
  dependencies: () => DependencyHealth;
}

export const healthRoutes: FastifyPluginAsyncTypebox<HealthOptions> = async (app, { ready, dependencies }) => {
  app.get('/health', { schema: { summary: 'Readiness', tags: ['Mock'], response: { 200: Health, 503: Health } } }, async (_request, reply) => {
    const dependencyHealth = dependencies();
    const named = Object.keys(dependencyHealth).length > 0 ? { dependencies: dependencyHealth } : {};
    if (Object.values(dependencyHealth).includes('down')) return reply.code(503).send({ status: 'unavailable', ...named });
    return ready() ? reply.send({ status: 'ok', ...named }) : reply.code(503).send({ status: 'starting', ...named });
  });
};
