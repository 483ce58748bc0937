import type { RequestContext } from '../../core/context.js';
import type { Database } from '../../core/db.types.js';
import type { ObjectStore } from '../../core/storage/storage.js';
import { recordAudit } from '../audit/audit.service.js';
import { insertOutboxEvents } from '../outbox/outbox.repository.js';
import { sniffInvoiceFile } from './sniff.js';
import * as e from './supplier-invoices.errors.js';
import type { DOCUMENT_TYPES, SupplierInvoiceRow } from './supplier-invoices.models.js';
import * as repo from './supplier-invoices.repository.js';

export interface IntakeDeps {
  db: Database;
  store: ObjectStore;
  settings: { maxBytes: number };
  /** Called after a commit that wrote outbox events (embedded mode publishes them at once). */
  afterCommit?: () => void;
}

/** One file entering supplier-invoice intake, whoever brings it (an upload or a portal pull). */
export interface IntakeFile {
  bytes: Buffer;
  fileName: string | null;
  owner: { ownerKind: 'restaurant' | 'supplier'; ownerOrgId: string };
  restaurantId: string | null;
  supplierId: string | null;
  declaredType: (typeof DOCUMENT_TYPES)[number] | null;
  /** The account that uploaded it; null when a job brought it in (portal pull). */
  uploadedBy: string | null;
  /** Recorded in the history and audit trail: where the file came from. */
  source: { channel: 'upload' } | { channel: 'portal'; supplierKey: string };
}

/**
 * The one way a document becomes a supplier invoice (spec §12): size and format checked from the bytes, the file
 * stored by content hash and committed with the row before any processing, duplicates per owning party answered
 * with the existing invoice, and a `supplier_invoice.received` event that starts the extraction job.
 */
export async function admitInvoiceFile(
  deps: IntakeDeps,
  ctx: RequestContext,
  file: IntakeFile,
): Promise<{ invoice: SupplierInvoiceRow; created: boolean }> {
  const { db, store, settings } = deps;
  if (file.bytes.length === 0) throw e.emptyFile();
  if (file.bytes.length > settings.maxBytes) throw e.tooLarge(settings.maxBytes);
  const sniffed = await sniffInvoiceFile(file.bytes);
  if (!sniffed.ok) {
    if (sniffed.dtd)
      throw e.unreadable('XML_DTD_FORBIDDEN', 'XML with a DOCTYPE or entity declarations is not accepted');
    throw e.unsupportedType(sniffed.detected);
  }
  const stored = await store.put(file.bytes);
  const { ownerKind, ownerOrgId } = file.owner;
  const existing = await repo.findByFile(db, ownerKind, ownerOrgId, stored.sha256);
  if (existing) return { invoice: existing, created: false };
  const origin =
    file.source.channel === 'portal' ? { source: 'portal', supplier_key: file.source.supplierKey } : {};
  const created = await db.transaction(async (tx) => {
    const row = await repo.insertInvoice(tx, {
      ownerKind,
      ownerOrgId,
      restaurantId: file.restaurantId,
      supplierId: file.supplierId,
      uploadedBy: file.uploadedBy,
      declaredType: file.declaredType,
      fileKey: stored.key,
      fileSha256: stored.sha256,
      fileSize: stored.size,
      fileName: file.fileName?.slice(0, 255) ?? null,
      format: sniffed.format,
      contentType: sniffed.contentType,
    });
    if (!row) return undefined; // the same bytes, brought in concurrently for the same party
    await repo.insertHistory(tx, {
      invoiceId: row.id,
      action: 'upload',
      toStatus: 'received',
      actorAccountId: file.uploadedBy,
      details: { format: row.format, size: row.fileSize, ...origin },
    });
    await insertOutboxEvents(tx, [
      {
        type: 'supplier_invoice.received',
        aggregateType: 'supplier_invoice',
        aggregateId: row.id,
        payload: {
          supplier_invoice_id: row.id,
          restaurant_id: row.restaurantId,
          supplier_id: row.supplierId,
        },
      },
    ]);
    await recordAudit(tx, ctx, {
      action: file.source.channel === 'portal' ? 'supplier_invoice.portal_pull' : 'supplier_invoice.upload',
      resourceType: 'supplier_invoice',
      resourceId: row.id,
      details: { sha256: row.fileSha256, format: row.format, ...origin },
    });
    return row;
  });
  if (!created) {
    const winner = await repo.findByFile(db, ownerKind, ownerOrgId, stored.sha256);
    if (!winner) throw e.invoiceNotFound(stored.sha256);
    return { invoice: winner, created: false };
  }
  deps.afterCommit?.();
  return { invoice: created, created: true };
}
