import { z } from 'zod';
import { paginated, paginationQuery } from '../../core/pagination.js';
import { HEADER_FIELDS } from './extraction/extracted.js';
import { SUPPLIER_INVOICE_STATUSES } from './supplier-invoices.events.js';
import { DISCREPANCY_REASONS, DOCUMENT_TYPES, SUPPLIER_INVOICE_FORMATS } from './supplier-invoices.models.js';

/** The multipart fields beside the file. */
export const uploadFields = z.strictObject({
  restaurant_id: z.uuid().optional(),
  supplier_id: z.uuid().optional(),
  document_type: z.enum(DOCUMENT_TYPES).optional(),
});
export type UploadFields = z.infer<typeof uploadFields>;

const field = z.object({
  value: z.union([z.string(), z.number(), z.null()]),
  source: z.string(),
  confidence: z.number(),
});

export const supplierInvoiceSummary = z.object({
  id: z.uuid(),
  status: z.enum(SUPPLIER_INVOICE_STATUSES),
  document_type: z.enum(DOCUMENT_TYPES).nullable(),
  restaurant_id: z.uuid().nullable(),
  supplier_id: z.uuid().nullable(),
  order_id: z.uuid().nullable(),
  credits_invoice_id: z.uuid().nullable(),
  format: z.enum(SUPPLIER_INVOICE_FORMATS),
  file_name: z.string().nullable(),
  file_sha256: z.string(),
  file_size: z.number().int(),
  extraction_source: z.string().nullable(),
  invoice_number: z.string().nullable(),
  issue_date: z.string().nullable(),
  currency: z.string().nullable(),
  payable_cents: z.number().int().nullable(),
  disputed_cents: z.number().int(),
  credited_cents: z.number().int(),
  review_reasons: z.array(
    z.object({
      code: z.string(),
      message: z.string(),
      amount_cents: z.number().int().optional(),
      candidates: z.array(z.string()).optional(),
    }),
  ),
  failure_reason: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const supplierInvoiceDto = supplierInvoiceSummary.extend({
  fields: z.record(z.string(), field),
  vat: z.array(
    z.object({
      category: z.string(),
      rate_bp: z.number().int(),
      taxable_cents: z.number().int(),
      tax_cents: z.number().int(),
    }),
  ),
  lines: z.array(
    z.object({
      line_no: z.number().int(),
      seller_item_id: z.string().nullable(),
      gtin: z.string().nullable(),
      description: z.string(),
      quantity: z.string(),
      unit_code: z.string().nullable(),
      unit_price_cents: z.number().int(),
      net_cents: z.number().int(),
      vat_category: z.string().nullable(),
      vat_rate_bp: z.number().int().nullable(),
      order_line_no: z.number().int().nullable(),
    }),
  ),
  discrepancies: z.array(
    z.object({
      reason: z.enum(DISCREPANCY_REASONS),
      invoice_line_no: z.number().int().nullable(),
      order_line_no: z.number().int().nullable(),
      amount_cents: z.number().int(),
      expected: z.string().nullable(),
      actual: z.string().nullable(),
    }),
  ),
  history: z.array(
    z.object({
      action: z.string(),
      from: z.enum(SUPPLIER_INVOICE_STATUSES).nullable(),
      to: z.enum(SUPPLIER_INVOICE_STATUSES).nullable(),
      actor_account_id: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
      at: z.string(),
    }),
  ),
});

export const supplierInvoiceListQuery = z.strictObject({
  ...paginationQuery,
  status: z.enum(SUPPLIER_INVOICE_STATUSES).optional(),
  supplier_id: z.uuid().optional(),
  restaurant_id: z.uuid().optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  has_discrepancies: z.enum(['true', 'false']).optional(),
});

export const supplierInvoicePage = paginated(supplierInvoiceSummary);

const correctable = HEADER_FIELDS.filter((f) => !f.endsWith('_cents'));
const amountFields = HEADER_FIELDS.filter((f) => f.endsWith('_cents'));

/** A correction: header fields (text or öre) and/or the order the invoice bills. */
export const correctionBody = z
  .strictObject({
    fields: z
      .strictObject({
        ...Object.fromEntries(
          correctable.map((f) => [f, z.string().trim().min(1).max(200).nullable().optional()]),
        ),
        ...Object.fromEntries(amountFields.map((f) => [f, z.number().int().nullable().optional()])),
      })
      .optional(),
    order_id: z.uuid().optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .refine((b) => b.fields !== undefined || b.order_id !== undefined, 'give fields or order_id');

export const disputeBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const toleranceBody = z.strictObject({ tolerance_bp: z.number().int().min(0).max(10_000) });

export type SupplierInvoiceDto = z.infer<typeof supplierInvoiceDto>;
export type SupplierInvoiceSummary = z.infer<typeof supplierInvoiceSummary>;
export type SupplierInvoiceListQuery = z.infer<typeof supplierInvoiceListQuery>;
export type CorrectionBody = z.infer<typeof correctionBody>;
