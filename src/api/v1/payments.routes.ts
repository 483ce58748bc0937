import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as s from '../../domain/payments/payments.schemas.js';
import { ANY_ROLE, requireRole, userContext } from '../guards.js';

const security = [{ bearerAuth: [] }];
const tags = ['payments'];
const supplierParams = z.object({ id: z.uuid() });
const orderParams = z.object({ id: z.uuid() });
const stripeDown = 'PAYMENT_PROCESSING_ERROR' as const;

/** Stripe Connect (spec §3, §4): supplier onboarding and account state, order payments, refunds, payouts. */
export const paymentRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.payments;
  const suppliers = requireRole('ADMIN', 'SUPPLIER');

  app.post(
    '/suppliers/:id/payments/onboarding',
    {
      preValidation: suppliers,
      config: { errors: ['SUPPLIER_NOT_FOUND', 'CARD_PAYMENTS_UNAVAILABLE', stripeDown] },
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
      config: { errors: ['SUPPLIER_NOT_FOUND', 'PAYMENT_ACCOUNT_NOT_FOUND'] },
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
      config: { errors: ['SUPPLIER_NOT_FOUND', 'PAYMENT_ACCOUNT_NOT_FOUND'] },
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
      config: { errors: ['SUPPLIER_NOT_FOUND'] },
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
      config: { errors: ['ORDER_NOT_FOUND', 'PAYMENT_NOT_FOUND'] },
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
      config: {
        errors: [
          'ORDER_NOT_FOUND',
          'PAYMENT_NOT_FOUND',
          'CARD_PAYMENTS_UNAVAILABLE',
          'REFUND_NOT_ALLOWED',
          'REFUND_EXCEEDS_CAPTURED',
          stripeDown,
        ],
      },
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
