import type { SupplierInvoiceStatus } from './supplier-invoices.events.js';

/**
 * The supplier-invoice lifecycle as one transition table, enforced only here:
 * `received → extracting → extracted | needs_review | failed → matched | disputed → approved | credited`.
 * `system` is the extraction job and the reconciliation it runs; people act through the API.
 */
export type InvoiceAction =
  | 'start_extraction'
  | 'extraction_succeeded'
  | 'extraction_needs_review'
  | 'extraction_failed'
  | 'reconciled_clean'
  | 'reconciled_with_discrepancies'
  | 'reconciliation_needs_review'
  | 'correct'
  | 'approve'
  | 'dispute'
  | 'settle_credit'
  | 'retry';
export type InvoiceParty = 'restaurant' | 'supplier' | 'admin' | 'system';

interface Transition {
  from: SupplierInvoiceStatus[];
  to: SupplierInvoiceStatus;
  parties: InvoiceParty[];
}

export const INVOICE_TRANSITIONS: Record<InvoiceAction, Transition> = {
  // A crash mid-extraction leaves `extracting`; the retried job starts over from there.
  start_extraction: { from: ['received', 'extracting'], to: 'extracting', parties: ['system'] },
  extraction_succeeded: { from: ['extracting'], to: 'extracted', parties: ['system'] },
  extraction_needs_review: { from: ['extracting'], to: 'needs_review', parties: ['system'] },
  extraction_failed: { from: ['extracting'], to: 'failed', parties: ['system'] },
  reconciled_clean: { from: ['extracted'], to: 'matched', parties: ['system'] },
  reconciled_with_discrepancies: { from: ['extracted'], to: 'disputed', parties: ['system'] },
  reconciliation_needs_review: { from: ['extracted'], to: 'needs_review', parties: ['system'] },
  // A correction (fields or the order it belongs to) sends the invoice through checks and reconciliation again.
  correct: {
    from: ['needs_review', 'matched', 'disputed'],
    to: 'extracted',
    parties: ['restaurant', 'admin'],
  },
  approve: {
    from: ['matched', 'disputed', 'needs_review'],
    to: 'approved',
    parties: ['restaurant', 'admin'],
  },
  dispute: { from: ['matched', 'needs_review'], to: 'disputed', parties: ['restaurant', 'admin'] },
  settle_credit: { from: ['disputed'], to: 'credited', parties: ['system'] },
  retry: { from: ['failed'], to: 'received', parties: ['restaurant', 'supplier', 'admin'] },
};

export type InvoiceTransitionCheck =
  { ok: true; to: SupplierInvoiceStatus } | { ok: false; reason: 'invalid' | 'forbidden' };

/** A move not in the table is invalid (409); one in the table but not for this party is forbidden (403). */
export function checkInvoiceTransition(
  action: InvoiceAction,
  from: SupplierInvoiceStatus,
  party: InvoiceParty,
): InvoiceTransitionCheck {
  const t = INVOICE_TRANSITIONS[action];
  if (!t.from.includes(from)) return { ok: false, reason: 'invalid' };
  if (!t.parties.includes(party)) return { ok: false, reason: 'forbidden' };
  return { ok: true, to: t.to };
}
