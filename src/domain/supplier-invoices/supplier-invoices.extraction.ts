import type { Database } from '../../core/db.types.js';
import type { InvoiceMetrics } from '../../core/metrics.js';
import type { ObjectStore } from '../../core/storage/storage.js';
import type { FieldValue, HeaderField } from './extraction/extracted.js';
import { headerValues } from './extraction/extracted.js';
import type { OcrEngine } from './extraction/ocr.js';
import {
  type ReadDocument,
  readDocument,
  type ReadingSettings,
  Unreadable,
} from './extraction/read-document.js';
import type { ReviewReason } from './supplier-invoices.models.js';
import type { SupplierInvoiceRow } from './supplier-invoices.models.js';
import * as repo from './supplier-invoices.repository.js';
import { evaluate, move, SYSTEM } from './supplier-invoices.workflow.js';

export interface ExtractionDeps {
  db: Database;
  store: ObjectStore;
  settings: ReadingSettings & { defaultToleranceBp: number; reviewMinConfidence: number };
  /** Undefined leaves scans and images unread (they fail with OCR_DISABLED). */
  ocr: OcrEngine | undefined;
  metrics: InvoiceMetrics | undefined;
}

function fieldsOf(read: ReadDocument): Partial<Record<HeaderField, FieldValue>> {
  const values = headerValues(read.doc);
  const fields: Partial<Record<HeaderField, FieldValue>> = {};
  for (const [name, value] of Object.entries(values) as [HeaderField, string | number | null][]) {
    // Structured data is what the supplier's system states: full confidence when present. Printed sources
    // say how sure they are per field; a value they did not read (a default such as 0 öre) is not stated.
    const confidence = read.confidence ? read.confidence[name] : 1;
    if (value !== null && confidence !== undefined) fields[name] = { value, source: read.source, confidence };
  }
  return fields;
}

/** Fields review cannot do without: a printed source must have read them with enough confidence. */
const ESSENTIAL: HeaderField[] = [
  'invoice_number',
  'issue_date',
  'net_total_cents',
  'vat_total_cents',
  'payable_cents',
];

/** Why a person should look at an invoice read from print before it is trusted: unsure fields, no rows. */
export function printedReviewReasons(read: ReadDocument, minConfidence: number): ReviewReason[] {
  if (!read.confidence) return [];
  const reasons: ReviewReason[] = [];
  const unsure = ESSENTIAL.filter((f) => (read.confidence?.[f] ?? 0) < minConfidence);
  if (unsure.length > 0) {
    reasons.push({
      code: 'LOW_CONFIDENCE',
      message: `Read with low confidence or not found (${read.source}): ${unsure.join(', ')}`,
    });
  }
  if (read.doc.lines.length === 0 && read.doc.documentType === 'invoice') {
    reasons.push({ code: 'LINES_NOT_READ', message: `No article rows could be read (${read.source})` });
  }
  return reasons;
}

/**
 * The `supplier-invoices.extract` job's work. The upload committed the row and the file before this runs, so a
 * crash anywhere loses nothing: the retried job finds the invoice in `received` or `extracting` and starts
 * over; any later status means an earlier attempt finished, and the job does nothing.
 */
export function createExtractionService(deps: ExtractionDeps) {
  const { db, store, settings, ocr, metrics } = deps;

  async function fail(id: string, reason: string, message: string) {
    await db.transaction(async (tx) => {
      const invoice = await repo.lockInvoice(tx, id);
      if (invoice?.status !== 'extracting') return;
      await move(
        tx,
        invoice,
        'extraction_failed',
        SYSTEM,
        { failureReason: `${reason}: ${message}` },
        { reason },
      );
    });
    metrics?.invoices.inc({ outcome: 'failed' });
  }

  return {
    /** Runs one attempt; `lastAttempt` marks the invoice failed instead of leaving it for a retry. */
    async extract(id: string, lastAttempt: boolean): Promise<SupplierInvoiceRow['status'] | undefined> {
      const started = await db.transaction(async (tx) => {
        const invoice = await repo.lockInvoice(tx, id);
        if (!invoice || (invoice.status !== 'received' && invoice.status !== 'extracting')) return undefined;
        return move(tx, invoice, 'start_extraction', SYSTEM, {
          extractionAttempts: invoice.extractionAttempts + 1,
          failureReason: null,
        });
      });
      if (!started) return undefined;

      const began = process.hrtime.bigint();
      let extracted: ReadDocument;
      try {
        extracted = await readDocument(started.format, await store.get(started.fileKey), settings, ocr);
      } catch (err) {
        if (err instanceof Unreadable) {
          await fail(id, err.reason, err.message);
          return 'failed';
        }
        if (lastAttempt) await fail(id, 'EXTRACTION_ERROR', 'Extraction kept failing; retry later');
        throw err;
      }
      const seconds = Number(process.hrtime.bigint() - began) / 1e9;
      metrics?.extraction.observe({ source: extracted.source }, seconds);
      if (extracted.source === 'ocr') metrics?.ocrPages.inc(extracted.pages);

      const outcome = await db.transaction(async (tx) => {
        const invoice = await repo.lockInvoice(tx, id);
        if (invoice?.status !== 'extracting') return undefined;
        const { doc } = extracted;
        await repo.replaceLines(
          tx,
          id,
          doc.lines.map((l) => ({
            lineNo: l.lineNo,
            sellerItemId: l.sellerItemId,
            gtin: l.gtin,
            description: l.description,
            quantity: l.quantity,
            unitCode: l.unitCode,
            unitPriceCents: l.unitPriceCents,
            netCents: l.netCents,
            vatCategory: l.vatCategory,
            vatRateBp: l.vatRateBp,
          })),
        );
        const withFields = await repo.updateInvoice(tx, id, {
          extractionSource: extracted.source,
          fields: fieldsOf(extracted),
        });
        return evaluate(
          tx,
          withFields,
          doc,
          settings,
          printedReviewReasons(extracted, settings.reviewMinConfidence),
        );
      });
      if (!outcome) return undefined;
      const status = outcome.invoice.status;
      metrics?.invoices.inc({
        outcome: outcome.invoice.documentType === 'credit_note' ? 'credit_note' : status,
      });
      for (const d of outcome.discrepancies) metrics?.discrepancies.inc({ reason: d.reason });
      return status;
    },
  };
}

export type ExtractionService = ReturnType<typeof createExtractionService>;
