import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const readinessSchema = z.object({
  ready: z.boolean(),
  status: z.enum(['ready', 'degraded', 'unavailable']),
  checks: z.record(
    z.string(),
    z.object({ ok: z.boolean(), detail: z.string().optional(), degraded: z.boolean().optional() }),
  ),
});

/** Health endpoints live outside /api/v1: probes and keep-warm pings (spec §8) call them unauthenticated. */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process answers; touches nothing',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    () => app.services.health.liveness(),
  );

  app.get(
    '/readyz',
    {
      config: { rateLimit: false },
      schema: {
        tags: ['health'],
        summary:
          'Readiness: 503 when the database or migrations fail, or while a starting instance warms its search cache; Redis down answers 200 with status "degraded"',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      const readiness = await app.services.health.readiness();
      return reply.status(readiness.ready ? 200 : 503).send(readiness);
    },
  );
};
