import type { Transaction } from '../../core/db.types.js';
import type { DomainEvent } from '../../core/events.js';
import { insertOutboxEvents } from '../outbox/outbox.repository.js';
import { ocrReference } from '../orders/documents.js';
import type { OrderRow } from '../orders/orders.models.js';
import { checkConsistency } from './extraction/consistency.js';
import type { ExtractedInvoice } from './extraction/extracted.js';
import { addDays } from '../orders/vat.js';
import { checkInvoiceTransition, type InvoiceAction, type InvoiceParty } from './lifecycle.js';
import { type Discrepancy, disputedAmount, reconcile } from './reconcile.js';
import * as e from './supplier-invoices.errors.js';
import type { ReviewReason, SupplierInvoiceRow } from './supplier-invoices.models.js';
import * as repo from './supplier-invoices.repository.js';

/**
 * The steps every path shares — the extraction job and a person's correction: moving through the transition
 * table with history and events, and evaluating a document (consistency, parties, order match, reconciliation).
 */

export interface Actor {
  party: InvoiceParty;
  accountId: string | null;
}

export const SYSTEM: Actor = { party: 'system', accountId: null };

/** One move of the table, with its history row and status event, in the caller's transaction. */
export async function move(
  tx: Transaction,
  invoice: SupplierInvoiceRow,
  action: InvoiceAction,
  actor: Actor,
  patch: Parameters<typeof repo.updateInvoice>[2] = {},
  details: Record<string, unknown> = {},
): Promise<SupplierInvoiceRow> {
  const check = checkInvoiceTransition(action, invoice.status, actor.party);
  if (!check.ok) {
    throw check.reason === 'invalid'
      ? e.invalidTransition(action, invoice.status)
      : e.transitionForbidden(action);
  }
  const updated = await repo.updateInvoice(tx, invoice.id, { ...patch, status: check.to });
  await repo.insertHistory(tx, {
    invoiceId: invoice.id,
    action,
    fromStatus: invoice.status,
    toStatus: check.to,
    actorAccountId: actor.accountId,
    details,
  });
  const events: DomainEvent[] = [
    {
      type: 'supplier_invoice.status_changed',
      aggregateType: 'supplier_invoice',
      aggregateId: invoice.id,
      payload: {
        supplier_invoice_id: invoice.id,
        restaurant_id: updated.restaurantId,
        supplier_id: updated.supplierId,
        from: invoice.status,
        to: check.to,
      },
    },
  ];
  if (check.to === 'disputed' && updated.restaurantId && updated.supplierId) {
    events.push({
      type: 'supplier_invoice.disputed',
      aggregateType: 'supplier_invoice',
      aggregateId: invoice.id,
      payload: {
        supplier_invoice_id: invoice.id,
        restaurant_id: updated.restaurantId,
        supplier_id: updated.supplierId,
        order_id: updated.orderId,
        disputed_cents: updated.disputedCents,
        currency: updated.currency ?? 'SEK',
        reasons: [...new Set(((details.reasons as string[] | undefined) ?? []).map(String))],
      },
    });
  }
  await insertOutboxEvents(tx, events);
  return updated;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Order references Iris hands out: the order id, its invoice number (IR-YYYY-serial), its OCR reference. */
function referencedOrder(ref: string): { id: string } | { serial: number } | undefined {
  const id = UUID.exec(ref)?.[0];
  if (id) return { id: id.toLowerCase() };
  const invoiceNo = /IR-\d{4}-(\d{1,12})/i.exec(ref);
  if (invoiceNo) return { serial: Number(invoiceNo[1]) };
  const digits = ref.replace(/\s/g, '');
  if (/^\d{10}$/.test(digits)) {
    const serial = Number(digits.slice(0, 8));
    if (ocrReference(serial) === digits) return { serial };
  }
  return undefined;
}

/** How far around the delivery (or issue) date an order may have been delivered to match by amount. */
const MATCH_WINDOW_DAYS = 7;

async function matchOrder(
  tx: Transaction,
  invoice: SupplierInvoiceRow,
  doc: ExtractedInvoice,
  restaurantId: string,
  supplierId: string,
  toleranceBp: number,
): Promise<{ order?: OrderRow; reason?: ReviewReason }> {
  if (invoice.orderId) {
    const order = await repo.findPartyOrder(tx, { id: invoice.orderId }, restaurantId, supplierId);
    if (order) return { order };
  }
  const refs = [doc.orderReference, doc.buyerReference].filter((r): r is string => Boolean(r));
  for (const ref of refs) {
    const by = referencedOrder(ref);
    if (!by) continue;
    const order = await repo.findPartyOrder(tx, by, restaurantId, supplierId);
    if (order) return { order };
  }
  const around = doc.deliveryDate ?? doc.issueDate;
  const payable = doc.payableCents;
  if (around && payable !== null) {
    const candidates = (
      await repo.candidateOrders(tx, {
        restaurantId,
        supplierId,
        from: addDays(around, -MATCH_WINDOW_DAYS),
        to: addDays(around, MATCH_WINDOW_DAYS),
      })
    ).filter((o) => Math.abs(o.totalCents - payable) * 10_000 <= o.totalCents * toleranceBp);
    if (candidates.length === 1) return { order: candidates[0] };
    if (candidates.length > 1) {
      return {
        reason: {
          code: 'ORDER_AMBIGUOUS',
          message: `${candidates.length} orders match by parties, date and amount; choose one`,
          candidates: candidates.map((c) => c.id),
        },
      };
    }
  }
  return {
    reason: {
      code: 'ORDER_NOT_MATCHED',
      message:
        refs.length > 0 ? 'No order of this restaurant matches the order reference' : 'No order matches',
    },
  };
}

export interface EvaluationSettings {
  defaultToleranceBp: number;
}

export interface EvaluationOutcome {
  invoice: SupplierInvoiceRow;
  discrepancies: Discrepancy[];
}

/**
 * Evaluates an extracted document from status `extracting` (the job) or `extracted` (after a correction) and
 * moves the invoice on: needs_review with reasons when it is inconsistent or cannot be placed, otherwise
 * matched or disputed after reconciliation. A credit note settles the invoice it references instead.
 */
export async function evaluate(
  tx: Transaction,
  start: SupplierInvoiceRow,
  doc: ExtractedInvoice,
  settings: EvaluationSettings,
  readingReasons: ReviewReason[] = [],
): Promise<EvaluationOutcome> {
  let invoice = start;
  const reasons: ReviewReason[] = [...checkConsistency(doc).map((i) => ({ ...i })), ...readingReasons];
  const supplierId =
    invoice.supplierId ??
    (doc.seller.orgNumber ? await repo.orgIdByNumber(tx, 'supplier', doc.seller.orgNumber) : undefined);
  const restaurantId =
    invoice.restaurantId ??
    (doc.buyer.orgNumber ? await repo.orgIdByNumber(tx, 'restaurant', doc.buyer.orgNumber) : undefined);
  if (!supplierId) reasons.push({ code: 'SUPPLIER_UNKNOWN', message: 'The seller is not an Iris supplier' });
  if (!restaurantId)
    reasons.push({ code: 'RESTAURANT_UNKNOWN', message: 'The buyer is not an Iris restaurant' });
  const documentType = invoice.declaredType ?? doc.documentType;
  const base = {
    supplierId: supplierId ?? null,
    restaurantId: restaurantId ?? null,
    documentType,
    invoiceNumber: doc.invoiceNumber,
    issueDate: doc.issueDate && /^\d{4}-\d{2}-\d{2}$/.test(doc.issueDate) ? doc.issueDate : null,
    currency: doc.currency && /^[A-Z]{3}$/.test(doc.currency) ? doc.currency : null,
    payableCents: doc.payableCents,
    document: doc,
  };

  const toReview = async (extra: ReviewReason[] = []) => {
    const all = [...reasons, ...extra];
    const discrepancies: Discrepancy[] = all
      .filter((r) => r.amount_cents !== undefined)
      .map((r) => ({
        reason: 'TOTALS_INCONSISTENT',
        invoiceLineNo: null,
        orderLineNo: null,
        amountCents: r.amount_cents ?? 0,
        expected: null,
        actual: r.message,
      }));
    await writeDiscrepancies(tx, invoice.id, discrepancies);
    const action =
      invoice.status === 'extracting' ? 'extraction_needs_review' : 'reconciliation_needs_review';
    invoice = await move(
      tx,
      invoice,
      action,
      SYSTEM,
      { ...base, reviewReasons: all, disputedCents: 0 },
      {
        reasons: all.map((r) => r.code),
      },
    );
    return { invoice, discrepancies };
  };

  if (reasons.length > 0 || !supplierId || !restaurantId) return toReview();
  if (invoice.status === 'extracting') {
    invoice = await move(tx, invoice, 'extraction_succeeded', SYSTEM, base);
  } else {
    invoice = await repo.updateInvoice(tx, invoice.id, base);
  }

  if (documentType === 'credit_note')
    return settleCredit(tx, invoice, doc, { supplierId, restaurantId }, toReview);

  const toleranceBp = (await repo.toleranceFor(tx, supplierId)) ?? settings.defaultToleranceBp;
  const match = await matchOrder(tx, invoice, doc, restaurantId, supplierId, toleranceBp);
  if (!match.order) return toReview(match.reason ? [match.reason] : []);
  const order = match.order;
  const result = reconcile(
    doc,
    {
      currency: order.currency,
      deliveryDate: order.deliveryDate,
      vatDate: order.vatDate,
      lines: await repo.orderLinesForReconciliation(tx, order.id),
    },
    toleranceBp,
  );
  const duplicates = doc.invoiceNumber
    ? await repo.sameNumberInvoices(tx, { id: invoice.id, supplierId, invoiceNumber: doc.invoiceNumber })
    : [];
  const discrepancies = [...result.discrepancies];
  if (duplicates.length > 0) {
    discrepancies.push({
      reason: 'DUPLICATE_INVOICE',
      invoiceLineNo: null,
      orderLineNo: null,
      amountCents: doc.payableCents ?? 0,
      expected: null,
      actual: duplicates[0] ?? null,
    });
  }
  await writeDiscrepancies(tx, invoice.id, discrepancies);
  await repo.clearLineMatches(tx, invoice.id);
  for (const [invoiceLineNo, orderLineNo] of result.matches) {
    await repo.setLineMatch(tx, invoice.id, invoiceLineNo, orderLineNo);
  }
  const disputed = disputedAmount(discrepancies);
  const patch = { orderId: order.id, disputedCents: disputed, reviewReasons: [] };
  invoice =
    discrepancies.length === 0
      ? await move(tx, invoice, 'reconciled_clean', SYSTEM, patch)
      : await move(tx, invoice, 'reconciled_with_discrepancies', SYSTEM, patch, {
          reasons: discrepancies.map((d) => d.reason),
        });
  return { invoice, discrepancies };
}

async function writeDiscrepancies(tx: Transaction, invoiceId: string, discrepancies: Discrepancy[]) {
  await repo.replaceDiscrepancies(
    tx,
    invoiceId,
    discrepancies.map((d, position) => ({ position, ...d })),
  );
}

/** A credit note adds its amount to the referenced invoice's credit; the full disputed amount settles it. */
async function settleCredit(
  tx: Transaction,
  creditNote: SupplierInvoiceRow,
  doc: ExtractedInvoice,
  parties: { supplierId: string; restaurantId: string },
  toReview: (extra: ReviewReason[]) => Promise<EvaluationOutcome>,
): Promise<EvaluationOutcome> {
  const target = doc.billingReference
    ? await repo.lockCreditedInvoice(tx, { ...parties, invoiceNumber: doc.billingReference })
    : undefined;
  if (!target) {
    return toReview([
      { code: 'CREDITED_INVOICE_NOT_FOUND', message: 'The credit note does not reference a known invoice' },
    ]);
  }
  const credited = target.creditedCents + Math.abs(doc.payableCents ?? 0);
  const settles = target.status === 'disputed' && credited >= target.disputedCents;
  if (settles) {
    await move(
      tx,
      target,
      'settle_credit',
      SYSTEM,
      { creditedCents: credited },
      { credit_note_id: creditNote.id },
    );
  } else {
    await repo.updateInvoice(tx, target.id, { creditedCents: credited });
    await repo.insertHistory(tx, {
      invoiceId: target.id,
      action: 'credit_received',
      fromStatus: target.status,
      toStatus: target.status,
      details: { credit_note_id: creditNote.id, credited_cents: credited },
    });
  }
  await writeDiscrepancies(tx, creditNote.id, []);
  const invoice = await move(tx, creditNote, 'reconciled_clean', SYSTEM, {
    creditsInvoiceId: target.id,
    orderId: target.orderId,
    reviewReasons: [],
  });
  return { invoice, discrepancies: [] };
}
