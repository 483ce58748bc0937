import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import { queryRows } from '../../db/rows.js';
import { restaurants } from '../organisations/organisations.models.js';
import { products } from '../products/products.models.js';
import { recommendationWeights } from './recommendations.models.js';
import type { SupplierHistory } from './score.js';

/** Beyond this many matching products the answer would be a catalog, not a recommendation. */
const MAX_OFFERS = 5000;

export async function restaurantPlace(ex: Executor, restaurantId: string) {
  const [row] = await ex
    .select({ latitude: restaurants.latitude, longitude: restaurants.longitude })
    .from(restaurants)
    .where(and(eq(restaurants.id, restaurantId), isNull(restaurants.deletedAt)));
  return row;
}

/** A live product, with what its alternatives are found by. */
export async function productKey(ex: Executor, productId: string) {
  const [row] = await ex
    .select({ category: products.category, gtin: products.gtin })
    .from(products)
    .where(and(eq(products.id, productId), isNull(products.deletedAt)));
  return row;
}

export interface OfferRow {
  supplier_id: string;
  supplier_name: string;
  depot_latitude: number | null;
  depot_longitude: number | null;
  delivery_radius_km: number | null;
  min_order_cents: string | null;
  product_id: string;
  product_name: string;
  unit: string;
  price_cents: number;
  stock_quantity: string | null;
}

/**
 * Orderable products of live suppliers that answer the question: the same GTIN as the product asked about, or
 * (without a GTIN) its category; or every product of a category.
 */
export async function offers(
  ex: Executor,
  match: { category: string; gtin: string | null },
): Promise<OfferRow[]> {
  const matches = match.gtin ? sql`p.gtin = ${match.gtin}` : sql`p.category = ${match.category}`;
  return queryRows<OfferRow>(
    ex,
    sql`SELECT s.id AS supplier_id, s.legal_name AS supplier_name, s.depot_latitude, s.depot_longitude,
          s.delivery_radius_km, s.min_order_cents::text AS min_order_cents, p.id AS product_id,
          p.name AS product_name, p.unit, p.price_cents, p.stock_quantity::text AS stock_quantity
        FROM products p JOIN suppliers s ON s.id = p.supplier_id
        WHERE ${matches} AND p.active AND p.deleted_at IS NULL AND s.deleted_at IS NULL
        ORDER BY s.id, p.price_cents, p.id
        LIMIT ${MAX_OFFERS}`,
  );
}

/**
 * Each supplier's order and invoice record since `from`, across all restaurants (one kitchen's handful of orders
 * says little). A cancellation counts against the supplier when its member cancelled or it was cancelled after
 * confirmation (only the supplier or an admin can). Delivered quantity is what a reconciled supplier invoice
 * billed for the line, else the ordered quantity of a delivered order, else 0 for a supplier cancellation.
 */
export async function supplierHistories(
  ex: Executor,
  supplierIds: string[],
  from: Date,
): Promise<Map<string, SupplierHistory>> {
  if (supplierIds.length === 0) return new Map();
  const ids = sql.param(supplierIds);
  const since = from.toISOString();
  const rows = await queryRows<Record<string, string>>(
    ex,
    sql`WITH decided AS (
          SELECT o.id, o.supplier_id, o.status, o.delivery_date, o.supply_date,
            o.status = 'cancelled' AND EXISTS (
              SELECT 1 FROM order_status_history h
              WHERE h.order_id = o.id AND h.to_status = 'cancelled'
                AND (h.from_status = 'confirmed' OR h.actor_account_id IN (
                  SELECT m.account_id FROM supplier_members m WHERE m.org_id = o.supplier_id))
            ) AS by_supplier,
            (SELECT i.id FROM supplier_invoices i
              WHERE i.order_id = o.id AND i.deleted_at IS NULL AND i.document_type IS DISTINCT FROM 'credit_note'
                AND i.status IN ('matched', 'approved', 'disputed', 'credited')
              ORDER BY i.created_at DESC LIMIT 1) AS invoice_id
          FROM orders o
          WHERE o.supplier_id = ANY(${ids}::uuid[]) AND o.placed_at >= ${since}::timestamptz
            AND o.deleted_at IS NULL AND o.status IN ('delivered', 'invoiced', 'cancelled')
        ), lines AS (
          SELECT d.supplier_id, l.quantity AS ordered,
            CASE WHEN d.by_supplier THEN 0
                 WHEN d.invoice_id IS NOT NULL THEN least(l.quantity, coalesce((
                   SELECT sum(il.quantity) FROM supplier_invoice_lines il
                   WHERE il.invoice_id = d.invoice_id AND il.order_line_no = l.line_no), 0))
                 ELSE l.quantity END AS delivered
          FROM decided d JOIN order_lines l ON l.order_id = d.id
          WHERE d.status <> 'cancelled' OR d.by_supplier
        ), invoices AS (
          SELECT i.supplier_id, count(*) AS reconciled,
            count(*) FILTER (WHERE NOT EXISTS (
              SELECT 1 FROM supplier_invoice_discrepancies x WHERE x.invoice_id = i.id)) AS clean
          FROM supplier_invoices i
          WHERE i.supplier_id = ANY(${ids}::uuid[]) AND i.created_at >= ${since}::timestamptz AND i.deleted_at IS NULL
            AND i.status IN ('matched', 'approved', 'disputed', 'credited')
            AND i.document_type IS DISTINCT FROM 'credit_note'
          GROUP BY i.supplier_id
        )
        SELECT s.id AS supplier_id,
          (SELECT count(*) FROM decided d WHERE d.supplier_id = s.id AND (d.status <> 'cancelled' OR d.by_supplier)) AS decided,
          (SELECT count(*) FROM decided d WHERE d.supplier_id = s.id AND d.by_supplier) AS supplier_cancelled,
          (SELECT count(*) FROM decided d WHERE d.supplier_id = s.id AND d.status <> 'cancelled' AND d.delivery_date IS NOT NULL) AS with_date,
          (SELECT count(*) FROM decided d WHERE d.supplier_id = s.id AND d.status <> 'cancelled' AND d.supply_date = d.delivery_date) AS on_date,
          (SELECT coalesce(sum(ordered), 0) FROM lines WHERE lines.supplier_id = s.id) AS ordered,
          (SELECT coalesce(sum(delivered), 0) FROM lines WHERE lines.supplier_id = s.id) AS delivered,
          coalesce(inv.reconciled, 0) AS reconciled, coalesce(inv.clean, 0) AS clean
        FROM unnest(${ids}::uuid[]) AS s(id) LEFT JOIN invoices inv ON inv.supplier_id = s.id`,
  );
  return new Map(
    rows.map((r) => [
      r.supplier_id ?? '',
      {
        decidedOrders: Number(r.decided),
        supplierCancelled: Number(r.supplier_cancelled),
        deliveredWithDate: Number(r.with_date),
        deliveredOnDate: Number(r.on_date),
        orderedQuantity: Number(r.ordered),
        deliveredQuantity: Number(r.delivered),
        reconciledInvoices: Number(r.reconciled),
        cleanInvoices: Number(r.clean),
      },
    ]),
  );
}

/** The restaurant's average net order value since `from`, or null without orders. */
export async function averageOrderCents(
  ex: Executor,
  restaurantId: string,
  from: Date,
): Promise<number | null> {
  const [row] = await queryRows<{ avg: string | null }>(
    ex,
    sql`SELECT avg(subtotal_cents)::text AS avg FROM orders
        WHERE restaurant_id = ${restaurantId} AND placed_at >= ${from.toISOString()}::timestamptz AND status <> 'cancelled' AND deleted_at IS NULL`,
  );
  return row?.avg ? Math.round(Number(row.avg)) : null;
}

export async function storedWeights(ex: Executor, restaurantId: string) {
  const [row] = await ex
    .select({ weights: recommendationWeights.weights, updatedAt: recommendationWeights.updatedAt })
    .from(recommendationWeights)
    .where(
      and(eq(recommendationWeights.restaurantId, restaurantId), isNull(recommendationWeights.deletedAt)),
    );
  return row;
}

export async function saveWeights(
  ex: Executor,
  restaurantId: string,
  weights: Record<string, number>,
  accountId: string,
): Promise<void> {
  await ex
    .insert(recommendationWeights)
    .values({ restaurantId, weights, updatedBy: accountId })
    .onConflictDoUpdate({
      target: recommendationWeights.restaurantId,
      set: { weights, updatedBy: accountId, deletedAt: null },
    });
}

export async function removeWeights(ex: Executor, restaurantId: string): Promise<void> {
  await ex.delete(recommendationWeights).where(eq(recommendationWeights.restaurantId, restaurantId));
}
