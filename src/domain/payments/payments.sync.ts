import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../core/db.types.js';
import type { PaymentMetrics } from '../../core/metrics.js';
import { AWAITING_INTENT } from './payments.lifecycle.js';
import type { PaymentRow, RefundRow } from './payments.models.js';
import { applyStep, emitPaymentEvent, feeFor } from './payments.apply.js';
import * as e from './payments.errors.js';
import * as repo from './payments.repository.js';
import { StripeCallError, type StripeGateway } from './stripe.gateway.js';

export interface PaymentSyncDeps {
  db: Database;
  stripe: StripeGateway;
  metrics: PaymentMetrics;
  log: FastifyBaseLogger;
  /** Publishes outbox events promptly after a commit that wrote some. */
  afterCommit?: () => void;
}

/** A transient Stripe failure: the job fails this attempt and retries later with the same idempotency key. */
export class PaymentRetryError extends Error {
  constructor(cause: StripeCallError) {
    super(cause.message, { cause });
    this.name = 'PaymentRetryError';
  }
}

/**
 * Brings a card payment in line with its order by calling Stripe: creates the PaymentIntent (again after a
 * lapsed authorisation), captures what the order totals after delivery, cancels with the order. Every call is
 * idempotent at Stripe (keys from the order id and the action) and every result is recorded through the
 * transition table under the payment's row lock, so a repeated or concurrent sync has one effect.
 */
export function createPaymentSync(deps: PaymentSyncDeps) {
  const { db, stripe, metrics, log } = deps;
  const published = () => deps.afterCommit?.();
  const count = (type: string, outcome: string) => {
    metrics.events.inc({ type, outcome });
  };

  async function failed(payment: PaymentRow, action: string, err: unknown): Promise<never> {
    if (!(err instanceof StripeCallError)) throw err;
    await db.transaction(async (tx) => {
      await repo.updatePayment(tx, payment.id, { lastError: err.message.slice(0, 500) });
    });
    count(action, err.kind === 'transient' ? 'retry' : 'failed');
    if (err.kind === 'transient') throw new PaymentRetryError(err);
    throw err;
  }

  async function createIntent(payment: PaymentRow, timeoutMs?: number): Promise<void> {
    const attempt = payment.intentAttempt + 1;
    const fee = feeFor(payment.amountCents, payment.feeBp);
    let intent;
    try {
      intent = await stripe.createIntent(
        {
          orderId: payment.orderId,
          attempt,
          amountCents: payment.amountCents,
          feeCents: fee,
          currency: payment.currency,
          destination: payment.destinationAccountId,
        },
        timeoutMs,
      );
    } catch (err) {
      if (err instanceof StripeCallError && err.kind !== 'transient') {
        await db.transaction(async (tx) => {
          const locked = await repo.lockPayment(tx, payment.orderId);
          const moved =
            locked &&
            (await applyStep(tx, locked, 'fail', { failureCode: err.code, lastError: err.message }));
          if (moved) await emitPaymentEvent(tx, 'payment.failed', moved, { failure_code: err.code });
        });
        published();
      }
      return failed(payment, 'intent.create', err);
    }
    const outcome = await db.transaction(async (tx) => {
      const locked = await repo.lockPayment(tx, payment.orderId);
      if (!locked) return 'gone';
      if (locked.intentAttempt !== attempt - 1) return 'stale';
      const moved = await applyStep(tx, locked, 'intent_created', {
        intentId: intent.id,
        clientSecret: intent.client_secret,
        intentAttempt: attempt,
        applicationFeeCents: fee,
        lastError: null,
      });
      return moved ? 'applied' : locked.status;
    });
    count('intent.create', outcome === 'applied' ? 'applied' : 'stale');
    // Cancelled while the intent was being created: it must not stay confirmable.
    if (outcome === 'cancelled')
      await stripe.cancel(payment.orderId, attempt, intent.id).catch(() => undefined);
  }

  async function capture(payment: PaymentRow, orderTotal: number): Promise<void> {
    if (!payment.intentId) return;
    const ceiling = payment.authorisedCents > 0 ? payment.authorisedCents : payment.amountCents;
    const amount = Math.min(orderTotal, ceiling);
    if (orderTotal > ceiling)
      log.warn(
        { order_id: payment.orderId, orderTotal, ceiling },
        'order total above the authorisation; capturing the authorised amount',
      );
    let intent;
    try {
      intent = await stripe.capture(payment.orderId, payment.intentId, amount, feeFor(amount, payment.feeBp));
    } catch (err) {
      // Not authorised yet (the customer has not confirmed): the authorisation webhook starts a new sync.
      if (err instanceof StripeCallError && err.code === 'payment_intent_unexpected_state') {
        count('capture', 'not_capturable');
        return;
      }
      return failed(payment, 'capture', err);
    }
    await db.transaction(async (tx) => {
      const locked = await repo.lockPayment(tx, payment.orderId);
      const moved =
        locked &&
        (await applyStep(tx, locked, 'capture', {
          capturedCents: intent.amount_received,
          applicationFeeCents: intent.application_fee_amount ?? 0,
          capturedAt: new Date(),
          lastError: null,
        }));
      if (moved)
        await emitPaymentEvent(tx, 'payment.captured', moved, {
          amount_cents: moved.capturedCents,
          application_fee_cents: moved.applicationFeeCents,
        });
      count('capture', moved ? 'applied' : 'stale');
    });
    published();
  }

  async function cancel(payment: PaymentRow): Promise<void> {
    if (payment.intentId && ['requires_confirmation', 'authorised', 'failed'].includes(payment.status)) {
      try {
        await stripe.cancel(payment.orderId, payment.intentAttempt, payment.intentId);
      } catch (err) {
        if (!(err instanceof StripeCallError && err.code === 'payment_intent_unexpected_state'))
          return failed(payment, 'cancel', err);
      }
    }
    await db.transaction(async (tx) => {
      const locked = await repo.lockPayment(tx, payment.orderId);
      const moved =
        locked && (await applyStep(tx, locked, 'cancel', { cancelledAt: new Date(), lastError: null }));
      count('cancel', moved ? 'applied' : 'stale');
    });
  }

  /** Sends a recorded refund to Stripe (its key is the refund's id) and records the outcome. */
  async function executeRefund(refund: RefundRow): Promise<RefundRow> {
    const payment = await repo.findPayment(db, refund.orderId);
    if (!payment?.intentId) throw e.paymentNotFound(refund.orderId);
    let result;
    try {
      result = await stripe.refund(refund.orderId, refund.id, payment.intentId, refund.amountCents);
    } catch (err) {
      if (!(err instanceof StripeCallError)) throw err;
      count('refund', err.kind === 'transient' ? 'retry' : 'failed');
      if (err.kind === 'transient') {
        return (await repo.updateRefund(db, refund.id, { lastError: err.message.slice(0, 500) })) ?? refund;
      }
      await repo.updateRefund(db, refund.id, { status: 'failed', lastError: err.message.slice(0, 500) });
      throw e.processingError(err.message);
    }
    const done = await db.transaction(async (tx) => {
      const locked = await repo.lockPayment(tx, refund.orderId);
      const row =
        (await repo.updateRefund(tx, refund.id, {
          status: 'succeeded',
          stripeRefundId: result.id,
          lastError: null,
        })) ?? refund;
      if (locked) {
        const succeeded = (await repo.refundsOf(tx, locked.id))
          .filter((r) => r.status === 'succeeded')
          .reduce((sum, r) => sum + r.amountCents, 0);
        await raiseRefunded(tx, locked, succeeded);
      }
      return row;
    });
    count('refund', 'applied');
    published();
    return done;
  }

  return {
    executeRefund,

    /**
     * Right after placement: creates the intent within `timeoutMs`, so the answer can carry its client_secret.
     * Any failure only leaves the payment `pending` (or `failed`) for the payments.sync job; never throws.
     */
    async createIntentNow(orderId: string, timeoutMs: number): Promise<PaymentRow | undefined> {
      const payment = await repo.findPayment(db, orderId);
      if (payment && AWAITING_INTENT.includes(payment.status)) {
        await createIntent(payment, timeoutMs).catch((err: unknown) => {
          log.warn(
            { order_id: orderId, err: err instanceof Error ? err.message : String(err) },
            'PaymentIntent not created at placement; the payments.sync job retries',
          );
        });
      }
      return repo.findPayment(db, orderId);
    },

    /** Does whatever the order's state asks of its card payment; a no-op for invoice orders and settled ones. */
    async sync(orderId: string): Promise<void> {
      const payment = await repo.findPayment(db, orderId);
      const order = payment && (await repo.orderState(db, orderId));
      if (!payment || !order) return;
      if (order.status === 'cancelled') {
        if (!['cancelled', 'captured', 'partially_refunded', 'refunded'].includes(payment.status))
          await cancel(payment);
        return;
      }
      if (AWAITING_INTENT.includes(payment.status)) return createIntent(payment);
      if (
        (order.status === 'delivered' || order.status === 'invoiced') &&
        (payment.status === 'authorised' || payment.status === 'requires_confirmation')
      )
        return capture(payment, order.totalCents);
    },

    /** The periodic safety net: payments out of step with their orders, and refunds whose answer never came. */
    async reconcile(limit = 100): Promise<{ synced: number; refunds: number; errors: number }> {
      let errors = 0;
      const orderIds = await repo.paymentsToSync(db, 60_000, limit);
      for (const id of orderIds) await this.sync(id).catch(() => (errors += 1));
      const pending = await repo.stalePendingRefunds(db, 60_000, limit);
      for (const refund of pending) await executeRefund(refund).catch(() => (errors += 1));
      return { synced: orderIds.length, refunds: pending.length, errors };
    },
  };
}

/** Raises the refunded total to `total` (never lowers it) and moves the status; emits `payment.refunded`. */
export async function raiseRefunded(
  tx: Parameters<typeof applyStep>[0],
  payment: PaymentRow,
  total: number,
): Promise<boolean> {
  const refunded = Math.min(Math.max(payment.refundedCents, total), payment.capturedCents);
  if (refunded <= payment.refundedCents) return false;
  const moved = await applyStep(
    tx,
    payment,
    refunded >= payment.capturedCents ? 'refund_fully' : 'refund_partly',
    {
      refundedCents: refunded,
    },
  );
  if (!moved) return false;
  await emitPaymentEvent(tx, 'payment.refunded', moved, {
    amount_cents: refunded - payment.refundedCents,
    refunded_total_cents: refunded,
  });
  return true;
}

export type PaymentSync = ReturnType<typeof createPaymentSync>;
