import { z } from 'zod';
import { PAYMENT_STATUSES } from './payments.events.js';

/** What an order shows of its card payment (null for invoice orders). */
export const paymentSummaryDto = z.object({
  status: z.enum(PAYMENT_STATUSES),
  amount_cents: z.number().int(),
  captured_cents: z.number().int(),
  refunded_cents: z.number().int(),
  /** For the client to confirm the PaymentIntent with Stripe.js; null until the intent exists. */
  client_secret: z.string().nullable(),
  disputed: z.boolean(),
});
export type PaymentSummary = z.infer<typeof paymentSummaryDto>;

/** A card order's payment until its PaymentIntent exists (the placement answer; the client polls the order). */
export const pendingCardPayment = (amountCents: number): PaymentSummary => ({
  status: 'pending',
  amount_cents: amountCents,
  captured_cents: 0,
  refunded_cents: 0,
  client_secret: null,
  disputed: false,
});

export const refundDto = z.object({
  id: z.uuid(),
  amount_cents: z.number().int(),
  reason: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  stripe_refund_id: z.string().nullable(),
  /** Why the last attempt at Stripe failed (a `pending` refund is retried by payments.reconcile). */
  last_error: z.string().nullable(),
  created_at: z.string(),
});

export const paymentDto = paymentSummaryDto.extend({
  order_id: z.uuid(),
  supplier_id: z.uuid(),
  currency: z.string(),
  authorised_cents: z.number().int(),
  application_fee_cents: z.number().int(),
  fee_bp: z.number().int(),
  destination_account_id: z.string(),
  payment_intent_id: z.string().nullable(),
  intent_attempt: z.number().int(),
  failure_code: z.string().nullable(),
  last_error: z.string().nullable(),
  authorised_at: z.string().nullable(),
  captured_at: z.string().nullable(),
  /** When the last authorisation lapsed before delivery (a new one is requested). */
  expired_at: z.string().nullable(),
  cancelled_at: z.string().nullable(),
  disputed_at: z.string().nullable(),
  dispute_reason: z.string().nullable(),
  refunds: z.array(refundDto),
});

export const accountDto = z.object({
  supplier_id: z.uuid(),
  stripe_account_id: z.string(),
  charges_enabled: z.boolean(),
  payouts_enabled: z.boolean(),
  details_submitted: z.boolean(),
  requirements: z.object({ currently_due: z.array(z.string()), disabled_reason: z.string().nullable() }),
  fee_bp: z.number().int(),
  fee_bp_override: z.number().int().nullable(),
});

export const onboardingBody = z
  .strictObject({ return_url: z.url({ protocol: /^https?$/ }).optional() })
  .optional();
export const onboardingDto = accountDto.extend({ onboarding_url: z.string(), expires_at: z.string() });

export const feeBody = z.strictObject({ fee_bp: z.number().int().min(0).max(10_000).nullable() });

export const refundBody = z.strictObject({
  amount_cents: z.number().int().positive().max(1_000_000_000),
  reason: z.string().trim().min(1).max(500),
});

export const payoutDto = z.object({
  id: z.uuid(),
  stripe_payout_id: z.string(),
  amount_cents: z.number().int(),
  currency: z.string(),
  status: z.string(),
  arrival_date: z.string().nullable(),
  failure_code: z.string().nullable(),
  updated_at: z.string(),
});
export const payoutsDto = z.object({
  payouts: z.array(payoutDto),
  /** Captured card payments to this supplier, gross, and the platform's commission on them. */
  captured_cents: z.number().int(),
  application_fees_cents: z.number().int(),
  refunded_cents: z.number().int(),
});

export type PaymentDto = z.infer<typeof paymentDto>;
export type AccountDto = z.infer<typeof accountDto>;
export type RefundDto = z.infer<typeof refundDto>;
