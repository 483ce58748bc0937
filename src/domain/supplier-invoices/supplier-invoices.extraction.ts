import type { Database } from '../../core/db.types.js';
import type { InvoiceMetrics } from '../../core/metrics.js';
import type { ObjectStore } from '../../core/storage/storage.js';
import type { ExtractedInvoice, ExtractionSource, FieldValue, HeaderField } from './extraction/extracted.js';
import { headerValues } from './extraction/extracted.js';
import { embeddedInvoiceXml, openPdf, PdfRejected } from './extraction/pdf.js';
import { parseStructuredInvoice } from './extraction/structured.js';
import { XmlRejected } from './extraction/xml.js';
import type { SupplierInvoiceRow } from './supplier-invoices.models.js';
import * as repo from './supplier-invoices.repository.js';
import { evaluate, move, SYSTEM } from './supplier-invoices.workflow.js';

export interface ExtractionDeps {
  db: Database;
  store: ObjectStore;
  settings: { defaultToleranceBp: number; maxPdfPages: number };
  metrics: InvoiceMetrics | undefined;
}

/** A document that cannot be read: the invoice fails with this reason (no retry helps). */
class Unreadable extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Best source first (spec §12): structured XML, then the XML a PDF carries. */
async function extractDocument(
  invoice: SupplierInvoiceRow,
  bytes: Buffer,
  maxPdfPages: number,
): Promise<{ doc: ExtractedInvoice; source: ExtractionSource }> {
  try {
    if (invoice.format === 'ubl' || invoice.format === 'cii') {
      return { doc: parseStructuredInvoice(bytes), source: 'xml' };
    }
    if (invoice.format === 'pdf') {
      const pdf = await openPdf(bytes, maxPdfPages);
      try {
        const xml = await embeddedInvoiceXml(pdf);
        if (xml) return { doc: parseStructuredInvoice(xml), source: 'pdf-xml' };
      } finally {
        await pdf.destroy();
      }
      throw new Unreadable(
        'PDF_WITHOUT_EINVOICE',
        'The PDF carries no embedded e-invoice (Factur-X/ZUGFeRD); reading printed PDFs is not supported yet',
      );
    }
    throw new Unreadable('IMAGE_NOT_SUPPORTED', 'Reading scanned images (OCR) is not supported yet');
  } catch (err) {
    if (err instanceof XmlRejected || err instanceof PdfRejected)
      throw new Unreadable(err.reason, err.message);
    throw err;
  }
}

function fieldsOf(doc: ExtractedInvoice, source: ExtractionSource): Partial<Record<HeaderField, FieldValue>> {
  const values = headerValues(doc);
  const fields: Partial<Record<HeaderField, FieldValue>> = {};
  for (const [name, value] of Object.entries(values) as [HeaderField, string | number | null][]) {
    // Structured data is what the supplier's system states: full confidence when present.
    if (value !== null) fields[name] = { value, source, confidence: 1 };
  }
  return fields;
}

/**
 * The `supplier-invoices.extract` job's work. The upload committed the row and the file before this runs, so a
 * crash anywhere loses nothing: the retried job finds the invoice in `received` or `extracting` and starts
 * over; any later status means an earlier attempt finished, and the job does nothing.
 */
export function createExtractionService(deps: ExtractionDeps) {
  const { db, store, settings, metrics } = deps;

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
      let extracted: { doc: ExtractedInvoice; source: ExtractionSource };
      try {
        extracted = await extractDocument(started, await store.get(started.fileKey), settings.maxPdfPages);
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

      const outcome = await db.transaction(async (tx) => {
        const invoice = await repo.lockInvoice(tx, id);
        if (invoice?.status !== 'extracting') return undefined;
        const { doc, source } = extracted;
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
          extractionSource: source,
          fields: fieldsOf(doc, source),
        });
        return evaluate(tx, withFields, doc, settings);
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
