import { z } from 'zod';
import { ORDER_STATUSES } from './orders.events.js';
import { paginated, paginationQuery } from '../../core/pagination.js';
import { VAT_CATEGORIES } from '../products/products.models.js';
import { PAYMENT_METHODS } from '../payments/payments.events.js';
import { paymentSummaryDto } from '../payments/payments.schemas.js';

export const MAX_LINES = 200;
export const MAX_QUANTITY = 100_000;

export const quantity = z
  .number()
  .positive()
  .max(MAX_QUANTITY)
  .refine((n) => /^\d+(\.\d{1,3})?$/.test(String(n)), 'at most 3 decimals');

export const orderCreate = z.strictObject({
  restaurant_id: z.uuid(),
  supplier_id: z.uuid(),
  lines: z
    .array(z.strictObject({ product_id: z.uuid(), quantity }))
    .min(1)
    .max(MAX_LINES),
  delivery_date: z.iso.date().optional(),
  note: z.string().trim().max(1000).optional(),
  payment_method: z.enum(PAYMENT_METHODS).optional(),
});

/** Optional: no body at all, {} or {"reason": "…"}. */
export const cancelBody = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }).nullish();

export const orderLineDto = z.object({
  line_no: z.number().int(),
  product_id: z.uuid(),
  sku: z.string(),
  name: z.string(),
  unit: z.string(),
  quantity: z.string(),
  unit_price_cents: z.number().int(),
  vat_category: z.enum(VAT_CATEGORIES),
  vat_rate: z.string(),
  net_cents: z.number().int(),
});

export const orderDto = z.object({
  id: z.uuid(),
  restaurant_id: z.uuid(),
  supplier_id: z.uuid(),
  status: z.enum(ORDER_STATUSES),
  currency: z.string(),
  subtotal_cents: z.number().int(),
  tax_cents: z.number().int(),
  total_cents: z.number().int(),
  delivery_date: z.string().nullable(),
  /** Rates' date: the requested delivery date (a quote) until `deliver`, then the date of supply. */
  vat_date: z.string(),
  /** Set at `deliver`: the tax point; from then on the amounts are settled. */
  supply_date: z.string().nullable(),
  due_date: z.string().nullable(),
  note: z.string().nullable(),
  placed_by: z.string().nullable(),
  placed_at: z.string(),
  confirmed_at: z.string().nullable(),
  dispatched_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
  invoiced_at: z.string().nullable(),
  cancelled_at: z.string().nullable(),
  cancel_reason: z.string().nullable(),
  payment_method: z.enum(PAYMENT_METHODS),
  /** The card payment's state and client_secret (payments domain); null for invoice orders. */
  payment: paymentSummaryDto.nullable(),
  lines: z.array(orderLineDto),
});

export const orderListQuery = z.strictObject({
  ...paginationQuery,
  status: z.enum(ORDER_STATUSES).optional(),
  restaurant_id: z.uuid().optional(),
  supplier_id: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  sort: z
    .string()
    .regex(
      /^-?(placed_at|total_cents|status)(,-?(placed_at|total_cents|status))*$/,
      'comma-separated placed_at, total_cents, status; "-" for descending',
    )
    .optional(),
});

export const orderPage = paginated(orderDto);

const address = z.object({
  line: z.string().nullable(),
  postal_code: z.string().nullable(),
  city: z.string().nullable(),
  country: z.string(),
});
const party = z.object({
  legal_name: z.string(),
  org_number: z.string(),
  vat_number: z.string().nullable(),
  address,
});
const docLine = z.object({
  line_no: z.number().int(),
  sku: z.string(),
  description: z.string(),
  quantity: z.string(),
  unit: z.string(),
  unit_price_cents: z.number().int(),
  vat_category: z.enum(VAT_CATEGORIES),
  vat_rate: z.string(),
  vat_rate_bp: z.number().int(),
  /** Exact: round(unit price × quantity). Lines carry no VAT of their own; see `vat`. */
  net_cents: z.number().int(),
});
/** VAT per rate, highest rate first: taxable amount = Σ line nets at the rate, VAT = taxable × rate, rounded once. */
const breakdown = z.array(
  z.object({
    vat_rate: z.string(),
    vat_rate_bp: z.number().int(),
    taxable_cents: z.number().int(),
    tax_cents: z.number().int(),
  }),
);

/** What receipts and invoices both show: the lines, the VAT per rate and the totals. */
const documentAmounts = {
  currency: z.string(),
  lines: z.array(docLine),
  vat: breakdown,
  subtotal_cents: z.number().int(),
  tax_cents: z.number().int(),
  total_cents: z.number().int(),
};

export const receiptDto = z.object({
  order_id: z.uuid(),
  status: z.enum(ORDER_STATUSES),
  restaurant: z.string(),
  supplier: z.string(),
  placed_at: z.string(),
  delivery_date: z.string().nullable(),
  supply_date: z.string().nullable(),
  times_zone: z.literal('Europe/Stockholm'),
  status_history: z.array(z.object({ status: z.enum(ORDER_STATUSES), at: z.string() })),
  ...documentAmounts,
});

/** Our sales invoice for a delivered order: every value frozen at `deliver`. */
export const invoiceDto = z.object({
  invoice_number: z.string(),
  order_id: z.uuid(),
  issue_date: z.string(),
  /** Date of supply: the tax point whose VAT rates the lines carry. */
  supply_date: z.string(),
  due_date: z.string(),
  payment_terms_days: z.number().int(),
  seller: party.extend({ vat_number: z.string() }),
  buyer: party,
  payment: z.object({ bankgiro: z.string().nullable(), ocr_reference: z.string() }),
  ...documentAmounts,
});

/** A credit note: what to credit (invoice line numbers and quantities; none = everything not yet credited). */
export const creditNoteCreate = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  lines: z
    .array(z.strictObject({ line_no: z.number().int().positive(), quantity }))
    .min(1)
    .max(MAX_LINES)
    .optional(),
});

export const creditNoteDto = z.object({
  id: z.uuid(),
  /** Its own series: KR-<year>-<serial>. */
  credit_note_number: z.string(),
  order_id: z.uuid(),
  /** The invoice this credit note corrects. */
  invoice_number: z.string(),
  invoice_issue_date: z.string(),
  issue_date: z.string(),
  reason: z.string(),
  seller: party.extend({ vat_number: z.string() }),
  buyer: party,
  currency: z.string(),
  lines: z.array(docLine.extend({ invoice_line_no: z.number().int() })),
  /** VAT credited per rate, highest rate first. */
  vat: breakdown,
  subtotal_cents: z.number().int(),
  tax_cents: z.number().int(),
  total_cents: z.number().int(),
});

export const creditNoteListQuery = z.strictObject(paginationQuery);
export const creditNotePage = paginated(creditNoteDto);

export type OrderCreate = z.input<typeof orderCreate>;
export type CreditNoteCreate = z.infer<typeof creditNoteCreate>;
export type CreditNoteDto = z.infer<typeof creditNoteDto>;
export type OrderDto = z.infer<typeof orderDto>;
export type OrderListQuery = z.infer<typeof orderListQuery>;
export type InvoiceDto = z.infer<typeof invoiceDto>;
export type ReceiptDto = z.infer<typeof receiptDto>;

// Named components of the OpenAPI document and of the generated client (docs/adding-a-domain.md).
z.globalRegistry.add(orderCreate, { id: 'OrderCreate' });
z.globalRegistry.add(cancelBody, { id: 'OrderCancel' });
z.globalRegistry.add(orderLineDto, { id: 'OrderLine' });
z.globalRegistry.add(orderDto, { id: 'Order' });
z.globalRegistry.add(orderPage, { id: 'OrderPage' });
z.globalRegistry.add(receiptDto, { id: 'Receipt' });
z.globalRegistry.add(invoiceDto, { id: 'Invoice' });
z.globalRegistry.add(creditNoteCreate, { id: 'CreditNoteCreate' });
z.globalRegistry.add(creditNoteDto, { id: 'CreditNote' });
z.globalRegistry.add(creditNotePage, { id: 'CreditNotePage' });
