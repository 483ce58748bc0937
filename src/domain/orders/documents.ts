import { luhnValid } from '../organisations/org-number.js';
import type { OrgRow } from '../organisations/organisations.repository.js';
import { vatBreakdown } from './money.js';
import type { OrderLineRow, OrderRow } from './orders.models.js';
import { addDays, stockholmDate, stockholmTime } from './vat.js';

/** Receipts and invoices are derived JSON, computed on request from the order and its lines — never stored. */

export const formatRate = (bp: number) => `${(bp / 100).toFixed(2)}%`;

function docLines(lines: OrderLineRow[]) {
  return lines.map((l) => ({
    line_no: l.lineNo,
    sku: l.sku,
    name: l.name,
    quantity: l.quantity,
    unit: l.unit,
    unit_price_cents: l.unitPriceCents,
    vat_rate: formatRate(l.vatRateBp),
    net_cents: l.netCents,
    tax_cents: l.taxCents,
  }));
}

function breakdown(lines: OrderLineRow[]) {
  return vatBreakdown(lines).map((b) => ({
    vat_rate: formatRate(b.vatRateBp),
    net_cents: b.netCents,
    tax_cents: b.taxCents,
  }));
}

/** The lines, VAT per rate and totals both documents show, all straight from the stored order. */
function amounts(order: OrderRow, lines: OrderLineRow[]) {
  return {
    lines: docLines(lines),
    vat: breakdown(lines),
    subtotal_cents: order.subtotalCents,
    tax_cents: order.taxCents,
    total_cents: order.totalCents,
    currency: order.currency,
  };
}

const address = (o: OrgRow) =>
  [o.addressLine, [o.postalCode, o.city].filter(Boolean).join(' ')].filter(Boolean).join(', ') || null;

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

/** Deterministic and unique: the year of delivery and the order's serial. */
export function invoiceNumber(order: OrderRow): string {
  const year = stockholmDate(order.deliveredAt ?? order.placedAt).slice(0, 4);
  return `IR-${year}-${String(order.serial).padStart(8, '0')}`;
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
    times_zone: 'Europe/Stockholm' as const,
    status_history: history.map((h) => ({ status: h.toStatus, at: stockholmTime(h.createdAt) })),
    ...amounts(order, lines),
  };
}

export function buildInvoice(
  order: OrderRow,
  lines: OrderLineRow[],
  seller: OrgRow & { paymentTermsDays: number },
  buyer: OrgRow,
) {
  const issueDate = stockholmDate(order.deliveredAt ?? order.placedAt);
  return {
    invoice_number: invoiceNumber(order),
    order_id: order.id,
    issue_date: issueDate,
    due_date: addDays(issueDate, seller.paymentTermsDays),
    payment_terms_days: seller.paymentTermsDays,
    seller: { legal_name: seller.legalName, org_number: seller.orgNumber, address: address(seller) },
    buyer: { legal_name: buyer.legalName, org_number: buyer.orgNumber, address: address(buyer) },
    ...amounts(order, lines),
    ocr_reference: ocrReference(order.serial),
  };
}
