import type { VatCategory } from '../products/products.models.js';
import { vatRateBp } from '../orders/vat.js';
import { mulDiv, quantityMilli } from './extraction/decimal.js';
import type { ExtractedInvoice, ExtractedLine } from './extraction/extracted.js';
import type { DiscrepancyReason } from './supplier-invoices.models.js';

/**
 * Line-by-line reconciliation of an invoice against the order it bills (spec §12). Pure and deterministic:
 * the same invoice and order always give the same discrepancies in the same order. Amounts are öre, signed:
 * positive when the invoice asks for more than the order at its agreed prices.
 */

export interface OrderLineForReconciliation {
  lineNo: number;
  sku: string;
  gtin: string | null;
  name: string;
  quantity: string;
  unitPriceCents: number;
  vatCategory: VatCategory;
  netCents: number;
}

export interface OrderForReconciliation {
  currency: string;
  deliveryDate: string | null;
  vatDate: string;
  lines: OrderLineForReconciliation[];
}

export interface Discrepancy {
  reason: DiscrepancyReason;
  invoiceLineNo: number | null;
  orderLineNo: number | null;
  amountCents: number;
  expected: string | null;
  actual: string | null;
}

export interface Reconciliation {
  discrepancies: Discrepancy[];
  /** invoice line no → order line no */
  matches: Map<number, number>;
}

/** Lower-case letters and digits only, so "Mjölk 3 %, 1 l" and "MJÖLK 3% 1L" compare equal. */
const normalise = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

function bigrams(s: string): Map<string, number> {
  const grams = new Map<string, number>();
  for (let i = 0; i < s.length - 1; i++) {
    const g = s.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

/** Sørensen–Dice over character bigrams: 1 for equal names, 0 for nothing in common. */
export function nameSimilarity(a: string, b: string): number {
  const x = normalise(a);
  const y = normalise(b);
  if (x === y) return x.length > 0 ? 1 : 0;
  if (x.length < 2 || y.length < 2) return 0;
  const gx = bigrams(x);
  const gy = bigrams(y);
  let overlap = 0;
  for (const [g, n] of gx) overlap += Math.min(n, gy.get(g) ?? 0);
  return (2 * overlap) / (x.length - 1 + (y.length - 1));
}

/** Names at least this similar are taken to be the same article when no SKU or GTIN matched. */
export const NAME_MATCH_THRESHOLD = 0.6;

function pairLines(
  invoiceLines: ExtractedLine[],
  orderLines: OrderLineForReconciliation[],
): Map<number, number> {
  const matches = new Map<number, number>();
  const taken = new Set<number>();
  const pass = (same: (i: ExtractedLine, o: OrderLineForReconciliation) => boolean) => {
    for (const i of invoiceLines) {
      if (matches.has(i.lineNo)) continue;
      const o = orderLines.find((line) => !taken.has(line.lineNo) && same(i, line));
      if (o) {
        matches.set(i.lineNo, o.lineNo);
        taken.add(o.lineNo);
      }
    }
  };
  pass((i, o) => i.sellerItemId !== null && normalise(i.sellerItemId) === normalise(o.sku));
  pass(
    (i, o) => i.gtin !== null && o.gtin !== null && i.gtin.replace(/^0+/, '') === o.gtin.replace(/^0+/, ''),
  );
  // Fuzzy names last, best pairs first, ties broken by line numbers so the outcome never depends on chance.
  const candidates = invoiceLines
    .filter((i) => !matches.has(i.lineNo))
    .flatMap((i) =>
      orderLines
        .filter((o) => !taken.has(o.lineNo))
        .map((o) => ({ i: i.lineNo, o: o.lineNo, score: nameSimilarity(i.description, o.name) })),
    )
    .filter((c) => c.score >= NAME_MATCH_THRESHOLD)
    .sort((a, b) => b.score - a.score || a.i - b.i || a.o - b.o);
  for (const c of candidates) {
    if (matches.has(c.i) || taken.has(c.o)) continue;
    matches.set(c.i, c.o);
    taken.add(c.o);
  }
  return matches;
}

const beyond = (actual: number, expected: number, toleranceBp: number) =>
  Math.abs(actual - expected) * 10_000 > Math.abs(expected) * toleranceBp;

const pct = (bp: number) => `${bp / 100}%`;

export function reconcile(
  invoice: ExtractedInvoice,
  order: OrderForReconciliation,
  toleranceBp: number,
): Reconciliation {
  if (invoice.currency !== order.currency) {
    return {
      matches: new Map(),
      discrepancies: [
        {
          reason: 'CURRENCY_DIFFERS',
          invoiceLineNo: null,
          orderLineNo: null,
          amountCents: invoice.payableCents ?? 0,
          expected: order.currency,
          actual: invoice.currency,
        },
      ],
    };
  }
  const vatDate = invoice.deliveryDate ?? order.deliveryDate ?? order.vatDate;
  const matches = pairLines(invoice.lines, order.lines);
  const byNo = new Map(order.lines.map((l) => [l.lineNo, l]));
  const found: Discrepancy[] = [];
  for (const line of invoice.lines) {
    const orderLineNo = matches.get(line.lineNo);
    const ordered = orderLineNo === undefined ? undefined : byNo.get(orderLineNo);
    if (!ordered) {
      found.push({
        reason: 'LINE_NOT_ORDERED',
        invoiceLineNo: line.lineNo,
        orderLineNo: null,
        amountCents: line.netCents,
        expected: null,
        actual: `${line.quantity} × ${line.description}`,
      });
      continue;
    }
    const ids = { invoiceLineNo: line.lineNo, orderLineNo: ordered.lineNo };
    const invoicedMilli = quantityMilli(line.quantity);
    const orderedMilli = quantityMilli(ordered.quantity);
    if (beyond(line.unitPriceCents, ordered.unitPriceCents, toleranceBp)) {
      found.push({
        reason: 'PRICE_DIFFERS',
        ...ids,
        amountCents: mulDiv(line.unitPriceCents - ordered.unitPriceCents, invoicedMilli, 1000),
        expected: String(ordered.unitPriceCents),
        actual: String(line.unitPriceCents),
      });
    }
    if (beyond(invoicedMilli, orderedMilli, toleranceBp)) {
      found.push({
        reason: 'QUANTITY_DIFFERS',
        ...ids,
        amountCents: mulDiv(invoicedMilli - orderedMilli, ordered.unitPriceCents, 1000),
        expected: ordered.quantity,
        actual: line.quantity,
      });
    }
    const expectedRate = vatRateBp(ordered.vatCategory, vatDate);
    if (line.vatRateBp !== null && line.vatRateBp !== expectedRate) {
      found.push({
        reason: 'VAT_RATE_WRONG',
        ...ids,
        amountCents: mulDiv(line.netCents, line.vatRateBp - expectedRate, 10_000),
        expected: pct(expectedRate),
        actual: pct(line.vatRateBp),
      });
    }
  }
  const billed = new Set(matches.values());
  for (const ordered of order.lines) {
    if (billed.has(ordered.lineNo)) continue;
    found.push({
      reason: 'LINE_MISSING',
      invoiceLineNo: null,
      orderLineNo: ordered.lineNo,
      amountCents: -ordered.netCents,
      expected: `${ordered.quantity} × ${ordered.name}`,
      actual: null,
    });
  }
  return { matches, discrepancies: found };
}

/** What the supplier is asked to credit: the sum of the overcharges. */
export const disputedAmount = (discrepancies: Discrepancy[]) =>
  discrepancies.reduce((sum, d) => sum + Math.max(0, d.amountCents), 0);
