import type { FastifyBaseLogger } from 'fastify';
import type { Database, Transaction } from '../../core/db.types.js';
import type { PaymentMetrics } from '../../core/metrics.js';
import type { PaymentRow } from './payments.models.js';
import { applyStep, emitPaymentEvent } from './payments.apply.js';
import * as e from './payments.errors.js';
import * as repo from './payments.repository.js';
import { raiseRefunded } from './payments.sync.js';
import type { Stripe, StripeGateway } from './stripe.gateway.js';

type Outcome =
  | 'applied'
  | 'duplicate'
  | 'stale'
  | 'unknown_account'
  | 'unknown_payment'
  | 'unhandled'
  | 'livemode_mismatch';

/**
 * `POST /webhooks/stripe`: verifies the signature on the raw body, then records the event id and applies its
 * effect in one transaction. The id's unique key makes every repeat — sequential or concurrent — find it taken
 * and do nothing; effects go through the transition table (or "newer than what is stored" checks), so events
 * arriving out of order never move anything backwards.
 */
export function createStripeWebhooks(deps: {
  db: Database;
  stripe: StripeGateway;
  metrics: PaymentMetrics;
  log: FastifyBaseLogger;
  afterCommit?: () => void;
}) {
  const { db, stripe, metrics, log } = deps;

  /** The payment an intent event is about; adopts the order's newest intent if its creation was not recorded yet. */
  async function paymentOfIntent(
    tx: Transaction,
    intent: Stripe.PaymentIntent,
  ): Promise<PaymentRow | undefined> {
    const orderId = intent.metadata.order_id;
    const payment = orderId
      ? await repo.lockPayment(tx, orderId)
      : await repo.lockPaymentByIntent(tx, intent.id);
    if (!payment || payment.intentId === intent.id) return payment;
    const attempt = Number(intent.metadata.attempt);
    if (attempt !== payment.intentAttempt + 1) return undefined; // an earlier, superseded intent
    return applyStep(tx, payment, 'intent_created', {
      intentId: intent.id,
      clientSecret: intent.client_secret,
      intentAttempt: attempt,
    });
  }

  async function onIntent(tx: Transaction, type: string, intent: Stripe.PaymentIntent): Promise<Outcome> {
    const payment = await paymentOfIntent(tx, intent);
    if (!payment) return 'unknown_payment';
    switch (type) {
      case 'payment_intent.amount_capturable_updated': {
        if (intent.amount_capturable <= 0) return 'stale';
        const moved = await applyStep(tx, payment, 'authorise', {
          authorisedCents: intent.amount_capturable,
          authorisedAt: new Date(),
          failureCode: null,
        });
        if (moved)
          await emitPaymentEvent(tx, 'payment.authorised', moved, { amount_cents: moved.authorisedCents });
        return moved ? 'applied' : 'stale';
      }
      case 'payment_intent.succeeded': {
        const moved = await applyStep(tx, payment, 'capture', {
          capturedCents: intent.amount_received,
          applicationFeeCents: intent.application_fee_amount ?? 0,
          capturedAt: new Date(),
        });
        if (moved)
          await emitPaymentEvent(tx, 'payment.captured', moved, {
            amount_cents: moved.capturedCents,
            application_fee_cents: moved.applicationFeeCents,
          });
        return moved ? 'applied' : 'stale';
      }
      case 'payment_intent.payment_failed': {
        const code = intent.last_payment_error?.decline_code ?? intent.last_payment_error?.code ?? null;
        const moved = await applyStep(tx, payment, 'fail', { failureCode: code });
        if (moved) await emitPaymentEvent(tx, 'payment.failed', moved, { failure_code: code });
        return moved ? 'applied' : 'stale';
      }
      case 'payment_intent.canceled': {
        if (intent.cancellation_reason === 'automatic') {
          const moved = await applyStep(tx, payment, 'expire', { expiredAt: new Date(), authorisedCents: 0 });
          if (moved) await emitPaymentEvent(tx, 'payment.authorisation_expired', moved, {});
          return moved ? 'applied' : 'stale';
        }
        const moved = await applyStep(tx, payment, 'cancel', { cancelledAt: new Date() });
        return moved ? 'applied' : 'stale';
      }
      default:
        return 'unhandled';
    }
  }

  async function apply(tx: Transaction, event: Stripe.Event): Promise<Outcome> {
    const asOf = new Date(event.created * 1000);
    switch (event.type) {
      case 'account.updated': {
        const account = event.data.object;
        if (!(await repo.findAccountByStripeId(tx, account.id))) return 'unknown_account';
        const applied = await repo.updateAccountState(
          tx,
          account.id,
          {
            chargesEnabled: account.charges_enabled,
            payoutsEnabled: account.payouts_enabled,
            detailsSubmitted: account.details_submitted,
            requirements: {
              currently_due: account.requirements?.currently_due ?? [],
              disabled_reason: account.requirements?.disabled_reason ?? null,
            },
          },
          asOf,
        );
        return applied ? 'applied' : 'stale';
      }
      case 'payment_intent.amount_capturable_updated':
      case 'payment_intent.succeeded':
      case 'payment_intent.payment_failed':
      case 'payment_intent.canceled':
        return onIntent(tx, event.type, event.data.object);
      case 'charge.refunded': {
        const charge = event.data.object;
        const intentId =
          typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
        const payment = intentId ? await repo.lockPaymentByIntent(tx, intentId) : undefined;
        if (!payment) return 'unknown_payment';
        for (const refund of charge.refunds?.data ?? []) {
          const ours = refund.metadata?.refund_id;
          if (ours)
            await repo.updateRefund(tx, ours, {
              status: 'succeeded',
              stripeRefundId: refund.id,
              lastError: null,
            });
        }
        return (await raiseRefunded(tx, payment, charge.amount_refunded)) ? 'applied' : 'stale';
      }
      case 'charge.dispute.created': {
        const dispute = event.data.object;
        const intentId =
          typeof dispute.payment_intent === 'string' ? dispute.payment_intent : dispute.payment_intent?.id;
        const payment = intentId ? await repo.lockPaymentByIntent(tx, intentId) : undefined;
        if (!payment) return 'unknown_payment';
        if (payment.disputedAt) return 'stale';
        const marked = await repo.updatePayment(tx, payment.id, {
          disputedAt: asOf,
          disputeReason: dispute.reason,
        });
        await emitPaymentEvent(tx, 'payment.disputed', marked, {
          amount_cents: dispute.amount,
          reason: dispute.reason,
        });
        return 'applied';
      }
      case 'payout.paid':
      case 'payout.failed': {
        const account = event.account ? await repo.findAccountByStripeId(tx, event.account) : undefined;
        if (!account) return 'unknown_account';
        const payout = event.data.object;
        const applied = await repo.upsertPayout(tx, {
          supplierId: account.supplierId,
          stripePayoutId: payout.id,
          amountCents: payout.amount,
          currency: payout.currency.toUpperCase(),
          status: payout.status,
          arrivalDate: new Date(payout.arrival_date * 1000),
          failureCode: payout.failure_code ?? null,
          stateAsOf: asOf,
        });
        return applied ? 'applied' : 'stale';
      }
      default:
        return 'unhandled';
    }
  }

  return {
    async receive(raw: Buffer, signature: string | undefined): Promise<{ received: true; outcome: Outcome }> {
      let event: Stripe.Event;
      try {
        if (!signature) throw new Error('missing Stripe-Signature header');
        event = stripe.constructEvent(raw, signature);
      } catch (err) {
        metrics.events.inc({ type: 'signature', outcome: 'rejected' });
        throw e.signatureInvalid(err instanceof Error ? (err.message.split('\n')[0] ?? '') : 'invalid');
      }
      const context = { event_id: event.id, event_type: event.type, account: event.account ?? null };
      if (event.livemode !== stripe.livemode) {
        log.warn(
          { ...context, livemode: event.livemode },
          'stripe event ignored: livemode differs from the configured key',
        );
        metrics.events.inc({ type: event.type, outcome: 'livemode_mismatch' });
        return { received: true, outcome: 'livemode_mismatch' };
      }
      const outcome = await db.transaction(async (tx): Promise<Outcome> => {
        const claimed = await repo.claimStripeEvent(tx, {
          eventId: event.id,
          eventType: event.type,
          stripeAccountId: event.account ?? null,
        });
        if (!claimed) return 'duplicate';
        const result = await apply(tx, event);
        if (result !== 'applied') await repo.setStripeEventOutcome(tx, event.id, result);
        return result;
      });
      metrics.events.inc({ type: event.type, outcome });
      if (outcome === 'applied') deps.afterCommit?.();
      if (outcome === 'unknown_account' || outcome === 'unknown_payment' || outcome === 'unhandled')
        log.info({ ...context, outcome }, 'stripe event recorded without effect');
      return { received: true, outcome };
    },
  };
}

export type StripeWebhooks = ReturnType<typeof createStripeWebhooks>;
