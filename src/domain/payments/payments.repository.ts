import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import { orders } from '../orders/orders.models.js';
import {
  type PaymentAccountRow,
  paymentAccounts,
  type PaymentRow,
  payments,
  type PayoutRow,
  payouts,
  type RefundRow,
  refunds,
  stripeEvents,
} from './payments.models.js';

type AccountState = Pick<
  PaymentAccountRow,
  'chargesEnabled' | 'payoutsEnabled' | 'detailsSubmitted' | 'requirements'
>;

export async function findAccount(ex: Executor, supplierId: string): Promise<PaymentAccountRow | undefined> {
  const [row] = await ex.select().from(paymentAccounts).where(eq(paymentAccounts.supplierId, supplierId));
  return row;
}

export async function findAccountByStripeId(
  ex: Executor,
  stripeAccountId: string,
): Promise<PaymentAccountRow | undefined> {
  const [row] = await ex
    .select()
    .from(paymentAccounts)
    .where(eq(paymentAccounts.stripeAccountId, stripeAccountId));
  return row;
}

/** The first onboarding wins; a concurrent second one finds the row (the same Stripe account, by its key). */
export async function insertAccount(
  ex: Executor,
  values: { supplierId: string; stripeAccountId: string } & AccountState,
): Promise<void> {
  await ex.insert(paymentAccounts).values(values).onConflictDoNothing();
}

/** Applies account state as of `asOf` unless a newer state is already applied (events arrive out of order). */
export async function updateAccountState(
  ex: Executor,
  stripeAccountId: string,
  state: AccountState,
  asOf: Date,
): Promise<boolean> {
  const rows = await ex
    .update(paymentAccounts)
    .set({ ...state, stateAsOf: asOf })
    .where(
      and(
        eq(paymentAccounts.stripeAccountId, stripeAccountId),
        or(isNull(paymentAccounts.stateAsOf), sql`${paymentAccounts.stateAsOf} <= ${asOf.toISOString()}`),
      ),
    )
    .returning({ id: paymentAccounts.id });
  return rows.length > 0;
}

export async function setFeeBp(ex: Executor, supplierId: string, feeBp: number | null): Promise<boolean> {
  const rows = await ex
    .update(paymentAccounts)
    .set({ feeBp })
    .where(eq(paymentAccounts.supplierId, supplierId))
    .returning({ id: paymentAccounts.id });
  return rows.length > 0;
}

export async function insertPayment(tx: Transaction, values: typeof payments.$inferInsert): Promise<void> {
  await tx.insert(payments).values(values);
}

export async function findPayment(ex: Executor, orderId: string): Promise<PaymentRow | undefined> {
  const [row] = await ex.select().from(payments).where(eq(payments.orderId, orderId));
  return row;
}

export async function lockPayment(tx: Transaction, orderId: string): Promise<PaymentRow | undefined> {
  const [row] = await tx.select().from(payments).where(eq(payments.orderId, orderId)).for('update');
  return row;
}

export async function lockPaymentByIntent(
  tx: Transaction,
  intentId: string,
): Promise<PaymentRow | undefined> {
  const [row] = await tx.select().from(payments).where(eq(payments.intentId, intentId)).for('update');
  return row;
}

export async function updatePayment(
  tx: Transaction,
  id: string,
  patch: Partial<typeof payments.$inferInsert>,
): Promise<PaymentRow> {
  const [row] = await tx.update(payments).set(patch).where(eq(payments.id, id)).returning();
  if (!row) throw new Error(`payment ${id} vanished while locked`);
  return row;
}

export async function paymentsOfOrders(ex: Executor, orderIds: string[]): Promise<PaymentRow[]> {
  if (orderIds.length === 0) return [];
  return ex.select().from(payments).where(inArray(payments.orderId, orderIds));
}

/** The order's status and total as they stand now (the capture amount is the total after delivery). */
export async function orderState(ex: Executor, orderId: string) {
  const [row] = await ex
    .select({
      id: orders.id,
      status: orders.status,
      totalCents: orders.totalCents,
      restaurantId: orders.restaurantId,
      supplierId: orders.supplierId,
      paymentMethod: orders.paymentMethod,
    })
    .from(orders)
    .where(and(eq(orders.id, orderId), isNull(orders.deletedAt)));
  return row;
}

export async function insertRefund(tx: Transaction, values: typeof refunds.$inferInsert): Promise<RefundRow> {
  const [row] = await tx.insert(refunds).values(values).returning();
  if (!row) throw new Error('refund insert returned no row');
  return row;
}

export async function updateRefund(
  ex: Executor,
  id: string,
  patch: Partial<typeof refunds.$inferInsert>,
  onlyIfPending = true,
): Promise<RefundRow | undefined> {
  const [row] = await ex
    .update(refunds)
    .set(patch)
    .where(and(eq(refunds.id, id), onlyIfPending ? eq(refunds.status, 'pending') : undefined))
    .returning();
  return row;
}

export async function refundsOf(ex: Executor, paymentId: string): Promise<RefundRow[]> {
  return ex.select().from(refunds).where(eq(refunds.paymentId, paymentId)).orderBy(refunds.createdAt);
}

/** Refunds whose Stripe call has not come back (timeout, outage) for longer than `olderThanMs`. */
export async function stalePendingRefunds(
  ex: Executor,
  olderThanMs: number,
  limit: number,
): Promise<RefundRow[]> {
  return ex
    .select()
    .from(refunds)
    .where(
      and(
        eq(refunds.status, 'pending'),
        lt(refunds.createdAt, sql`now() - ${olderThanMs} * interval '1 millisecond'`),
      ),
    )
    .limit(limit);
}

/** Card payments whose state does not yet match their order's: the periodic safety net re-syncs these. */
export async function paymentsToSync(ex: Executor, olderThanMs: number, limit: number): Promise<string[]> {
  const rows = await ex
    .select({ orderId: payments.orderId })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(
      and(
        lt(payments.updatedAt, sql`now() - ${olderThanMs} * interval '1 millisecond'`),
        or(
          and(
            inArray(payments.status, ['pending', 'expired']),
            inArray(orders.status, ['placed', 'confirmed', 'dispatched']),
          ),
          and(
            inArray(payments.status, ['authorised', 'requires_confirmation']),
            inArray(orders.status, ['delivered', 'invoiced', 'cancelled']),
          ),
          and(inArray(payments.status, ['pending', 'expired', 'failed']), eq(orders.status, 'cancelled')),
        ),
      ),
    )
    .limit(limit);
  return rows.map((r) => r.orderId);
}

/** Records a payout's state as of `asOf` unless a newer one is recorded. */
export async function upsertPayout(
  ex: Executor,
  values: Omit<typeof payouts.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'deletedAt'>,
): Promise<boolean> {
  const rows = await ex
    .insert(payouts)
    .values(values)
    .onConflictDoUpdate({
      target: payouts.stripePayoutId,
      set: {
        status: values.status,
        failureCode: values.failureCode,
        arrivalDate: values.arrivalDate,
        stateAsOf: values.stateAsOf,
      },
      setWhere: sql`${payouts.stateAsOf} <= excluded.state_as_of`,
    })
    .returning({ id: payouts.id });
  return rows.length > 0;
}

export async function payoutsOf(ex: Executor, supplierId: string, limit: number): Promise<PayoutRow[]> {
  return ex
    .select()
    .from(payouts)
    .where(eq(payouts.supplierId, supplierId))
    .orderBy(desc(payouts.createdAt))
    .limit(limit);
}

export async function supplierTotals(ex: Executor, supplierId: string) {
  const [row] = await ex
    .select({
      captured: sql<number>`coalesce(sum(${payments.capturedCents}), 0)::bigint`.mapWith(Number),
      fees: sql<number>`coalesce(sum(${payments.applicationFeeCents}), 0)::bigint`.mapWith(Number),
      refunded: sql<number>`coalesce(sum(${payments.refundedCents}), 0)::bigint`.mapWith(Number),
    })
    .from(payments)
    .where(eq(payments.supplierId, supplierId));
  return row ?? { captured: 0, fees: 0, refunded: 0 };
}

/**
 * Claims a Stripe event id inside the transaction that applies it. A concurrent delivery of the same event waits
 * on the unique key until this transaction ends, then finds the id taken: false means "already applied".
 */
export async function claimStripeEvent(
  tx: Transaction,
  e: { eventId: string; eventType: string; stripeAccountId: string | null },
): Promise<boolean> {
  const rows = await tx
    .insert(stripeEvents)
    .values({ ...e, outcome: 'applied' })
    .onConflictDoNothing({ target: stripeEvents.eventId })
    .returning({ id: stripeEvents.id });
  return rows.length > 0;
}

export async function setStripeEventOutcome(
  tx: Transaction,
  eventId: string,
  outcome: string,
): Promise<void> {
  await tx.update(stripeEvents).set({ outcome }).where(eq(stripeEvents.eventId, eventId));
}
