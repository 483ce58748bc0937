import type { PaymentStatus } from './payments.events.js';

/**
 * The payment lifecycle of a card order as one table: what each step moves from and to. Everything that changes
 * a payment's status — our own Stripe calls, webhooks in any order, the jobs — asks `nextStatus`; a step not in
 * the table is not applied, which is what keeps a late or repeated event from moving a payment backwards
 * (`payment_intent.succeeded` after `amount_capturable_updated`, a second `charge.refunded`). The one move to an
 * earlier-looking state, `expired → requires_confirmation`, is a new authorisation on a new PaymentIntent.
 */
export type PaymentStep =
  | 'intent_created'
  | 'authorise'
  | 'fail'
  | 'capture'
  | 'expire'
  | 'cancel'
  | 'refund_partly'
  | 'refund_fully';

export const PAYMENT_TRANSITIONS: Record<PaymentStep, Partial<Record<PaymentStatus, PaymentStatus>>> = {
  intent_created: { pending: 'requires_confirmation', expired: 'requires_confirmation' },
  authorise: { pending: 'authorised', requires_confirmation: 'authorised', failed: 'authorised' },
  fail: { pending: 'failed', requires_confirmation: 'failed' },
  capture: { requires_confirmation: 'captured', authorised: 'captured', failed: 'captured' },
  expire: { authorised: 'expired' },
  cancel: {
    pending: 'cancelled',
    requires_confirmation: 'cancelled',
    authorised: 'cancelled',
    failed: 'cancelled',
    expired: 'cancelled',
  },
  refund_partly: { captured: 'partially_refunded', partially_refunded: 'partially_refunded' },
  refund_fully: { captured: 'refunded', partially_refunded: 'refunded' },
};

/** The status `step` leads to from `from`, or undefined when the table has no such move. */
export function nextStatus(step: PaymentStep, from: PaymentStatus): PaymentStatus | undefined {
  return PAYMENT_TRANSITIONS[step][from];
}

/** States in which the order may still be paid: a (new) PaymentIntent is wanted. */
export const AWAITING_INTENT: readonly PaymentStatus[] = ['pending', 'expired'];
