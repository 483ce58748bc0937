import type { ErrorCode } from '../../core/errors.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ORDER_ACTIONS } from '../../domain/orders/lifecycle.js';
import * as s from '../../domain/orders/orders.schemas.js';
import { sendStoredJson } from '../contract.js';
import { ANY_ROLE, requireRole, userContext } from '../guards.js';
import { IDEMPOTENCY_ERRORS, IDEMPOTENCY_POLICY, idempotencyHeaders } from './idempotency.js';

const idParams = z.object({ id: z.uuid() });
const security = [{ bearerAuth: [] }];
const tags = ['orders'];
const orderErrors: ErrorCode[] = ['ORDER_NOT_FOUND'];

export const orderRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.orders;
  const parties = requireRole(...ANY_ROLE);

  app.post(
    '/orders',
    {
      preValidation: requireRole('ADMIN', 'RESTAURANT'),
      config: {
        errors: [
          'RESTAURANT_NOT_FOUND',
          'SUPPLIER_NOT_FOUND',
          'CARD_PAYMENTS_UNAVAILABLE',
          'PRODUCT_UNAVAILABLE',
          'INSUFFICIENT_INVENTORY',
          ...IDEMPOTENCY_ERRORS,
          'CONCURRENT_UPDATE',
        ],
      },
      schema: {
        tags,
        security,
        summary: 'Place an order',
        description: IDEMPOTENCY_POLICY,
        headers: idempotencyHeaders,
        body: s.orderCreate,
        response: { 201: s.orderDto },
      },
    },
    async (request, reply) => {
      const stored = await service.place(
        userContext(request),
        request.headers['idempotency-key'],
        '/api/v1/orders',
        request.body,
      );
      return sendStoredJson(reply, stored, { 201: s.orderDto }, app.config.http.validateResponses);
    },
  );

  app.get(
    '/orders',
    {
      preValidation: parties,
      schema: {
        tags,
        security,
        summary: "The caller's orders, newest first (admins see all)",
        querystring: s.orderListQuery,
        response: { 200: s.orderPage },
      },
    },
    (request) => service.list(userContext(request), request.query),
  );

  app.get(
    '/orders/:id',
    {
      preValidation: parties,
      config: { errors: orderErrors },
      schema: { tags, security, summary: 'One order', params: idParams, response: { 200: s.orderDto } },
    },
    (request) => service.get(userContext(request), request.params.id),
  );

  app.get(
    '/orders/:id/receipt',
    {
      preValidation: parties,
      config: { errors: orderErrors },
      schema: {
        tags,
        security,
        summary: 'Receipt, derived on request; times in Europe/Stockholm',
        params: idParams,
        response: { 200: s.receiptDto },
      },
    },
    (request) => app.services.invoices.receipt(userContext(request), request.params.id),
  );

  for (const action of ORDER_ACTIONS) {
    app.post(
      `/orders/:id/${action}`,
      {
        preValidation: parties,
        config: { errors: [...orderErrors, 'INVALID_ORDER_TRANSITION', 'CONCURRENT_UPDATE'] },
        schema: {
          tags,
          security,
          summary: `Lifecycle: ${action}`,
          params: idParams,
          ...(action === 'cancel' ? { body: s.cancelBody } : {}),
          response: { 200: s.orderDto },
        },
      },
      (request) => {
        const body = request.body as { reason?: string } | null | undefined;
        return service.transition(userContext(request), request.params.id, action, body?.reason);
      },
    );
  }
};
