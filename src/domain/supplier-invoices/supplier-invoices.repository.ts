import { and, asc, count, desc, eq, gte, inArray, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import type { Page } from '../../core/pagination.js';
import { orderLines, orders, type OrderRow } from '../orders/orders.models.js';
import { restaurants, suppliers } from '../organisations/organisations.models.js';
import { products } from '../products/products.models.js';
import type { OrderLineForReconciliation } from './reconcile.js';
import {
  type DiscrepancyRow,
  type HistoryRow,
  supplierInvoiceDiscrepancies,
  supplierInvoiceHistory,
  type SupplierInvoiceInsert,
  supplierInvoiceLines,
  type SupplierInvoiceLineRow,
  type SupplierInvoiceRow,
  supplierInvoices,
  supplierInvoiceTolerances,
} from './supplier-invoices.models.js';
import type { SupplierInvoiceStatus } from './supplier-invoices.events.js';

const live = isNull(supplierInvoices.deletedAt);

export async function findByFile(
  ex: Executor,
  ownerKind: 'restaurant' | 'supplier',
  ownerOrgId: string,
  sha256: string,
): Promise<SupplierInvoiceRow | undefined> {
  const [row] = await ex
    .select()
    .from(supplierInvoices)
    .where(
      and(
        live,
        eq(supplierInvoices.ownerKind, ownerKind),
        eq(supplierInvoices.ownerOrgId, ownerOrgId),
        eq(supplierInvoices.fileSha256, sha256),
      ),
    );
  return row;
}

/** Inserts unless the same party already uploaded the same bytes; undefined when it had. */
export async function insertInvoice(
  ex: Executor,
  values: SupplierInvoiceInsert,
): Promise<SupplierInvoiceRow | undefined> {
  const [row] = await ex.insert(supplierInvoices).values(values).onConflictDoNothing().returning();
  return row;
}

export async function findInvoice(ex: Executor, id: string): Promise<SupplierInvoiceRow | undefined> {
  const [row] = await ex
    .select()
    .from(supplierInvoices)
    .where(and(live, eq(supplierInvoices.id, id)));
  return row;
}

export async function lockInvoice(tx: Transaction, id: string): Promise<SupplierInvoiceRow | undefined> {
  const [row] = await tx
    .select()
    .from(supplierInvoices)
    .where(and(live, eq(supplierInvoices.id, id)))
    .for('update');
  return row;
}

export async function updateInvoice(
  ex: Executor,
  id: string,
  patch: Partial<SupplierInvoiceInsert>,
): Promise<SupplierInvoiceRow> {
  const [row] = await ex.update(supplierInvoices).set(patch).where(eq(supplierInvoices.id, id)).returning();
  if (!row) throw new Error(`supplier invoice ${id} vanished inside its transaction`);
  return row;
}

export async function replaceLines(
  ex: Executor,
  invoiceId: string,
  lines: Omit<typeof supplierInvoiceLines.$inferInsert, 'invoiceId'>[],
): Promise<void> {
  await ex.delete(supplierInvoiceLines).where(eq(supplierInvoiceLines.invoiceId, invoiceId));
  if (lines.length > 0) await ex.insert(supplierInvoiceLines).values(lines.map((l) => ({ ...l, invoiceId })));
}

export async function replaceDiscrepancies(
  ex: Executor,
  invoiceId: string,
  rows: Omit<typeof supplierInvoiceDiscrepancies.$inferInsert, 'invoiceId'>[],
): Promise<void> {
  await ex.delete(supplierInvoiceDiscrepancies).where(eq(supplierInvoiceDiscrepancies.invoiceId, invoiceId));
  if (rows.length > 0) {
    await ex.insert(supplierInvoiceDiscrepancies).values(rows.map((r) => ({ ...r, invoiceId })));
  }
}

export const linesOf = (ex: Executor, invoiceId: string): Promise<SupplierInvoiceLineRow[]> =>
  ex
    .select()
    .from(supplierInvoiceLines)
    .where(eq(supplierInvoiceLines.invoiceId, invoiceId))
    .orderBy(asc(supplierInvoiceLines.lineNo));

export const discrepanciesOf = (ex: Executor, invoiceId: string): Promise<DiscrepancyRow[]> =>
  ex
    .select()
    .from(supplierInvoiceDiscrepancies)
    .where(eq(supplierInvoiceDiscrepancies.invoiceId, invoiceId))
    .orderBy(asc(supplierInvoiceDiscrepancies.position));

export const historyOf = (ex: Executor, invoiceId: string): Promise<HistoryRow[]> =>
  ex
    .select()
    .from(supplierInvoiceHistory)
    .where(eq(supplierInvoiceHistory.invoiceId, invoiceId))
    .orderBy(asc(supplierInvoiceHistory.createdAt), asc(supplierInvoiceHistory.id));

export async function insertHistory(
  ex: Executor,
  values: typeof supplierInvoiceHistory.$inferInsert,
): Promise<void> {
  // clock_timestamp, not the transaction's now(): several moves in one transaction keep their order.
  await ex.insert(supplierInvoiceHistory).values({ createdAt: sql`clock_timestamp()`, ...values });
}

export interface InvoiceFilters {
  status?: SupplierInvoiceStatus;
  supplierId?: string;
  restaurantId?: string;
  from?: string;
  to?: string;
  hasDiscrepancies?: boolean;
  /** Undefined for admins: everything. */
  scope?: { restaurantIds: string[]; supplierIds: string[] };
}

export async function listInvoices(
  ex: Executor,
  f: InvoiceFilters,
  page: Page,
): Promise<{ rows: SupplierInvoiceRow[]; total: number }> {
  const t = supplierInvoices;
  const conditions: (SQL | undefined)[] = [
    live,
    f.status ? eq(t.status, f.status) : undefined,
    f.supplierId ? eq(t.supplierId, f.supplierId) : undefined,
    f.restaurantId ? eq(t.restaurantId, f.restaurantId) : undefined,
    f.from ? gte(t.issueDate, f.from) : undefined,
    f.to ? lte(t.issueDate, f.to) : undefined,
    f.hasDiscrepancies === undefined
      ? undefined
      : sql`${f.hasDiscrepancies ? sql`` : sql`NOT`} EXISTS (SELECT 1 FROM ${supplierInvoiceDiscrepancies} d WHERE d.invoice_id = ${t.id})`,
  ];
  if (f.scope) {
    const parts = [
      f.scope.restaurantIds.length > 0 ? inArray(t.restaurantId, f.scope.restaurantIds) : undefined,
      f.scope.supplierIds.length > 0 ? inArray(t.supplierId, f.scope.supplierIds) : undefined,
    ].filter((p): p is SQL => p !== undefined);
    conditions.push(parts.length > 0 ? or(...parts) : sql`false`);
  }
  const where = and(...conditions);
  const [rows, [totals]] = await Promise.all([
    ex
      .select()
      .from(t)
      .where(where)
      .orderBy(desc(t.createdAt), desc(t.id))
      .limit(page.limit)
      .offset(page.offset),
    ex.select({ n: count() }).from(t).where(where),
  ]);
  return { rows, total: totals?.n ?? 0 };
}

/** A live organisation by its ten-digit organisation number. */
export async function orgIdByNumber(
  ex: Executor,
  kind: 'restaurant' | 'supplier',
  orgNumber: string,
): Promise<string | undefined> {
  const table = kind === 'restaurant' ? restaurants : suppliers;
  const [row] = await ex
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.orgNumber, orgNumber), isNull(table.deletedAt)));
  return row?.id;
}

/** An order of this restaurant (and supplier, when known) by id or serial; another party's is not found. */
export async function findPartyOrder(
  ex: Executor,
  by: { id: string } | { serial: number },
  restaurantId: string,
  supplierId: string | null,
): Promise<OrderRow | undefined> {
  const [row] = await ex
    .select()
    .from(orders)
    .where(
      and(
        'id' in by ? eq(orders.id, by.id) : eq(orders.serial, by.serial),
        eq(orders.restaurantId, restaurantId),
        supplierId ? eq(orders.supplierId, supplierId) : undefined,
        isNull(orders.deletedAt),
      ),
    );
  return row;
}

/** Delivered or invoiced orders between the parties delivered within [from, to]. */
export function candidateOrders(
  ex: Executor,
  p: { restaurantId: string; supplierId: string; from: string; to: string },
): Promise<OrderRow[]> {
  return ex
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.restaurantId, p.restaurantId),
        eq(orders.supplierId, p.supplierId),
        inArray(orders.status, ['delivered', 'invoiced']),
        gte(sql`coalesce(${orders.deliveryDate}, ${orders.vatDate})`, p.from),
        lte(sql`coalesce(${orders.deliveryDate}, ${orders.vatDate})`, p.to),
        isNull(orders.deletedAt),
      ),
    )
    .orderBy(asc(orders.serial))
    .limit(50);
}

export async function orderLinesForReconciliation(
  ex: Executor,
  orderId: string,
): Promise<OrderLineForReconciliation[]> {
  const rows = await ex
    .select({ line: orderLines, gtin: products.gtin })
    .from(orderLines)
    .leftJoin(products, eq(products.id, orderLines.productId))
    .where(eq(orderLines.orderId, orderId))
    .orderBy(asc(orderLines.lineNo));
  return rows.map(({ line, gtin }) => ({
    lineNo: line.lineNo,
    sku: line.sku,
    gtin: gtin ?? null,
    name: line.name,
    quantity: line.quantity,
    unitPriceCents: line.unitPriceCents,
    vatCategory: line.vatCategory,
    netCents: line.netCents,
  }));
}

/** Other live invoices of the supplier with the same number (a duplicate bill). */
export async function sameNumberInvoices(
  ex: Executor,
  p: { id: string; supplierId: string; invoiceNumber: string },
): Promise<string[]> {
  const rows = await ex
    .select({ id: supplierInvoices.id })
    .from(supplierInvoices)
    .where(
      and(
        live,
        ne(supplierInvoices.id, p.id),
        eq(supplierInvoices.supplierId, p.supplierId),
        eq(supplierInvoices.invoiceNumber, p.invoiceNumber),
        eq(supplierInvoices.documentType, 'invoice'),
      ),
    )
    .orderBy(asc(supplierInvoices.createdAt));
  return rows.map((r) => r.id);
}

/** The invoice a credit note credits, locked: same supplier and restaurant, by invoice number. */
export async function lockCreditedInvoice(
  tx: Transaction,
  p: { supplierId: string; restaurantId: string; invoiceNumber: string },
): Promise<SupplierInvoiceRow | undefined> {
  const [row] = await tx
    .select()
    .from(supplierInvoices)
    .where(
      and(
        live,
        eq(supplierInvoices.supplierId, p.supplierId),
        eq(supplierInvoices.restaurantId, p.restaurantId),
        eq(supplierInvoices.invoiceNumber, p.invoiceNumber),
        eq(supplierInvoices.documentType, 'invoice'),
      ),
    )
    .orderBy(asc(supplierInvoices.createdAt))
    .limit(1)
    .for('update');
  return row;
}

export async function toleranceFor(ex: Executor, supplierId: string): Promise<number | undefined> {
  const [row] = await ex
    .select({ bp: supplierInvoiceTolerances.toleranceBp })
    .from(supplierInvoiceTolerances)
    .where(
      and(eq(supplierInvoiceTolerances.supplierId, supplierId), isNull(supplierInvoiceTolerances.deletedAt)),
    );
  return row?.bp;
}

export async function upsertTolerance(ex: Executor, supplierId: string, toleranceBp: number): Promise<void> {
  await ex
    .insert(supplierInvoiceTolerances)
    .values({ supplierId, toleranceBp })
    .onConflictDoUpdate({ target: supplierInvoiceTolerances.supplierId, set: { toleranceBp } });
}

export async function setLineMatch(
  ex: Executor,
  invoiceId: string,
  lineNo: number,
  orderLineNo: number,
): Promise<void> {
  await ex
    .update(supplierInvoiceLines)
    .set({ orderLineNo })
    .where(and(eq(supplierInvoiceLines.invoiceId, invoiceId), eq(supplierInvoiceLines.lineNo, lineNo)));
}

export async function clearLineMatches(ex: Executor, invoiceId: string): Promise<void> {
  await ex
    .update(supplierInvoiceLines)
    .set({ orderLineNo: null })
    .where(eq(supplierInvoiceLines.invoiceId, invoiceId));
}
