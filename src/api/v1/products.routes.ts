import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as s from '../../domain/products/products.schemas.js';
import { ANY_ROLE, requireRole, userContext } from '../guards.js';
import { responseSerializer, serializedOncePerObject } from '../serialization.js';

const idParams = z.object({ id: z.uuid() });
const security = [{ bearerAuth: [] }];
const tags = ['products'];

export const productRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.products;
  const anyone = requireRole(...ANY_ROLE);
  const managers = requireRole('ADMIN', 'SUPPLIER');
  // Search as you type sends a debounced request per keystroke: searches have a budget of their own, so typing
  // neither runs out on the general budget nor spends it (docs/README.md, "Search as you type").
  const searchBudget = {
    max: app.config.rateLimit.searchMax,
    keyGenerator: (request: FastifyRequest) =>
      request.principal?.kind === 'user'
        ? `search:account:${request.principal.accountId}`
        : `search:ip:${request.ip}`,
  };

  app.get(
    '/',
    {
      preValidation: anyone,
      config: { rateLimit: searchBudget },
      // A cached search page is one object on every hit until it expires: its JSON is made once.
      serializerCompiler: serializedOncePerObject(responseSerializer(app.config.http.validateResponses)),
      schema: {
        tags,
        security,
        summary: 'Search and list products',
        description:
          'q: fuzzy search over name, SKU, brand and GTIN (typos and Swedish diacritics tolerated), ranked by relevance. ' +
          'sort: comma-separated name, price_cents, created_at, relevance; "-" prefix for descending. ' +
          'pagination.total is exact up to 1,000 matches; above that it is the planner estimate and total_exact is false.',
        querystring: s.productQuery,
        response: { 200: s.productPage },
      },
    },
    (request) => service.search(userContext(request), request.query),
  );

  app.get(
    '/:id',
    {
      preValidation: anyone,
      config: { errors: ['PRODUCT_NOT_FOUND'] },
      schema: { tags, security, summary: 'One product', params: idParams, response: { 200: s.productDto } },
    },
    (request) => service.get(userContext(request), request.params.id),
  );

  app.get(
    '/:id/prices',
    {
      preValidation: anyone,
      config: { errors: ['PRODUCT_NOT_FOUND'] },
      schema: {
        tags,
        security,
        summary: 'Price history, newest first',
        params: idParams,
        response: { 200: s.priceHistoryDto },
      },
    },
    (request) => service.prices(userContext(request), request.params.id),
  );

  app.post(
    '/',
    {
      preValidation: managers,
      config: { errors: ['SUPPLIER_NOT_FOUND', 'SKU_TAKEN'] },
      schema: {
        tags,
        security,
        summary: 'Create a product for a supplier the caller manages',
        body: s.productCreate,
        response: { 201: s.productDto },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.create(userContext(request), request.body)),
  );

  app.post(
    '/bulk',
    {
      preValidation: managers,
      config: { errors: ['SUPPLIER_NOT_FOUND', 'BULK_VALIDATION_FAILED', 'CONCURRENT_UPDATE'] },
      schema: {
        tags,
        security,
        summary: 'Upsert up to 1,000 products by SKU for one supplier; all or nothing, per-row errors on 422',
        body: s.bulkUpsert,
        response: { 200: s.bulkResult },
      },
    },
    (request) => service.bulkUpsert(userContext(request), request.body.supplier_id, request.body.products),
  );

  app.patch(
    '/:id',
    {
      preValidation: managers,
      config: { errors: ['PRODUCT_NOT_FOUND', 'SKU_TAKEN', 'CONCURRENT_UPDATE'] },
      schema: {
        tags,
        security,
        summary: 'Change a product; a new price starts a new price-history row',
        params: idParams,
        body: s.productUpdate,
        response: { 200: s.productDto },
      },
    },
    (request) => service.update(userContext(request), request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      preValidation: managers,
      config: { errors: ['PRODUCT_NOT_FOUND'] },
      schema: {
        tags,
        security,
        summary: 'Soft-delete a product',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await service.remove(userContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
