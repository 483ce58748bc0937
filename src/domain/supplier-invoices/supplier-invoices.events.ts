import { z } from 'zod';

export const SUPPLIER_INVOICE_STATUSES = [
  'received',
  'extracting',
  'extracted',
  'needs_review',
  'failed',
  'matched',
  'disputed',
  'approved',
  'credited',
] as const;
export type SupplierInvoiceStatus = (typeof SUPPLIER_INVOICE_STATUSES)[number];

/** Payloads carry ids, amounts and states only — never personal data — because they are copied into Redis jobs. */
export const supplierInvoiceEventSchemas = {
  /** Committed with the upload; starts the extraction job. */
  'supplier_invoice.received': z.object({
    supplier_invoice_id: z.uuid(),
    restaurant_id: z.uuid().nullable(),
    supplier_id: z.uuid().nullable(),
  }),
  'supplier_invoice.status_changed': z.object({
    supplier_invoice_id: z.uuid(),
    restaurant_id: z.uuid().nullable(),
    supplier_id: z.uuid().nullable(),
    from: z.enum(SUPPLIER_INVOICE_STATUSES),
    to: z.enum(SUPPLIER_INVOICE_STATUSES),
  }),
  /** A credit-note request to the supplier for the disputed amount. */
  'supplier_invoice.disputed': z.object({
    supplier_invoice_id: z.uuid(),
    restaurant_id: z.uuid(),
    supplier_id: z.uuid(),
    order_id: z.uuid().nullable(),
    disputed_cents: z.number().int(),
    currency: z.string().length(3),
    reasons: z.array(z.string()),
  }),
} as const;
