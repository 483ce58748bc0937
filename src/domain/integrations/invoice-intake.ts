import { createHash } from 'node:crypto';
import type { Database } from '../../core/db.types.js';
import { connectorInvoiceDocuments } from './integrations.models.js';

/**
 * The port invoice pull hands documents to (spec §11 "into supplier-invoice intake"). The supplier-invoices domain
 * implements the same interface with its own storage, extraction and reconciliation; until it is wired in,
 * `createDocumentStoreIntake` keeps the files in `connector_invoice_documents`, deduplicated by content hash.
 */
export interface SupplierInvoiceIntake {
  ingest(input: {
    restaurantId: string;
    supplierKey: string;
    filename: string;
    bytes: Buffer;
  }): Promise<{ documentId: string | null; duplicate: boolean }>;
}

export function createDocumentStoreIntake(db: Database): SupplierInvoiceIntake {
  return {
    async ingest(input) {
      if (!input.bytes.subarray(0, 5).equals(Buffer.from('%PDF-'))) {
        throw new Error('not a PDF document');
      }
      const sha256 = createHash('sha256').update(input.bytes).digest('hex');
      const [row] = await db
        .insert(connectorInvoiceDocuments)
        .values({
          restaurantId: input.restaurantId,
          supplierKey: input.supplierKey,
          filename: input.filename.slice(0, 200),
          sha256,
          sizeBytes: input.bytes.length,
          contentType: 'application/pdf',
          content: input.bytes,
        })
        .onConflictDoNothing()
        .returning({ id: connectorInvoiceDocuments.id });
      return { documentId: row?.id ?? null, duplicate: !row };
    },
  };
}
