import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
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
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { baseColumns, instant } from '../../db/base.js';
import { ORDER_STATUSES } from './orders.events.js';
import { PAYMENT_METHODS } from '../payments/payments.events.js';
import { accounts } from '../accounts/accounts.models.js';
import { restaurants, suppliers } from '../organisations/organisations.models.js';
import { products, vatCategory } from '../products/products.models.js';

export const orderStatus = pgEnum('order_status', ORDER_STATUSES);
export const paymentMethod = pgEnum('payment_method', PAYMENT_METHODS);

const money = (name: string) => bigint(name, { mode: 'number' });

/** A party to an invoice as it stood when the goods were delivered; later edits of the party never reach it. */
export interface InvoiceParty {
  legalName: string;
  orgNumber: string;
  /** Momsregistreringsnummer; null for a buyer without one. */
  vatNumber: string | null;
  address: { line: string | null; postalCode: string | null; city: string | null; country: string };
}

export interface InvoiceSeller extends InvoiceParty {
  vatNumber: string;
  bankgiro: string | null;
}

/** An order from one restaurant to one supplier. Money in öre; totals are the sums of the lines. */
export const orders = pgTable(
  'orders',
  {
    ...baseColumns(),
    restaurantId: uuid('restaurant_id')
      .notNull()
      .references(() => restaurants.id),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    /** A unique number per order, from a database identity: the base of invoice numbers and OCR references. */
    serial: bigint('serial', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    status: orderStatus('status').notNull().default('placed'),
    currency: char('currency', { length: 3 }).notNull(),
    subtotalCents: money('subtotal_cents').notNull(),
    taxCents: money('tax_cents').notNull(),
    totalCents: money('total_cents').notNull(),
    deliveryDate: date('delivery_date', { mode: 'string' }),
    /**
     * The Stockholm calendar date whose VAT rates priced the order: at placement the requested delivery date
     * (else the order date), a quote; from `deliver` on the date of supply, the tax point.
     */
    vatDate: date('vat_date', { mode: 'string' }).notNull(),
    /** Date of supply (Stockholm calendar), set at `deliver`: the tax point, the invoice's issue date. */
    supplyDate: date('supply_date', { mode: 'string' }),
    /** The supplier's terms when the goods were delivered, and the due date they gave. */
    paymentTermsDays: integer('payment_terms_days'),
    dueDate: date('due_date', { mode: 'string' }),
    /** Seller and buyer frozen at `deliver`: the invoice is derived from these, never from the live rows. */
    seller: jsonb('seller').$type<InvoiceSeller>(),
    buyer: jsonb('buyer').$type<InvoiceParty>(),
    note: text('note'),
    /** `invoice` (payment terms, OCR reference) or `card` (Stripe, see the payments domain). */
    paymentMethod: paymentMethod('payment_method').notNull().default('invoice'),
    placedBy: uuid('placed_by').references(() => accounts.id, { onDelete: 'set null' }),
    placedAt: instant('placed_at').notNull().defaultNow(),
    confirmedAt: instant('confirmed_at'),
    dispatchedAt: instant('dispatched_at'),
    deliveredAt: instant('delivered_at'),
    invoicedAt: instant('invoiced_at'),
    cancelledAt: instant('cancelled_at'),
    cancelReason: text('cancel_reason'),
  },
  (t) => [
    check('orders_money_invariant', sql`${t.totalCents} >= ${t.taxCents} AND ${t.taxCents} >= 0`),
    check('orders_total_is_sum', sql`${t.totalCents} = ${t.subtotalCents} + ${t.taxCents}`),
    check(
      'orders_invoice_frozen',
      sql`${t.status} NOT IN ('delivered', 'invoiced') OR (${t.supplyDate} IS NOT NULL AND ${t.paymentTermsDays} IS NOT NULL
        AND ${t.dueDate} IS NOT NULL AND ${t.seller} IS NOT NULL AND ${t.buyer} IS NOT NULL)`,
    ),
    unique('orders_serial_key').on(t.serial),
    index('orders_restaurant_idx').on(t.restaurantId, t.placedAt),
    index('orders_supplier_idx').on(t.supplierId, t.placedAt),
    index('orders_status_idx').on(t.status, t.placedAt),
  ],
);

/** What an order line and a credit-note line both record: the article, the quantity, the price and the VAT. */
const articleColumns = () => ({
  sku: text('sku').notNull(),
  name: text('name').notNull(),
  unit: text('unit').notNull(),
  quantity: numeric('quantity', { precision: 12, scale: 3, mode: 'string' }).notNull(),
  unitPriceCents: integer('unit_price_cents').notNull(),
  vatCategory: vatCategory('vat_category').notNull(),
  /** VAT rate in basis points: 600 = 6 %. */
  vatRateBp: integer('vat_rate_bp').notNull(),
  /** Exact: round(unit price × quantity). VAT is not per line: it is computed per rate on the sum of nets. */
  netCents: money('net_cents').notNull(),
});

export const orderLines = pgTable(
  'order_lines',
  {
    ...baseColumns(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    ...articleColumns(),
    /** Whether placement took this line's quantity from tracked stock: cancelling returns exactly that. */
    stockTaken: boolean('stock_taken').notNull(),
  },
  (t) => [
    unique('order_lines_order_line_key').on(t.orderId, t.lineNo),
    index('order_lines_product_idx').on(t.productId),
    check('order_lines_quantity_positive', sql`${t.quantity} > 0`),
    check('order_lines_amounts', sql`${t.netCents} >= 0 AND ${t.unitPriceCents} >= 1`),
  ],
);

export const orderStatusHistory = pgTable(
  'order_status_history',
  {
    ...baseColumns(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    fromStatus: orderStatus('from_status'),
    toStatus: orderStatus('to_status').notNull(),
    actorAccountId: uuid('actor_account_id'),
    reason: text('reason'),
  },
  (t) => [index('order_status_history_order_idx').on(t.orderId, t.createdAt)],
);

/** VAT credited at one rate by one credit note (see credit-notes.ts for why it is stored, not recomputed). */
export interface CreditedVat {
  vatRateBp: number;
  taxableCents: number;
  taxCents: number;
}

/**
 * A credit note (kreditfaktura) correcting our sales invoice of a delivered order: its own number series, the
 * invoice it corrects, and never more than was invoiced. Issued documents, never updated.
 */
export const creditNotes = pgTable(
  'credit_notes',
  {
    ...baseColumns(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    /** The credit-note number series (a database identity), apart from the invoices' series. */
    serial: bigint('serial', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    subtotalCents: money('subtotal_cents').notNull(),
    taxCents: money('tax_cents').notNull(),
    totalCents: money('total_cents').notNull(),
    /** VAT credited per rate, highest rate first. */
    vat: jsonb('vat').$type<CreditedVat[]>().notNull(),
    issuedBy: uuid('issued_by').references(() => accounts.id, { onDelete: 'set null' }),
  },
  (t) => [
    unique('credit_notes_serial_key').on(t.serial),
    index('credit_notes_order_idx').on(t.orderId, t.serial),
    check('credit_notes_total_is_sum', sql`${t.totalCents} = ${t.subtotalCents} + ${t.taxCents}`),
    check('credit_notes_amounts', sql`${t.subtotalCents} > 0 AND ${t.taxCents} >= 0`),
  ],
);

/** A credited quantity of one invoice line, with the line's article, price and settled rate copied. */
export const creditNoteLines = pgTable(
  'credit_note_lines',
  {
    ...baseColumns(),
    creditNoteId: uuid('credit_note_id')
      .notNull()
      .references(() => creditNotes.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    /** The invoice line (the order line's number) this credits. */
    invoiceLineNo: integer('invoice_line_no').notNull(),
    ...articleColumns(),
  },
  (t) => [
    unique('credit_note_lines_note_line_key').on(t.creditNoteId, t.lineNo),
    check('credit_note_lines_quantity_positive', sql`${t.quantity} > 0`),
    check('credit_note_lines_net', sql`${t.netCents} >= 0`),
  ],
);

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type CreditNoteRow = typeof creditNotes.$inferSelect;
export type CreditNoteLineRow = typeof creditNoteLines.$inferSelect;
