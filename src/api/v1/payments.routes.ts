import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as s from '../../domain/payments/payments.schemas.js';
import { ANY_ROLE, requireRole, userContext } from '../guards.js';

const security = [{ bearerAuth: [] }];
const tags = ['payments'];
const supplierParams = z.object({ id: z.uuid() });
const orderParams = z.object({ id: z.uuid() });

/** Stripe Connect (spec §3, §4): supplier onboarding and account state, order payments, refunds, payouts. */
export const paymentRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.payments;
  const suppliers = requireRole('ADMIN', 'SUPPLIER');

  app.post(
    '/suppliers/:id/payments/onboarding',
    {
      preValidation: suppliers,
      schema: {
        tags,
        security,
        summary:
          'Create the supplier’s Stripe Express account (once) and an onboarding link (supplier owner)',
        params: supplierParams,
        body: s.onboardingBody,
        response: { 200: s.onboardingDto },
      },
    },
    (request) => service.onboard(userContext(request), request.params.id, request.body?.return_url),
  );

  app.get(
    '/suppliers/:id/payments',
    {
      preValidation: suppliers,
      schema: {
        tags,
        security,
        summary: 'Stripe account state: charges and payouts enabled, outstanding requirements',
        params: supplierParams,
        response: { 200: s.accountDto },
      },
    },
    (request) => service.account(userContext(request), request.params.id),
  );

  app.put(
    '/suppliers/:id/payments/fee',
    {
      preValidation: requireRole('ADMIN'),
      schema: {
        tags,
        security,
        summary: 'Per-supplier platform commission in basis points (null: the platform default)',
        params: supplierParams,
        body: s.feeBody,
        response: { 200: s.accountDto },
      },
    },
    (request) => service.setFee(userContext(request), request.params.id, request.body.fee_bp),
  );

  app.get(
    '/suppliers/:id/payouts',
    {
      preValidation: suppliers,
      schema: {
        tags,
        security,
        summary: 'Payouts to the supplier’s bank and the platform fees on its card payments',
        params: supplierParams,
        response: { 200: s.payoutsDto },
      },
    },
    (request) => service.payouts(userContext(request), request.params.id),
  );

  app.get(
    '/orders/:id/payment',
    {
      preValidation: requireRole(...ANY_ROLE),
      schema: {
        tags,
        security,
        summary: 'The card payment of an order',
        params: orderParams,
        response: { 200: s.paymentDto },
      },
    },
    (request) => service.payment(userContext(request), request.params.id),
  );

  app.post(
    '/orders/:id/refunds',
    {
      preValidation: suppliers,
      schema: {
        tags,
        security,
        summary: 'Refund a captured card payment fully or partly (supplier owner or admin)',
        params: orderParams,
        body: s.refundBody,
        response: { 201: s.refundDto },
      },
    },
    async (request, reply) => {
      const refund = await service.refund(userContext(request), request.params.id, request.body);
      return reply.status(201).send(refund);
    },
  );
};
