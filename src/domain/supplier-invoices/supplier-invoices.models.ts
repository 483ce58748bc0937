import { sql } from 'drizzle-orm';
import {
  bigint,
  char,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { baseColumns } from '../../db/base.js';
import { accounts } from '../accounts/accounts.models.js';
import { orders } from '../orders/orders.models.js';
import { restaurants, suppliers } from '../organisations/organisations.models.js';
import type { ExtractedInvoice, FieldValue, HeaderField } from './extraction/extracted.js';
import { SUPPLIER_INVOICE_STATUSES } from './supplier-invoices.events.js';

export const supplierInvoiceStatus = pgEnum('supplier_invoice_status', SUPPLIER_INVOICE_STATUSES);
export const SUPPLIER_INVOICE_FORMATS = ['pdf', 'png', 'jpeg', 'tiff', 'ubl', 'cii'] as const;
export const supplierInvoiceFormat = pgEnum('supplier_invoice_format', SUPPLIER_INVOICE_FORMATS);
export const DOCUMENT_TYPES = ['invoice', 'credit_note'] as const;
export const supplierInvoiceDocumentType = pgEnum('supplier_invoice_document_type', DOCUMENT_TYPES);
export const DISCREPANCY_REASONS = [
  'PRICE_DIFFERS',
  'QUANTITY_DIFFERS',
  'LINE_NOT_ORDERED',
  'LINE_MISSING',
  'VAT_RATE_WRONG',
  'TOTALS_INCONSISTENT',
  'DUPLICATE_INVOICE',
  'CURRENCY_DIFFERS',
] as const;
export type DiscrepancyReason = (typeof DISCREPANCY_REASONS)[number];
export const discrepancyReason = pgEnum('supplier_invoice_discrepancy_reason', DISCREPANCY_REASONS);

const money = (name: string) => bigint(name, { mode: 'number' });

export interface ReviewReason {
  code: string;
  message: string;
  amount_cents?: number;
  candidates?: string[];
}

/**
 * A supplier invoice (or credit note) as received: the stored file (content-addressed), who sent it and for
 * whom, what extraction found (header fields with source and confidence, the normalised document), and the
 * outcome of matching and reconciliation. Money in öre.
 */
export const supplierInvoices = pgTable(
  'supplier_invoices',
  {
    ...baseColumns(),
    /** The uploader's organisation: duplicates (same SHA-256) are detected per uploading party. */
    ownerKind: text('owner_kind', { enum: ['restaurant', 'supplier'] }).notNull(),
    ownerOrgId: uuid('owner_org_id').notNull(),
    restaurantId: uuid('restaurant_id').references(() => restaurants.id),
    supplierId: uuid('supplier_id').references(() => suppliers.id),
    uploadedBy: uuid('uploaded_by').references(() => accounts.id, { onDelete: 'set null' }),
    status: supplierInvoiceStatus('status').notNull().default('received'),
    declaredType: supplierInvoiceDocumentType('declared_type'),
    documentType: supplierInvoiceDocumentType('document_type'),
    fileKey: text('file_key').notNull(),
    fileSha256: char('file_sha256', { length: 64 }).notNull(),
    fileSize: integer('file_size').notNull(),
    fileName: text('file_name'),
    format: supplierInvoiceFormat('format').notNull(),
    contentType: text('content_type').notNull(),
    extractionSource: text('extraction_source', { enum: ['xml', 'pdf-xml', 'pdf-text', 'ocr'] }),
    extractionAttempts: integer('extraction_attempts').notNull().default(0),
    fields: jsonb('fields').$type<Partial<Record<HeaderField, FieldValue>>>(),
    document: jsonb('document').$type<ExtractedInvoice>(),
    invoiceNumber: text('invoice_number'),
    issueDate: date('issue_date', { mode: 'string' }),
    currency: char('currency', { length: 3 }),
    payableCents: money('payable_cents'),
    orderId: uuid('order_id').references(() => orders.id),
    /** A credit note: the invoice it credits. */
    creditsInvoiceId: uuid('credits_invoice_id').references((): AnyPgColumn => supplierInvoices.id),
    reviewReasons: jsonb('review_reasons').$type<ReviewReason[]>().notNull().default([]),
    failureReason: text('failure_reason'),
    /** Sum of the discrepancies the invoice overcharges by (positive amounts). */
    disputedCents: money('disputed_cents').notNull().default(0),
    creditedCents: money('credited_cents').notNull().default(0),
  },
  (t) => [
    uniqueIndex('supplier_invoices_owner_file_key')
      .on(t.ownerKind, t.ownerOrgId, t.fileSha256)
      .where(sql`${t.deletedAt} IS NULL`),
    index('supplier_invoices_restaurant_idx').on(t.restaurantId, t.createdAt),
    index('supplier_invoices_supplier_idx').on(t.supplierId, t.createdAt),
    index('supplier_invoices_status_idx').on(t.status, t.createdAt),
    // The hard-delete sweep asks, per batch of stored files, which keys rows still name.
    index('supplier_invoices_file_key_idx').on(t.fileKey),
    index('supplier_invoices_number_idx').on(t.supplierId, t.invoiceNumber),
    index('supplier_invoices_order_idx').on(t.orderId),
    check('supplier_invoices_party', sql`${t.restaurantId} IS NOT NULL OR ${t.supplierId} IS NOT NULL`),
    check('supplier_invoices_amounts', sql`${t.disputedCents} >= 0 AND ${t.creditedCents} >= 0`),
  ],
);

export const supplierInvoiceLines = pgTable(
  'supplier_invoice_lines',
  {
    ...baseColumns(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => supplierInvoices.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    sellerItemId: text('seller_item_id'),
    gtin: text('gtin'),
    description: text('description').notNull(),
    quantity: numeric('quantity', { precision: 14, scale: 3, mode: 'string' }).notNull(),
    unitCode: text('unit_code'),
    unitPriceCents: money('unit_price_cents').notNull(),
    netCents: money('net_cents').notNull(),
    vatCategory: text('vat_category'),
    vatRateBp: integer('vat_rate_bp'),
    /** The order line it reconciled against, when matched. */
    orderLineNo: integer('order_line_no'),
  },
  (t) => [uniqueIndex('supplier_invoice_lines_invoice_line_key').on(t.invoiceId, t.lineNo)],
);

export const supplierInvoiceDiscrepancies = pgTable(
  'supplier_invoice_discrepancies',
  {
    ...baseColumns(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => supplierInvoices.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    reason: discrepancyReason('reason').notNull(),
    invoiceLineNo: integer('invoice_line_no'),
    orderLineNo: integer('order_line_no'),
    /** Signed: positive when the invoice asks for more than was ordered at the agreed price. */
    amountCents: money('amount_cents').notNull(),
    expected: text('expected'),
    actual: text('actual'),
  },
  (t) => [index('supplier_invoice_discrepancies_invoice_idx').on(t.invoiceId, t.position)],
);

/** Every status change and every field correction (old and new value), with who made it. */
export const supplierInvoiceHistory = pgTable(
  'supplier_invoice_history',
  {
    ...baseColumns(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => supplierInvoices.id, { onDelete: 'cascade' }),
    action: text('action').notNull(),
    fromStatus: supplierInvoiceStatus('from_status'),
    toStatus: supplierInvoiceStatus('to_status'),
    actorAccountId: uuid('actor_account_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('supplier_invoice_history_invoice_idx').on(t.invoiceId, t.createdAt)],
);

/** A supplier's own per-line price tolerance; suppliers without a row use SUPPLIER_INVOICE_TOLERANCE_BP. */
export const supplierInvoiceTolerances = pgTable(
  'supplier_invoice_tolerances',
  {
    ...baseColumns(),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    toleranceBp: integer('tolerance_bp').notNull(),
  },
  (t) => [
    uniqueIndex('supplier_invoice_tolerances_supplier_key').on(t.supplierId),
    check('supplier_invoice_tolerances_range', sql`${t.toleranceBp} BETWEEN 0 AND 10000`),
  ],
);

export type SupplierInvoiceRow = typeof supplierInvoices.$inferSelect;
export type SupplierInvoiceInsert = typeof supplierInvoices.$inferInsert;
export type SupplierInvoiceLineRow = typeof supplierInvoiceLines.$inferSelect;
export type DiscrepancyRow = typeof supplierInvoiceDiscrepancies.$inferSelect;
export type HistoryRow = typeof supplierInvoiceHistory.$inferSelect;
