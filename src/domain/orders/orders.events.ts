import { z } from 'zod';

export const ORDER_STATUSES = [
  'placed',
  'confirmed',
  'dispatched',
  'delivered',
  'invoiced',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Payloads carry ids, amounts and states only — never personal data — because they are copied into Redis jobs. */
export const orderEventSchemas = {
  'order.placed': z.object({
    order_id: z.uuid(),
    restaurant_id: z.uuid(),
    supplier_id: z.uuid(),
    placed_by: z.uuid().nullable(),
    total_cents: z.number().int(),
    currency: z.string().length(3),
  }),
  'order.status_changed': z.object({
    order_id: z.uuid(),
    restaurant_id: z.uuid(),
    supplier_id: z.uuid(),
    from: z.enum(ORDER_STATUSES),
    to: z.enum(ORDER_STATUSES),
    changed_by: z.uuid().nullable(),
  }),
  /** A credit note was issued against the sales invoice of a delivered order. */
  'order.credit_note_issued': z.object({
    order_id: z.uuid(),
    credit_note_id: z.uuid(),
    restaurant_id: z.uuid(),
    supplier_id: z.uuid(),
    issued_by: z.uuid().nullable(),
    subtotal_cents: z.number().int(),
    tax_cents: z.number().int(),
    total_cents: z.number().int(),
    currency: z.string().length(3),
  }),
} as const;
