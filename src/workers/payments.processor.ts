import { z } from 'zod';
import { defineJob } from '../core/jobs.js';
import type { PaymentSync } from '../domain/payments/payments.sync.js';

/**
 * spec §10, event-driven: after `order.placed`, `order.status_changed`, `payment.authorised` and
 * `payment.authorisation_expired`, bring the order's card payment in line with the order (create the
 * PaymentIntent, capture at delivery, cancel with the order). A Stripe outage fails the attempt; the retry uses
 * the same idempotency keys, so it never charges twice. Invoice orders are a no-op.
 */
export const paymentsSyncJob = (sync: PaymentSync) =>
  defineJob({
    name: 'payments.sync',
    queue: 'payments',
    payload: z.object({ payload: z.object({ order_id: z.uuid() }) }).transform((d) => d.payload.order_id),
    attempts: 10,
    backoff: { type: 'exponential', delay: 5_000 },
    async process(orderId) {
      await sync.sync(orderId);
    },
  });

/** Every 10 minutes: the safety net for payments whose jobs gave up, and refunds whose answer never came. */
export const paymentsReconcileJob = (sync: PaymentSync) =>
  defineJob({
    name: 'payments.reconcile',
    queue: 'payments',
    payload: z.strictObject({}),
    attempts: 3,
    backoff: { type: 'exponential', delay: 60_000 },
    async process(_payload, ctx) {
      const result = await sync.reconcile();
      if (result.synced + result.refunds > 0) ctx.log.info(result, 'payments reconciled');
    },
  });
