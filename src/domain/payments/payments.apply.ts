import type { Transaction } from '../../core/db.types.js';
import type { EventPayload } from '../../core/events.js';
import { insertOutboxEvents } from '../outbox/outbox.repository.js';
import type { PaymentRow, RefundRow } from './payments.models.js';
import { nextStatus, type PaymentStep } from './payments.lifecycle.js';
import type { PaymentDto, PaymentSummary, RefundDto } from './payments.schemas.js';
import * as repo from './payments.repository.js';

/**
 * Moves a locked payment one step along the transition table, with the columns that step sets. Returns the new
 * row, or undefined when the table has no such move from the payment's status (a late or repeated event).
 */
export async function applyStep(
  tx: Transaction,
  payment: PaymentRow,
  step: PaymentStep,
  patch: Partial<PaymentRow> = {},
): Promise<PaymentRow | undefined> {
  const to = nextStatus(step, payment.status);
  if (!to) return undefined;
  return repo.updatePayment(tx, payment.id, { ...patch, status: to });
}

type PaymentEventType =
  | 'payment.authorised'
  | 'payment.captured'
  | 'payment.refunded'
  | 'payment.failed'
  | 'payment.authorisation_expired'
  | 'payment.disputed';
type Base = 'order_id' | 'payment_id' | 'supplier_id' | 'restaurant_id' | 'status' | 'currency';

/** Writes a payment event to the outbox in the caller's transaction (notifications, and the payments job). */
export async function emitPaymentEvent<T extends PaymentEventType>(
  tx: Transaction,
  type: T,
  payment: PaymentRow,
  extra: Omit<EventPayload<T>, Base>,
): Promise<void> {
  const order = await repo.orderState(tx, payment.orderId);
  if (!order) return;
  const payload = {
    order_id: payment.orderId,
    payment_id: payment.id,
    supplier_id: payment.supplierId,
    restaurant_id: order.restaurantId,
    status: payment.status,
    currency: payment.currency,
    ...extra,
  } as EventPayload<T>;
  await insertOutboxEvents(tx, [{ type, aggregateType: 'payment', aggregateId: payment.id, payload }]);
}

export const feeFor = (amountCents: number, feeBp: number) => Math.round((amountCents * feeBp) / 10_000);

export function summaryOf(p: PaymentRow): PaymentSummary {
  return {
    status: p.status,
    amount_cents: p.amountCents,
    captured_cents: p.capturedCents,
    refunded_cents: p.refundedCents,
    client_secret: p.clientSecret,
    disputed: p.disputedAt !== null,
  };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function refundToDto(r: RefundRow): RefundDto {
  return {
    id: r.id,
    amount_cents: r.amountCents,
    reason: r.reason,
    status: r.status,
    stripe_refund_id: r.stripeRefundId,
    last_error: r.lastError,
    created_at: r.createdAt.toISOString(),
  };
}

export function paymentToDto(p: PaymentRow, refunds: RefundRow[]): PaymentDto {
  return {
    ...summaryOf(p),
    order_id: p.orderId,
    supplier_id: p.supplierId,
    currency: p.currency,
    authorised_cents: p.authorisedCents,
    application_fee_cents: p.applicationFeeCents,
    fee_bp: p.feeBp,
    destination_account_id: p.destinationAccountId,
    payment_intent_id: p.intentId,
    intent_attempt: p.intentAttempt,
    failure_code: p.failureCode,
    last_error: p.lastError,
    authorised_at: iso(p.authorisedAt),
    captured_at: iso(p.capturedAt),
    expired_at: iso(p.expiredAt),
    cancelled_at: iso(p.cancelledAt),
    disputed_at: iso(p.disputedAt),
    dispute_reason: p.disputeReason,
    refunds: refunds.map(refundToDto),
  };
}
