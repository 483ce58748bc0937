import type { UserContext } from '../../core/context.js';
import type { Database, Executor } from '../../core/db.types.js';
import { type Paginated, toPage } from '../../core/pagination.js';
import type { ObjectStore } from '../../core/storage/storage.js';
import { recordAudit } from '../audit/audit.service.js';
import { orderNotFound, restaurantNotFound, supplierNotFound } from '../orders/orders.errors.js';
import { findLiveOrg, findMembership, memberOrgIds } from '../organisations/organisations.repository.js';
import { insertOutboxEvents } from '../outbox/outbox.repository.js';
import { type HeaderField, headerValues, withHeaderValues } from './extraction/extracted.js';
import type { InvoiceParty } from './lifecycle.js';
import { admitInvoiceFile } from './supplier-invoices.intake.js';
import * as e from './supplier-invoices.errors.js';
import type { SupplierInvoiceRow } from './supplier-invoices.models.js';
import * as repo from './supplier-invoices.repository.js';
import type {
  CorrectionBody,
  SupplierInvoiceDto,
  SupplierInvoiceListQuery,
  SupplierInvoiceSummary,
  UploadFields,
} from './supplier-invoices.schemas.js';
import { evaluate, move } from './supplier-invoices.workflow.js';

export interface SupplierInvoiceServiceDeps {
  db: Database;
  store: ObjectStore;
  settings: { maxBytes: number; defaultToleranceBp: number };
  /** Called after a commit that wrote outbox events (embedded mode publishes them at once). */
  afterCommit?: () => void;
}

export interface Upload {
  bytes: Buffer;
  fileName: string | null;
  fields: UploadFields;
}

const iso = (d: Date) => d.toISOString();

export function toSummary(r: SupplierInvoiceRow): SupplierInvoiceSummary {
  return {
    id: r.id,
    status: r.status,
    document_type: r.documentType ?? r.declaredType,
    restaurant_id: r.restaurantId,
    supplier_id: r.supplierId,
    order_id: r.orderId,
    credits_invoice_id: r.creditsInvoiceId,
    format: r.format,
    file_name: r.fileName,
    file_sha256: r.fileSha256,
    file_size: r.fileSize,
    extraction_source: r.extractionSource,
    invoice_number: r.invoiceNumber,
    issue_date: r.issueDate,
    currency: r.currency,
    payable_cents: r.payableCents,
    disputed_cents: r.disputedCents,
    credited_cents: r.creditedCents,
    review_reasons: r.reviewReasons,
    failure_reason: r.failureReason,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}

/**
 * Supplier invoices (spec §4, §12): upload (stored and committed before any processing), reads for the parties,
 * corrections, approval, disputes and retries through the lifecycle table. Extraction runs as a job.
 */
export function createSupplierInvoiceService(deps: SupplierInvoiceServiceDeps) {
  const { db, store, settings } = deps;
  const published = () => deps.afterCommit?.();

  /** The caller's party on an invoice; anyone else gets the same not-found as for a missing invoice. */
  async function partyOf(ex: Executor, ctx: UserContext, inv: SupplierInvoiceRow): Promise<InvoiceParty> {
    const { role, accountId } = ctx.principal;
    if (role === 'ADMIN') return 'admin';
    if (
      role === 'RESTAURANT' &&
      inv.restaurantId &&
      (await findMembership(ex, 'restaurant', accountId, inv.restaurantId))
    ) {
      return 'restaurant';
    }
    if (
      role === 'SUPPLIER' &&
      inv.supplierId &&
      (await findMembership(ex, 'supplier', accountId, inv.supplierId))
    ) {
      return 'supplier';
    }
    throw e.invoiceNotFound(inv.id);
  }

  async function visible(ctx: UserContext, id: string): Promise<SupplierInvoiceRow> {
    const inv = await repo.findInvoice(db, id);
    if (!inv) throw e.invoiceNotFound(id);
    await partyOf(db, ctx, inv);
    return inv;
  }

  async function detail(inv: SupplierInvoiceRow): Promise<SupplierInvoiceDto> {
    const [lines, discrepancies, history] = await Promise.all([
      repo.linesOf(db, inv.id),
      repo.discrepanciesOf(db, inv.id),
      repo.historyOf(db, inv.id),
    ]);
    return {
      ...toSummary(inv),
      fields: inv.fields ?? {},
      vat: (inv.document?.vat ?? []).map((g) => ({
        category: g.category,
        rate_bp: g.rateBp,
        taxable_cents: g.taxableCents,
        tax_cents: g.taxCents,
      })),
      lines: lines.map((l) => ({
        line_no: l.lineNo,
        seller_item_id: l.sellerItemId,
        gtin: l.gtin,
        description: l.description,
        quantity: l.quantity,
        unit_code: l.unitCode,
        unit_price_cents: l.unitPriceCents,
        net_cents: l.netCents,
        vat_category: l.vatCategory,
        vat_rate_bp: l.vatRateBp,
        order_line_no: l.orderLineNo,
      })),
      discrepancies: discrepancies.map((d) => ({
        reason: d.reason,
        invoice_line_no: d.invoiceLineNo,
        order_line_no: d.orderLineNo,
        amount_cents: d.amountCents,
        expected: d.expected,
        actual: d.actual,
      })),
      history: history.map((h) => ({
        action: h.action,
        from: h.fromStatus,
        to: h.toStatus,
        actor_account_id: h.actorAccountId,
        details: h.details,
        at: iso(h.createdAt),
      })),
    };
  }

  /** Which party uploads, for which organisations; memberships checked, other parties' ids not found. */
  async function uploadParties(ctx: UserContext, f: UploadFields) {
    const { role, accountId } = ctx.principal;
    if (f.restaurant_id && !(await findLiveOrg(db, 'restaurant', f.restaurant_id)))
      throw restaurantNotFound(f.restaurant_id);
    if (f.supplier_id && !(await findLiveOrg(db, 'supplier', f.supplier_id)))
      throw supplierNotFound(f.supplier_id);
    if (role === 'RESTAURANT') {
      if (!f.restaurant_id) throw e.partyRequired();
      if (!(await findMembership(db, 'restaurant', accountId, f.restaurant_id)))
        throw restaurantNotFound(f.restaurant_id);
      return { ownerKind: 'restaurant' as const, ownerOrgId: f.restaurant_id };
    }
    if (role === 'SUPPLIER') {
      if (!f.supplier_id) throw e.partyRequired();
      if (!(await findMembership(db, 'supplier', accountId, f.supplier_id)))
        throw supplierNotFound(f.supplier_id);
      return { ownerKind: 'supplier' as const, ownerOrgId: f.supplier_id };
    }
    if (f.restaurant_id) return { ownerKind: 'restaurant' as const, ownerOrgId: f.restaurant_id };
    if (f.supplier_id) return { ownerKind: 'supplier' as const, ownerOrgId: f.supplier_id };
    throw e.partyRequired();
  }

  async function transition(
    ctx: UserContext,
    id: string,
    run: (
      tx: Parameters<Parameters<Database['transaction']>[0]>[0],
      inv: SupplierInvoiceRow,
      party: InvoiceParty,
    ) => Promise<SupplierInvoiceRow>,
  ): Promise<SupplierInvoiceDto> {
    const updated = await db.transaction(async (tx) => {
      const inv = await repo.lockInvoice(tx, id);
      if (!inv) throw e.invoiceNotFound(id);
      const party = await partyOf(tx, ctx, inv);
      return run(tx, inv, party);
    });
    published();
    return detail(updated);
  }

  const actor = (ctx: UserContext, party: InvoiceParty) => ({ party, accountId: ctx.principal.accountId });

  return {
    /** 201 with a new invoice, or 200 with the one this party already uploaded with the same bytes. */
    async upload(ctx: UserContext, input: Upload): Promise<{ status: 200 | 201; body: SupplierInvoiceDto }> {
      if (input.bytes.length === 0) throw e.emptyFile();
      if (input.bytes.length > settings.maxBytes) throw e.tooLarge(settings.maxBytes);
      const owner = await uploadParties(ctx, input.fields);
      const { invoice, created } = await admitInvoiceFile(deps, ctx, {
        bytes: input.bytes,
        fileName: input.fileName,
        owner,
        restaurantId: input.fields.restaurant_id ?? null,
        supplierId: input.fields.supplier_id ?? null,
        declaredType: input.fields.document_type ?? null,
        uploadedBy: ctx.principal.accountId,
        source: { channel: 'upload' },
      });
      return { status: created ? 201 : 200, body: await detail(invoice) };
    },

    async get(ctx: UserContext, id: string): Promise<SupplierInvoiceDto> {
      return detail(await visible(ctx, id));
    },

    async list(ctx: UserContext, q: SupplierInvoiceListQuery): Promise<Paginated<SupplierInvoiceSummary>> {
      const { role, accountId } = ctx.principal;
      const scope =
        role === 'ADMIN'
          ? undefined
          : {
              restaurantIds: role === 'RESTAURANT' ? await memberOrgIds(db, 'restaurant', accountId) : [],
              supplierIds: role === 'SUPPLIER' ? await memberOrgIds(db, 'supplier', accountId) : [],
            };
      const page = { limit: q.limit, offset: q.offset };
      const { rows, total } = await repo.listInvoices(
        db,
        {
          status: q.status,
          supplierId: q.supplier_id,
          restaurantId: q.restaurant_id,
          from: q.from,
          to: q.to,
          hasDiscrepancies: q.has_discrepancies === undefined ? undefined : q.has_discrepancies === 'true',
          scope,
        },
        page,
      );
      return toPage(rows.map(toSummary), page, total);
    },

    /** The original bytes, for the parties only. */
    async file(ctx: UserContext, id: string) {
      const inv = await visible(ctx, id);
      return {
        bytes: await store.get(inv.fileKey),
        contentType: inv.contentType,
        fileName:
          inv.fileName ?? `${inv.id}.${inv.format === 'ubl' || inv.format === 'cii' ? 'xml' : inv.format}`,
      };
    },

    /** Corrects header fields and/or the order (audited, old and new values), then checks and reconciles again. */
    correct(ctx: UserContext, id: string, body: CorrectionBody) {
      return transition(ctx, id, async (tx, inv, party) => {
        if (!inv.document) throw e.notReconcilable('nothing was extracted from it');
        const before = headerValues(inv.document);
        const after = { ...before, ...(body.fields as Partial<Record<HeaderField, string | number | null>>) };
        const changes = (Object.keys(body.fields ?? {}) as HeaderField[])
          .filter((k) => before[k] !== after[k])
          .map((k) => ({ field: k, old: before[k], new: after[k] }));
        if (body.order_id) {
          if (
            !inv.restaurantId ||
            !(await repo.findPartyOrder(tx, { id: body.order_id }, inv.restaurantId, inv.supplierId))
          ) {
            throw orderNotFound(body.order_id);
          }
          changes.push({ field: 'order_id' as HeaderField, old: inv.orderId, new: body.order_id });
        }
        const fields = { ...(inv.fields ?? {}) };
        for (const c of changes) {
          if (c.field !== ('order_id' as HeaderField))
            fields[c.field] = { value: c.new, source: 'manual', confidence: 1 };
        }
        const doc = withHeaderValues(inv.document, after);
        const corrected = await move(
          tx,
          inv,
          'correct',
          actor(ctx, party),
          { fields, ...(body.order_id ? { orderId: body.order_id } : {}) },
          { changes, ...(body.reason ? { reason: body.reason } : {}) },
        );
        await recordAudit(tx, ctx, {
          action: 'supplier_invoice.correct',
          resourceType: 'supplier_invoice',
          resourceId: id,
          details: { changes },
        });
        return (await evaluate(tx, corrected, doc, settings)).invoice;
      });
    },

    approve(ctx: UserContext, id: string) {
      return transition(ctx, id, async (tx, inv, party) => {
        const updated = await move(tx, inv, 'approve', actor(ctx, party));
        await recordAudit(tx, ctx, {
          action: 'supplier_invoice.approve',
          resourceType: 'supplier_invoice',
          resourceId: id,
        });
        return updated;
      });
    },

    /** Disputes the invoice: a credit-note request event to the supplier for the overcharged amount. */
    dispute(ctx: UserContext, id: string, reason: string) {
      return transition(ctx, id, async (tx, inv, party) => {
        if (!inv.supplierId || !inv.restaurantId || !inv.currency) {
          throw e.notReconcilable('the supplier, restaurant and currency must be known to dispute it');
        }
        const updated = await move(
          tx,
          inv,
          'dispute',
          actor(ctx, party),
          {},
          { reason, reasons: ['MANUAL'] },
        );
        await recordAudit(tx, ctx, {
          action: 'supplier_invoice.dispute',
          resourceType: 'supplier_invoice',
          resourceId: id,
          details: { reason },
        });
        return updated;
      });
    },

    /** Sends a failed invoice through extraction again (a new outbox event starts the job). */
    retry(ctx: UserContext, id: string) {
      return transition(ctx, id, async (tx, inv, party) => {
        const updated = await move(tx, inv, 'retry', actor(ctx, party), { failureReason: null });
        await insertOutboxEvents(tx, [
          {
            type: 'supplier_invoice.received',
            aggregateType: 'supplier_invoice',
            aggregateId: id,
            payload: {
              supplier_invoice_id: id,
              restaurant_id: inv.restaurantId,
              supplier_id: inv.supplierId,
            },
          },
        ]);
        return updated;
      });
    },

    /** An admin sets a supplier's own per-line tolerance. */
    async setTolerance(ctx: UserContext, supplierId: string, toleranceBp: number) {
      if (!(await findLiveOrg(db, 'supplier', supplierId))) throw supplierNotFound(supplierId);
      await db.transaction(async (tx) => {
        await repo.upsertTolerance(tx, supplierId, toleranceBp);
        await recordAudit(tx, ctx, {
          action: 'supplier_invoice.tolerance',
          resourceType: 'supplier',
          resourceId: supplierId,
          details: { tolerance_bp: toleranceBp },
        });
      });
      return { supplier_id: supplierId, tolerance_bp: toleranceBp };
    },
  };
}

export type SupplierInvoiceService = ReturnType<typeof createSupplierInvoiceService>;
