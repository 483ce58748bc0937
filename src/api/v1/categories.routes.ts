import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as s from '../../domain/products/products.schemas.js';
import { ANY_ROLE, requireRole } from '../guards.js';

export const categoryRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.products;

  app.get(
    '/categories',
    {
      preValidation: requireRole(...ANY_ROLE),
      schema: {
        tags: ['products'],
        security: [{ bearerAuth: [] }],
        summary: 'Categories with their number of active products, optionally of one supplier',
        description:
          'Names that differ only in case or diacritics are one category, named by its most used spelling. ' +
          'Counts may lag catalog writes by SEARCH_CACHE_TTL_MS.',
        querystring: s.categoryQuery,
        response: { 200: s.categoryList },
      },
    },
    (request) => service.categories(request.query.supplier_id),
  );
};
