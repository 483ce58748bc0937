import { z } from 'zod';

export const PAYMENT_METHODS = ['invoice', 'card'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Payment state of a card order; moves only along `lifecycle.ts`'s table. */
export const PAYMENT_STATUSES = [
  'pending',
  'requires_confirmation',
  'authorised',
  'expired',
  'captured',
  'partially_refunded',
  'refunded',
  'failed',
  'cancelled',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

const base = {
  order_id: z.uuid(),
  payment_id: z.uuid(),
  supplier_id: z.uuid(),
  restaurant_id: z.uuid(),
  status: z.enum(PAYMENT_STATUSES),
  currency: z.string().length(3),
};

/** Ids, amounts and states only: these payloads are copied into Redis job data. */
export const paymentEventSchemas = {
  'payment.authorised': z.object({ ...base, amount_cents: z.number().int() }),
  'payment.captured': z.object({
    ...base,
    amount_cents: z.number().int(),
    application_fee_cents: z.number().int(),
  }),
  'payment.refunded': z.object({
    ...base,
    amount_cents: z.number().int(),
    refunded_total_cents: z.number().int(),
  }),
  'payment.failed': z.object({ ...base, failure_code: z.string().nullable() }),
  /** The authorisation lapsed before delivery; a new intent is requested (the payments job listens). */
  'payment.authorisation_expired': z.object({ ...base }),
  'payment.disputed': z.object({ ...base, amount_cents: z.number().int(), reason: z.string().nullable() }),
} as const;
