import { mulDiv } from './decimal.js';
import type { ExtractedInvoice } from './extracted.js';

/**
 * Internal consistency of an extracted invoice (EN 16931 calculation rules BR-CO-10…16 and BR-S-08, in öre):
 * an invoice failing any check goes to needs_review with these reasons and is never silently accepted.
 */
export interface ConsistencyIssue {
  code:
    | 'MISSING_FIELD'
    | 'LINES_SUM_MISMATCH'
    | 'NET_TOTAL_MISMATCH'
    | 'VAT_GROUP_MISMATCH'
    | 'VAT_TOTAL_MISMATCH'
    | 'GROSS_TOTAL_MISMATCH'
    | 'PAYABLE_MISMATCH';
  message: string;
  /** Signed difference in öre (stated − computed), when the check is arithmetic. */
  amount_cents?: number;
}

/** Per-group VAT may differ from net × rate by rounding only: 1 öre, as line-level rounding allows. */
const VAT_ROUNDING_CENTS = 1;

export function checkConsistency(inv: ExtractedInvoice): ConsistencyIssue[] {
  const issues: ConsistencyIssue[] = [];
  const missing = (field: string) => issues.push({ code: 'MISSING_FIELD', message: `${field} is missing` });
  if (!inv.invoiceNumber) missing('invoice_number');
  if (!inv.issueDate) missing('issue_date');
  if (!inv.currency) missing('currency');
  if (inv.payableCents === null) missing('payable_cents');
  const compare = (code: ConsistencyIssue['code'], stated: number | null, computed: number, what: string) => {
    if (stated !== null && stated !== computed) {
      issues.push({
        code,
        message: `${what}: stated ${stated}, computed ${computed}`,
        amount_cents: stated - computed,
      });
    }
  };

  if (inv.lines.length > 0) {
    const lineSum = inv.lines.reduce((s, l) => s + l.netCents, 0);
    compare('LINES_SUM_MISMATCH', inv.lineTotalCents, lineSum, 'Sum of line net amounts');
  }
  const lineTotal = inv.lineTotalCents ?? inv.lines.reduce((s, l) => s + l.netCents, 0);
  const net = lineTotal - inv.allowanceTotalCents + inv.chargeTotalCents;
  compare('NET_TOTAL_MISMATCH', inv.netTotalCents, net, 'Net total (lines − allowances + charges)');

  for (const group of inv.vat) {
    const expected = mulDiv(group.taxableCents, group.rateBp, 10_000);
    if (Math.abs(group.taxCents - expected) > VAT_ROUNDING_CENTS) {
      issues.push({
        code: 'VAT_GROUP_MISMATCH',
        message: `VAT at ${group.rateBp / 100} %: stated ${group.taxCents}, ${group.taxableCents} × rate = ${expected}`,
        amount_cents: group.taxCents - expected,
      });
    }
  }
  const vatSum = inv.vat.reduce((s, g) => s + g.taxCents, 0);
  if (inv.vat.length > 0)
    compare('VAT_TOTAL_MISMATCH', inv.vatTotalCents, vatSum, 'VAT total vs. VAT per rate');
  const netTotal = inv.netTotalCents ?? net;
  const vatTotal = inv.vatTotalCents ?? vatSum;
  compare('GROSS_TOTAL_MISMATCH', inv.grossTotalCents, netTotal + vatTotal, 'Total incl. VAT (net + VAT)');
  const gross = inv.grossTotalCents ?? netTotal + vatTotal;
  compare('PAYABLE_MISMATCH', inv.payableCents, gross - inv.prepaidCents + inv.roundingCents, 'Amount due');
  return issues;
}
