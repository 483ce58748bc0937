import type { ErrorCode } from '../../core/errors.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ORDER_ACTIONS } from '../../domain/orders/lifecycle.js';
import * as s from '../../domain/orders/orders.schemas.js';
import { sendStoredJson } from '../contract.js';
import { ANY_ROLE, requireRole, userContext } from '../guards.js';

const idParams = z.object({ id: z.uuid() });
const security = [{ bearerAuth: [] }];
const tags = ['orders'];
const orderErrors: ErrorCode[] = ['ORDER_NOT_FOUND'];

const IDEMPOTENCY_POLICY =
  'Requires an Idempotency-Key header (1–255 printable ASCII characters), scoped to the caller. Keys are kept 24 hours. ' +
  'The same key and body replays the stored status and byte-identical body with Idempotent-Replayed: true; ' +
  'the same key with another body → 422 IDEMPOTENCY_KEY_REUSED; while the first request runs → 409 IDEMPOTENCY_KEY_IN_USE ' +
  '(a lock older than 90 s is taken over). Successes and business 4xx answers are stored; validation errors, 401 and 429 are not; ' +
  'on a 5xx the key is released so the request can be retried.';

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
          'IDEMPOTENCY_KEY_REQUIRED',
          'IDEMPOTENCY_KEY_INVALID',
          'IDEMPOTENCY_KEY_REUSED',
          'IDEMPOTENCY_KEY_IN_USE',
          'CONCURRENT_UPDATE',
        ],
      },
      schema: {
        tags,
        security,
        summary: 'Place an order',
        description: IDEMPOTENCY_POLICY,
        headers: z.object({
          'idempotency-key': z.string().meta({
            description: '1–255 printable ASCII characters, unique per order attempt (a UUID works well)',
          }),
        }),
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
    (request) => service.receipt(userContext(request), request.params.id),
  );

  app.get(
    '/invoices/:order_id',
    {
      preValidation: parties,
      config: { errors: [...orderErrors, 'INVOICE_NOT_AVAILABLE'] },
      schema: {
        tags: ['invoices'],
        security,
        summary: 'Invoice of a delivered order, derived on request (never stored)',
        params: z.object({ order_id: z.uuid() }),
        response: { 200: s.invoiceDto },
      },
    },
    (request) => service.invoice(userContext(request), request.params.order_id),
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
