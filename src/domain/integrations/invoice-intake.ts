import type { RequestContext } from '../../core/context.js';
import { admitInvoiceFile, type IntakeDeps } from '../supplier-invoices/supplier-invoices.intake.js';

/**
 * The port invoice pull hands documents to (spec §11 "into supplier-invoice intake"): the pulled file becomes a
 * supplier invoice of the restaurant, from the connector's supplier, exactly as an upload would (content-hash
 * storage, dedupe per restaurant, the extraction job, then matching and reconciliation).
 */
export interface SupplierInvoiceIntake {
  ingest(
    ctx: RequestContext,
    input: {
      restaurantId: string;
      supplierId: string;
      supplierKey: string;
      filename: string;
      bytes: Buffer;
    },
  ): Promise<{ invoiceId: string; duplicate: boolean }>;
}

export function createSupplierInvoiceIntake(deps: IntakeDeps): SupplierInvoiceIntake {
  return {
    async ingest(ctx, input) {
      const { invoice, created } = await admitInvoiceFile(deps, ctx, {
        bytes: input.bytes,
        fileName: input.filename,
        owner: { ownerKind: 'restaurant', ownerOrgId: input.restaurantId },
        restaurantId: input.restaurantId,
        supplierId: input.supplierId,
        declaredType: 'invoice',
        uploadedBy: null,
        source: { channel: 'portal', supplierKey: input.supplierKey },
      });
      return { invoiceId: invoice.id, duplicate: !created };
    },
  };
}
