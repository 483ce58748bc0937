import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { baseColumns, instant } from '../../db/base.js';
import { orders } from '../orders/orders.models.js';
import { suppliers } from '../organisations/organisations.models.js';
import { accounts } from '../accounts/accounts.models.js';
import { PAYMENT_STATUSES } from './payments.events.js';

const money = (name: string) => bigint(name, { mode: 'number' });

export const paymentStatus = pgEnum('payment_status', PAYMENT_STATUSES);

/** A supplier's Stripe Express account, kept current from `account.updated` (spec §3). */
export const paymentAccounts = pgTable(
  'payment_accounts',
  {
    ...baseColumns(),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    stripeAccountId: text('stripe_account_id').notNull(),
    chargesEnabled: boolean('charges_enabled').notNull().default(false),
    payoutsEnabled: boolean('payouts_enabled').notNull().default(false),
    detailsSubmitted: boolean('details_submitted').notNull().default(false),
    /** Stripe's `requirements.currently_due` and `disabled_reason`. */
    requirements: jsonb('requirements')
      .$type<{ currently_due: string[]; disabled_reason: string | null }>()
      .notNull()
      .default({ currently_due: [], disabled_reason: null }),
    /** Per-supplier commission in basis points; null uses PAYMENTS_PLATFORM_FEE_BP. */
    feeBp: integer('fee_bp'),
    /** `created` of the newest account.updated applied: older ones arriving late are ignored. */
    stateAsOf: instant('state_as_of'),
  },
  (t) => [
    unique('payment_accounts_supplier_key').on(t.supplierId),
    unique('payment_accounts_stripe_key').on(t.stripeAccountId),
    check('payment_accounts_fee_bp_range', sql`${t.feeBp} IS NULL OR ${t.feeBp} BETWEEN 0 AND 10000`),
  ],
);

/** The card payment of one order: a destination charge to the supplier's account, authorised then captured. */
export const payments = pgTable(
  'payments',
  {
    ...baseColumns(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    status: paymentStatus('status').notNull().default('pending'),
    currency: char('currency', { length: 3 }).notNull(),
    /** What the current PaymentIntent asks for (the order total at placement). */
    amountCents: money('amount_cents').notNull(),
    authorisedCents: money('authorised_cents').notNull().default(0),
    capturedCents: money('captured_cents').notNull().default(0),
    refundedCents: money('refunded_cents').notNull().default(0),
    applicationFeeCents: money('application_fee_cents').notNull().default(0),
    feeBp: integer('fee_bp').notNull(),
    destinationAccountId: text('destination_account_id').notNull(),
    intentId: text('intent_id'),
    clientSecret: text('client_secret'),
    /** Which PaymentIntent of the order this is (a lapsed authorisation is re-requested on a new one). */
    intentAttempt: integer('intent_attempt').notNull().default(0),
    failureCode: text('failure_code'),
    lastError: text('last_error'),
    authorisedAt: instant('authorised_at'),
    capturedAt: instant('captured_at'),
    expiredAt: instant('expired_at'),
    cancelledAt: instant('cancelled_at'),
    disputedAt: instant('disputed_at'),
    disputeReason: text('dispute_reason'),
  },
  (t) => [
    unique('payments_order_key').on(t.orderId),
    unique('payments_intent_key').on(t.intentId),
    index('payments_status_idx').on(t.status, t.updatedAt),
    check(
      'payments_amounts',
      sql`${t.amountCents} > 0 AND ${t.capturedCents} >= 0 AND ${t.refundedCents} >= 0 AND ${t.refundedCents} <= ${t.capturedCents}`,
    ),
  ],
);

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export const refundStatus = pgEnum('refund_status', REFUND_STATUSES);

/** A refund request; its amount is reserved against the captured total while it is pending. */
export const refunds = pgTable(
  'payment_refunds',
  {
    ...baseColumns(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    amountCents: money('amount_cents').notNull(),
    reason: text('reason').notNull(),
    status: refundStatus('status').notNull().default('pending'),
    stripeRefundId: text('stripe_refund_id'),
    requestedBy: uuid('requested_by').references(() => accounts.id, { onDelete: 'set null' }),
    lastError: text('last_error'),
  },
  (t) => [
    unique('payment_refunds_stripe_key').on(t.stripeRefundId),
    index('payment_refunds_payment_idx').on(t.paymentId),
    check('payment_refunds_amount_positive', sql`${t.amountCents} > 0`),
  ],
);

/** Payouts of a supplier's connected account, from `payout.paid` / `payout.failed`. */
export const payouts = pgTable(
  'payouts',
  {
    ...baseColumns(),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    stripePayoutId: text('stripe_payout_id').notNull(),
    amountCents: money('amount_cents').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    status: text('status').notNull(),
    arrivalDate: instant('arrival_date'),
    failureCode: text('failure_code'),
    stateAsOf: instant('state_as_of').notNull(),
  },
  (t) => [
    unique('payouts_stripe_key').on(t.stripePayoutId),
    index('payouts_supplier_idx').on(t.supplierId, t.createdAt),
  ],
);

/** Every Stripe event id applied, written in the transaction of its effect: a repeat finds it and does nothing. */
export const stripeEvents = pgTable(
  'stripe_events',
  {
    ...baseColumns(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    stripeAccountId: text('stripe_account_id'),
    outcome: text('outcome').notNull(),
  },
  (t) => [unique('stripe_events_event_key').on(t.eventId)],
);

export type PaymentAccountRow = typeof paymentAccounts.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;
export type PayoutRow = typeof payouts.$inferSelect;
