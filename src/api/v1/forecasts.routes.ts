import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  forecastDto,
  forecastQuery,
  suggestedOrderBody,
  suggestedOrderDto,
} from '../../domain/forecasts/forecasts.schemas.js';
import { ANY_ROLE, requireRole, userContext } from '../guards.js';

const tags = ['forecasts'];
const security = [{ bearerAuth: [] }];

/** Stored demand forecasts (spec §12): points with 80 % intervals, and the same as an SVG chart. */
export const forecastRoutes: FastifyPluginAsyncZod = async (app) => {
  const readers = requireRole(...ANY_ROLE);
  app.get(
    '/forecasts',
    {
      preValidation: readers,
      config: { errors: ['FORECAST_NOT_FOUND'] },
      schema: {
        tags,
        summary:
          'Demand forecast for a product: daily points with 80 % intervals and the model that made them',
        security,
        querystring: forecastQuery,
        response: { 200: forecastDto },
      },
    },
    (request) => app.services.forecasts.get(userContext(request), request.query),
  );
  app.get(
    '/forecasts/chart.svg',
    {
      preValidation: readers,
      config: { errors: ['FORECAST_NOT_FOUND'] },
      schema: {
        tags,
        summary: 'The forecast as an SVG chart: history, forecast and interval',
        security,
        querystring: forecastQuery,
        response: { 200: z.string().describe('image/svg+xml: history, forecast and 80 % interval') },
      },
    },
    async (request, reply) =>
      reply
        .type('image/svg+xml; charset=utf-8')
        .send(await app.services.forecasts.chart(userContext(request), request.query)),
  );
  app.post(
    '/restaurants/:id/suggested-order',
    {
      preValidation: requireRole('RESTAURANT', 'ADMIN'),
      config: { errors: ['RESTAURANT_NOT_FOUND', 'SUPPLIER_NOT_FOUND', 'UNPROCESSABLE'] },
      schema: {
        tags,
        summary:
          'Suggested order for a supplier: forecast demand until the next delivery, plus safety stock, minus on hand, in packs',
        security,
        params: z.strictObject({ id: z.uuid() }),
        body: suggestedOrderBody,
        response: { 200: suggestedOrderDto },
      },
    },
    (request) => app.services.suggestedOrders.suggest(userContext(request), request.params.id, request.body),
  );
};
