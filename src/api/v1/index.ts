import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** Every /api/v1 domain router. */
export const apiV1Routes: FastifyPluginAsyncZod = async () => {
  // domain routers are registered here
};
