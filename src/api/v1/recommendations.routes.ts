import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  recommendationQuery,
  recommendationsDto,
  scoreWeights,
  weightsDto,
} from '../../domain/recommendations/recommendations.schemas.js';
import { requireRole, userContext } from '../guards.js';

const tags = ['recommendations'];
const security = [{ bearerAuth: [] }];
const params = z.strictObject({ id: z.uuid() });

/** Supplier recommendations for a restaurant (spec §12): a ranked, explained score with adjustable weights. */
export const recommendationRoutes: FastifyPluginAsyncZod = async (app) => {
  const planners = requireRole('RESTAURANT', 'ADMIN');
  app.get(
    '/restaurants/:id/recommendations',
    {
      preValidation: planners,
      config: { errors: ['RESTAURANT_NOT_FOUND', 'PRODUCT_NOT_FOUND'] },
      schema: {
        tags,
        summary:
          'Suppliers for a category or product, ranked by a weighted score explained component by component',
        security,
        params,
        querystring: recommendationQuery,
        response: { 200: recommendationsDto },
      },
    },
    (request) =>
      app.services.recommendations.recommend(userContext(request), request.params.id, request.query),
  );
  app.get(
    '/restaurants/:id/recommendation-weights',
    {
      preValidation: planners,
      config: { errors: ['RESTAURANT_NOT_FOUND'] },
      schema: {
        tags,
        summary: 'The score weights in use for the restaurant: its own, or the admin default',
        security,
        params,
        response: { 200: weightsDto },
      },
    },
    (request) => app.services.recommendations.weights(userContext(request), request.params.id),
  );
  app.put(
    '/restaurants/:id/recommendation-weights',
    {
      preValidation: planners,
      config: { errors: ['RESTAURANT_NOT_FOUND'] },
      schema: {
        tags,
        summary: "Set the restaurant's own score weights (each ≥ 0, summing to a positive number)",
        security,
        params,
        body: scoreWeights,
        response: { 200: weightsDto },
      },
    },
    (request) =>
      app.services.recommendations.setWeights(userContext(request), request.params.id, request.body),
  );
  app.delete(
    '/restaurants/:id/recommendation-weights',
    {
      preValidation: planners,
      config: { errors: ['RESTAURANT_NOT_FOUND'] },
      schema: {
        tags,
        summary: 'Return the restaurant to the admin default weights',
        security,
        params,
        response: { 200: weightsDto },
      },
    },
    (request) => app.services.recommendations.resetWeights(userContext(request), request.params.id),
  );
};
