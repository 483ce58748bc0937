import type { ErrorDetail } from '../../core/errors.js';
import { lineNet, milliToString, taxAt, toMilli } from './money.js';
import * as e from './orders.errors.js';
import type { CreditedVat, CreditNoteLineRow, OrderLineRow } from './orders.models.js';

/**
 * What a credit note credits, computed from the invoice and every earlier credit note of it, so that all the
 * credit notes of an invoice together never exceed it — not by a unit, not by an öre.
 *
 * Amounts telescope: a line's credited net is net(all credited so far) − net(credited before), and a rate
 * group's credited VAT is VAT(all credited net at the rate) − VAT(credited before), each rounded once as the
 * invoice rounded it (EN 16931: VAT = taxable amount × rate). So crediting an invoice in any number of parts
 * credits exactly its nets and its VAT per rate, and a note's VAT per rate is within one öre of its own
 * taxable × rate (the rounding tolerance of BR-CO-17). The groups are stored on the note: they depend on the
 * notes issued before it, and an issued document must not be recomputed differently later.
 */

export interface CreditRequestLine {
  line_no: number;
  quantity: number;
}

export type NewCreditLine = Omit<
  CreditNoteLineRow,
  'id' | 'creditNoteId' | 'createdAt' | 'updatedAt' | 'deletedAt'
>;

export interface CreditComputation {
  lines: NewCreditLine[];
  vat: CreditedVat[];
  subtotalCents: number;
  taxCents: number;
  totalCents: number;
}

type EarlierLine = Pick<CreditNoteLineRow, 'invoiceLineNo' | 'quantity' | 'netCents' | 'vatRateBp'>;

function sumBy<K>(items: readonly { key: K; value: bigint }[]): Map<K, bigint> {
  const sums = new Map<K, bigint>();
  for (const { key, value } of items) sums.set(key, (sums.get(key) ?? 0n) + value);
  return sums;
}

/** The invoice lines' remaining quantities, and what a request (or, without one, everything left) credits. */
export function computeCredit(
  invoiceLines: readonly OrderLineRow[],
  earlier: readonly EarlierLine[],
  requested: readonly CreditRequestLine[] | undefined,
): CreditComputation {
  const creditedMilli = sumBy(earlier.map((l) => ({ key: l.invoiceLineNo, value: toMilli(l.quantity) })));
  const byNo = new Map(invoiceLines.map((l) => [l.lineNo, l]));
  const wanted =
    requested?.map((r) => ({ lineNo: r.line_no, milli: toMilli(String(r.quantity)) })) ??
    invoiceLines
      .map((l) => ({ lineNo: l.lineNo, milli: toMilli(l.quantity) - (creditedMilli.get(l.lineNo) ?? 0n) }))
      .filter((w) => w.milli > 0n);
  if (wanted.length === 0)
    throw e.creditExceedsInvoice([{ path: 'lines', message: 'nothing is left to credit' }]);

  const unknown: ErrorDetail[] = [];
  const beyond: ErrorDetail[] = [];
  const seen = new Set<number>();
  const lines: NewCreditLine[] = [];
  wanted.forEach((w, index) => {
    const line = byNo.get(w.lineNo);
    if (!line || seen.has(w.lineNo)) {
      unknown.push({
        path: `lines.${index}.line_no`,
        message: line ? 'appears on an earlier line' : 'not a line of this invoice',
      });
      return;
    }
    seen.add(w.lineNo);
    const before = creditedMilli.get(w.lineNo) ?? 0n;
    const left = toMilli(line.quantity) - before;
    if (w.milli > left) {
      beyond.push({
        path: `lines.${index}.quantity`,
        message: `at most ${milliToString(left)} is left to credit`,
      });
      return;
    }
    lines.push({
      lineNo: lines.length + 1,
      invoiceLineNo: line.lineNo,
      sku: line.sku,
      name: line.name,
      unit: line.unit,
      quantity: milliToString(w.milli),
      unitPriceCents: line.unitPriceCents,
      vatCategory: line.vatCategory,
      vatRateBp: line.vatRateBp,
      netCents: lineNet(line.unitPriceCents, before + w.milli) - lineNet(line.unitPriceCents, before),
    });
  });
  if (unknown.length > 0) throw e.creditLinesInvalid(unknown);
  if (beyond.length > 0) throw e.creditExceedsInvoice(beyond);

  const earlierNet = sumBy(earlier.map((l) => ({ key: l.vatRateBp, value: BigInt(l.netCents) })));
  const thisNet = sumBy(lines.map((l) => ({ key: l.vatRateBp, value: BigInt(l.netCents) })));
  const vat = [...thisNet.entries()]
    .sort(([a], [b]) => b - a)
    .map(([vatRateBp, net]) => {
      const before = Number(earlierNet.get(vatRateBp) ?? 0n);
      const taxableCents = Number(net);
      return {
        vatRateBp,
        taxableCents,
        taxCents: taxAt(before + taxableCents, vatRateBp) - taxAt(before, vatRateBp),
      };
    });
  const subtotalCents = vat.reduce((s, g) => s + g.taxableCents, 0);
  const taxCents = vat.reduce((s, g) => s + g.taxCents, 0);
  if (subtotalCents <= 0)
    throw e.creditExceedsInvoice([{ path: 'lines', message: 'the credited amount rounds to zero' }]);
  return { lines, vat, subtotalCents, taxCents, totalCents: subtotalCents + taxCents };
}

/** Own number series, apart from the invoices': KR (kreditfaktura), the year of issue and the serial. */
export function creditNoteNumber(serial: number, issueDate: string): string {
  return `KR-${issueDate.slice(0, 4)}-${String(serial).padStart(8, '0')}`;
}
