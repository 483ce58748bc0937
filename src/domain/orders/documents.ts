import { luhnValid } from '../organisations/org-number.js';
import { creditNoteNumber } from './credit-notes.js';
import { vatBreakdown } from './money.js';
import type {
  CreditNoteLineRow,
  CreditNoteRow,
  InvoiceParty,
  InvoiceSeller,
  OrderLineRow,
  OrderRow,
} from './orders.models.js';
import type { CreditNoteDto } from './orders.schemas.js';
import { stockholmTime } from './vat.js';

/**
 * Receipts and sales invoices are derived JSON, computed on request — never stored as documents. A sales
 * invoice is derived only from values frozen on the order at `deliver` (settled lines and rates, date of supply,
 * terms, seller and buyer), so it reads the same forever. Supplier invoices (bills arriving from outside) are
 * another domain.
 */

export const formatRate = (bp: number) => `${(bp / 100).toFixed(2)}%`;

type DocLine = Pick<
  OrderLineRow,
  | 'lineNo'
  | 'sku'
  | 'name'
  | 'quantity'
  | 'unit'
  | 'unitPriceCents'
  | 'vatCategory'
  | 'vatRateBp'
  | 'netCents'
>;

function docLine(l: DocLine) {
  return {
    line_no: l.lineNo,
    sku: l.sku,
    description: l.name,
    quantity: l.quantity,
    unit: l.unit,
    unit_price_cents: l.unitPriceCents,
    vat_category: l.vatCategory,
    vat_rate: formatRate(l.vatRateBp),
    vat_rate_bp: l.vatRateBp,
    net_cents: l.netCents,
  };
}

/** The lines, VAT per rate (highest first) and totals, all straight from the stored order. */
function amounts(order: OrderRow, lines: OrderLineRow[]) {
  return {
    currency: order.currency,
    lines: lines.map(docLine),
    vat: vatBreakdown(lines).map((g) => ({
      vat_rate: formatRate(g.vatRateBp),
      vat_rate_bp: g.vatRateBp,
      taxable_cents: g.netCents,
      tax_cents: g.taxCents,
    })),
    subtotal_cents: order.subtotalCents,
    tax_cents: order.taxCents,
    total_cents: order.totalCents,
  };
}

/**
 * Swedish OCR payment reference: the order's serial (unique, from a database identity), a length digit and a
 * Luhn check digit — the "variable OCR with length and check digit" form banks verify.
 */
export function ocrReference(serial: number): string {
  const base = String(serial).padStart(8, '0');
  const withLength = `${base}${(base.length + 2) % 10}`;
  for (let d = 0; d <= 9; d++) if (luhnValid(`${withLength}${d}`)) return `${withLength}${d}`;
  throw new Error('unreachable: one digit always satisfies Luhn');
}

/** Unique and sequential: the year of supply and the order's serial (a database identity). */
export function invoiceNumber(serial: number, supplyDate: string): string {
  return `IR-${supplyDate.slice(0, 4)}-${String(serial).padStart(8, '0')}`;
}

export function buildReceipt(
  order: OrderRow,
  lines: OrderLineRow[],
  names: { restaurant: string; supplier: string },
  history: { toStatus: OrderRow['status']; createdAt: Date }[],
) {
  return {
    order_id: order.id,
    status: order.status,
    restaurant: names.restaurant,
    supplier: names.supplier,
    placed_at: stockholmTime(order.placedAt),
    delivery_date: order.deliveryDate,
    supply_date: order.supplyDate,
    times_zone: 'Europe/Stockholm' as const,
    status_history: history.map((h) => ({ status: h.toStatus, at: stockholmTime(h.createdAt) })),
    ...amounts(order, lines),
  };
}

const partyDto = (p: InvoiceParty) => ({
  legal_name: p.legalName,
  org_number: p.orgNumber,
  vat_number: p.vatNumber,
  address: {
    line: p.address.line,
    postal_code: p.address.postalCode,
    city: p.address.city,
    country: p.address.country,
  },
});

const sellerDto = (s: InvoiceSeller) => ({ ...partyDto(s), vat_number: s.vatNumber });

/** The frozen part of a delivered order; undefined before `deliver`. */
export function frozenInvoice(order: OrderRow) {
  const { supplyDate, paymentTermsDays, dueDate, seller, buyer } = order;
  if (supplyDate === null || paymentTermsDays === null || dueDate === null || !seller || !buyer)
    return undefined;
  return { supplyDate, paymentTermsDays, dueDate, seller, buyer };
}

/**
 * A full Swedish invoice (Mervärdesskattelagen 17 kap. 24 §): issue date, sequential number, seller's VAT
 * number, both parties' names and addresses, quantity and description of the goods, date of supply, taxable
 * amount, rate and VAT per rate, total. Issued on the date of supply.
 */
export function buildInvoice(
  order: OrderRow,
  frozen: NonNullable<ReturnType<typeof frozenInvoice>>,
  lines: OrderLineRow[],
) {
  return {
    invoice_number: invoiceNumber(order.serial, frozen.supplyDate),
    order_id: order.id,
    issue_date: frozen.supplyDate,
    supply_date: frozen.supplyDate,
    due_date: frozen.dueDate,
    payment_terms_days: frozen.paymentTermsDays,
    seller: sellerDto(frozen.seller),
    buyer: partyDto(frozen.buyer),
    payment: { bankgiro: frozen.seller.bankgiro, ocr_reference: ocrReference(order.serial) },
    ...amounts(order, lines),
  };
}

export type FrozenInvoice = NonNullable<ReturnType<typeof frozenInvoice>>;

/**
 * A credit note (kreditfaktura): like the invoice it corrects — the same parties, frozen — plus a clear
 * reference to that invoice (Mervärdesskattelagen 17 kap. 25 §), the credited lines and the VAT credited per rate.
 */
export function buildCreditNote(
  order: OrderRow,
  frozen: FrozenInvoice,
  note: CreditNoteRow,
  lines: CreditNoteLineRow[],
): CreditNoteDto {
  return {
    id: note.id,
    credit_note_number: creditNoteNumber(note.serial, note.issueDate),
    order_id: order.id,
    invoice_number: invoiceNumber(order.serial, frozen.supplyDate),
    invoice_issue_date: frozen.supplyDate,
    issue_date: note.issueDate,
    reason: note.reason,
    seller: sellerDto(frozen.seller),
    buyer: partyDto(frozen.buyer),
    currency: note.currency,
    lines: lines.map((l) => ({ ...docLine(l), invoice_line_no: l.invoiceLineNo })),
    vat: note.vat.map((g) => ({
      vat_rate: formatRate(g.vatRateBp),
      vat_rate_bp: g.vatRateBp,
      taxable_cents: g.taxableCents,
      tax_cents: g.taxCents,
    })),
    subtotal_cents: note.subtotalCents,
    tax_cents: note.taxCents,
    total_cents: note.totalCents,
  };
}
