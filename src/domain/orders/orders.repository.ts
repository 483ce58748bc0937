import { and, asc, count, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import type { OrderStatus } from './orders.events.js';
import type { Page } from '../../core/pagination.js';
import { queryPrepared } from '../../db/rows.js';
import { type PendingWrite, writeTogether } from '../../db/together.js';
import type { DomainEvent } from '../../core/events.js';
import { type AuditInsert, auditInsert } from '../audit/audit.repository.js';
import { outboxInsert } from '../outbox/outbox.repository.js';
import { restaurantMembers, restaurants, suppliers } from '../organisations/organisations.models.js';
import { priceAgreements } from '../pricing/pricing.models.js';
import { products, type VatCategory } from '../products/products.models.js';
import { type OrderLineRow, type OrderRow, orderLines, orders, orderStatusHistory } from './orders.models.js';

/** An order line as placement writes it. */
export type PlacedLine = Omit<
  typeof orderLines.$inferInsert,
  'id' | 'orderId' | 'createdAt' | 'updatedAt' | 'deletedAt'
>;

/** A product as placement needs it, locked for the rest of the transaction. */
export interface PlacementProduct {
  id: string;
  supplierId: string;
  sku: string;
  name: string;
  unit: string;
  /** The price the order pays: the restaurant's agreed price when one is in force today, else the product's. */
  priceCents: number;
  /** Whether priceCents is the restaurant's agreed price (dynamic pricing never touches it). */
  agreed: boolean;
  currency: string;
  vatCategory: VatCategory;
  /** Tracked stock as exact decimal text; null when the supplier does not track it. */
  stockQuantity: string | null;
  active: boolean;
}

export interface PlacementContext {
  restaurantLive: boolean;
  member: boolean;
  /** The live supplier's order currency; null when the supplier does not exist or is deleted. */
  supplierCurrency: string | null;
  /** The transaction's time stamp: what `placed_at` will hold. */
  now: Date;
  /** The live products among those asked for, locked in id order. */
  products: PlacementProduct[];
}

/**
 * Everything placement reads, in one round trip: whether the restaurant is live and the caller a member of it,
 * the supplier's currency, the transaction's time, and the products, locked in id order (the order every
 * product lock uses, so placements and imports cannot deadlock). It first bounds this transaction's row-lock
 * waits (transaction-local, so safe behind a pooler): `cfg` is joined into the locking scan, so the setting is
 * made before any row is locked, and a placement stuck behind a long import fails fast and releases its
 * Idempotency-Key instead of outliving the 90 s claim.
 */
export async function lockForPlacement(
  tx: Transaction,
  p: {
    restaurantId: string;
    supplierId: string;
    accountId: string;
    productIds: string[];
    lockWaitMs: number;
  },
): Promise<PlacementContext> {
  const rows = await queryPrepared<{
    now_ms: number;
    restaurant_live: boolean;
    member: boolean;
    supplier_currency: string | null;
    id: string | null;
    supplier_id: string;
    sku: string;
    name: string;
    unit: string;
    price_cents: number;
    agreed_price_cents: number | null;
    currency: string;
    vat_category: VatCategory;
    stock_quantity: string | null;
    active: boolean;
  }>(
    tx,
    'orders.lock_for_placement',
    sql`WITH cfg AS MATERIALIZED (SELECT set_config('lock_timeout', ${`${p.lockWaitMs}ms`}, true) AS lock_timeout),
      locked AS (
        SELECT ${products.id}, ${products.supplierId}, ${products.sku}, ${products.name}, ${products.unit},
          ${products.priceCents}, ${products.currency}, ${products.vatCategory},
          ${products.stockQuantity}::text AS stock_quantity, ${products.active},
          (SELECT ${priceAgreements.priceCents} FROM ${priceAgreements}
            WHERE ${priceAgreements.restaurantId} = ${p.restaurantId} AND ${priceAgreements.productId} = ${products.id}
              AND ${priceAgreements.currency} = ${products.currency} AND ${priceAgreements.deletedAt} IS NULL
              AND ${priceAgreements.validFrom} <= (now() AT TIME ZONE 'Europe/Stockholm')::date
              AND (${priceAgreements.validUntil} IS NULL OR ${priceAgreements.validUntil} >= (now() AT TIME ZONE 'Europe/Stockholm')::date)) AS agreed_price_cents
        FROM ${products}, cfg
        WHERE ${products.id} = ANY(${sql.param(p.productIds)}::uuid[]) AND ${products.deletedAt} IS NULL AND cfg.lock_timeout IS NOT NULL
        ORDER BY ${products.id}
        FOR UPDATE OF ${products})
    SELECT (extract(epoch FROM now()) * 1000)::float8 AS now_ms,
      EXISTS (SELECT 1 FROM ${restaurants} WHERE ${restaurants.id} = ${p.restaurantId} AND ${restaurants.deletedAt} IS NULL) AS restaurant_live,
      EXISTS (SELECT 1 FROM ${restaurantMembers} WHERE ${restaurantMembers.accountId} = ${p.accountId}
                AND ${restaurantMembers.orgId} = ${p.restaurantId} AND ${restaurantMembers.deletedAt} IS NULL) AS member,
      (SELECT ${suppliers.defaultCurrency} FROM ${suppliers} WHERE ${suppliers.id} = ${p.supplierId} AND ${suppliers.deletedAt} IS NULL) AS supplier_currency,
      locked.*
    FROM (SELECT 1) AS one LEFT JOIN locked ON true
    ORDER BY locked.id`,
  );
  const first = rows[0];
  if (!first) throw new Error('placement context returned no row');
  return {
    restaurantLive: first.restaurant_live,
    member: first.member,
    supplierCurrency: first.supplier_currency,
    now: new Date(Math.floor(first.now_ms)),
    products: rows.flatMap((r) =>
      r.id === null
        ? []
        : [
            {
              id: r.id,
              supplierId: r.supplier_id,
              sku: r.sku,
              name: r.name,
              unit: r.unit,
              priceCents: r.agreed_price_cents ?? r.price_cents,
              agreed: r.agreed_price_cents !== null,
              currency: r.currency,
              vatCategory: r.vat_category,
              stockQuantity: r.stock_quantity,
              active: r.active,
            },
          ],
    ),
  };
}

/**
 * Moves tracked stock (negative = take), as a write for `writeTogether`; the CHECK refuses to go below zero.
 * The changes travel as two array parameters, so the statement's text is the same for any number of them.
 */
function stockChange(changes: { productId: string; delta: string }[]): PendingWrite {
  // The rows are already locked (in id order) by the caller.
  return sql`UPDATE ${products} SET stock_quantity = ${products.stockQuantity} + v.delta
    FROM unnest(${sql.param(changes.map((c) => c.productId))}::uuid[], ${sql.param(changes.map((c) => c.delta))}::numeric[]) AS v (id, delta)
    WHERE ${products.id} = v.id AND ${products.stockQuantity} IS NOT NULL
    RETURNING ${products.id}`;
}

/**
 * Inserts an order's lines from array parameters (one per column), so the text never depends on their number.
 * The enum array travels as text[]: PGlite cannot serialise an array of a custom type.
 */
function linesInsert(orderId: string, lines: PlacedLine[]): PendingWrite {
  const column = <T>(pick: (l: PlacedLine) => T) => sql.param(lines.map(pick));
  return sql`INSERT INTO ${orderLines} (order_id, line_no, product_id, sku, name, unit, quantity, unit_price_cents,
      vat_category, vat_rate_bp, net_cents, stock_taken)
    SELECT ${orderId}::uuid, l.* FROM unnest(
      ${column((l) => l.lineNo)}::int[], ${column((l) => l.productId)}::uuid[], ${column((l) => l.sku)}::text[],
      ${column((l) => l.name)}::text[], ${column((l) => l.unit)}::text[], ${column((l) => l.quantity)}::numeric[],
      ${column((l) => l.unitPriceCents)}::int[], ${column((l) => l.vatCategory)}::text[]::vat_category[],
      ${column((l) => l.vatRateBp)}::int[], ${column((l) => l.netCents)}::bigint[], ${column((l) => l.stockTaken)}::boolean[]
    ) AS l
    RETURNING ${orderLines.id}`;
}

/** Moves tracked stock of rows the caller already locked (in id order); the CHECK refuses to go below zero. */
export async function adjustStock(
  tx: Transaction,
  changes: { productId: string; delta: string }[],
): Promise<void> {
  if (changes.length > 0) await tx.execute(stockChange(changes).getSQL());
}

export async function insertHistory(
  tx: Transaction,
  values: typeof orderStatusHistory.$inferInsert,
): Promise<void> {
  await tx.insert(orderStatusHistory).values(values);
}

/**
 * Writes a placed order in one statement: the order (its id chosen by the caller), its lines, the stock taken,
 * the first status-history row, the outbox events, the audit row and the stored Idempotency-Key answer. Returns
 * how many rows the key's completion changed (0 = the key was taken over; the caller must roll back).
 */
export async function recordPlacement(
  tx: Transaction,
  p: {
    order: typeof orders.$inferInsert & { id: string };
    lines: PlacedLine[];
    stock: { productId: string; delta: string }[];
    history: typeof orderStatusHistory.$inferInsert;
    event: DomainEvent;
    audit: AuditInsert;
    completion: PendingWrite;
  },
): Promise<{ completed: number }> {
  // Every part is present on every call (empty arrays update nothing), so the text is always the same.
  const parts: Record<string, PendingWrite> = {
    order: tx.insert(orders).values(p.order).returning({ id: orders.id }),
    lines: linesInsert(p.order.id, p.lines),
    history: tx.insert(orderStatusHistory).values(p.history).returning({ id: orderStatusHistory.id }),
    audit: auditInsert(tx, p.audit),
    completed: p.completion,
    stock: stockChange(p.stock),
    event: outboxInsert(tx, [p.event]),
  };
  const written = await writeTogether(tx, parts, 'orders.record_placement');
  return { completed: written.completed ?? 0 };
}

export async function findOrder(ex: Executor, id: string): Promise<OrderRow | undefined> {
  const [row] = await ex
    .select()
    .from(orders)
    .where(and(eq(orders.id, id), isNull(orders.deletedAt)));
  return row;
}

export async function lockOrder(tx: Transaction, id: string): Promise<OrderRow | undefined> {
  const [row] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.id, id), isNull(orders.deletedAt)))
    .for('update');
  return row;
}

export async function linesOf(ex: Executor, orderId: string): Promise<OrderLineRow[]> {
  return ex.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.lineNo));
}

export async function linesOfMany(ex: Executor, orderIds: string[]): Promise<OrderLineRow[]> {
  if (orderIds.length === 0) return [];
  return ex
    .select()
    .from(orderLines)
    .where(inArray(orderLines.orderId, orderIds))
    .orderBy(asc(orderLines.orderId), asc(orderLines.lineNo));
}

export type StatusStamp = 'confirmedAt' | 'dispatchedAt' | 'deliveredAt' | 'invoicedAt' | 'cancelledAt';

/** What a status change may write besides the status: the settled VAT and frozen parties at `deliver`. */
export type StatusChangeValues = Partial<
  Pick<
    typeof orders.$inferInsert,
    | 'taxCents'
    | 'totalCents'
    | 'vatDate'
    | 'supplyDate'
    | 'paymentTermsDays'
    | 'dueDate'
    | 'seller'
    | 'buyer'
    | 'cancelReason'
  >
>;

/**
 * Compare-and-set: moves the order from `from` to `to` only if it is still in `from`, stamping the arrival time.
 * Undefined when another change got there first; the row lock makes that rare, this makes it impossible to
 * apply two changes from the same status.
 */
export async function updateStatus(
  tx: Transaction,
  p: {
    id: string;
    from: OrderStatus;
    to: OrderStatus;
    stamp: StatusStamp | undefined;
    at: Date;
    values: StatusChangeValues;
  },
): Promise<OrderRow | undefined> {
  const [row] = await tx
    .update(orders)
    .set({ ...p.values, status: p.to, ...(p.stamp ? { [p.stamp]: p.at } : {}) })
    .where(and(eq(orders.id, p.id), eq(orders.status, p.from), isNull(orders.deletedAt)))
    .returning();
  return row;
}

/** Sets each line's settled VAT rate (by line number), in one statement whatever their number. */
export async function settleLineRates(
  tx: Transaction,
  orderId: string,
  rates: { lineNo: number; vatRateBp: number }[],
): Promise<void> {
  if (rates.length === 0) return;
  await tx.execute(sql`UPDATE ${orderLines} SET vat_rate_bp = v.rate
    FROM unnest(${sql.param(rates.map((r) => r.lineNo))}::int[], ${sql.param(rates.map((r) => r.vatRateBp))}::int[]) AS v (line_no, rate)
    WHERE ${orderLines.orderId} = ${orderId} AND ${orderLines.lineNo} = v.line_no`);
}

export async function historyOf(ex: Executor, orderId: string) {
  return ex
    .select()
    .from(orderStatusHistory)
    .where(eq(orderStatusHistory.orderId, orderId))
    .orderBy(asc(orderStatusHistory.createdAt));
}

export interface OrderFilters {
  status?: OrderStatus | undefined;
  restaurantId?: string | undefined;
  supplierId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Restrict to orders of these restaurants or suppliers (the caller's memberships); undefined = all (admin). */
  scope?: { restaurantIds: string[]; supplierIds: string[] } | undefined;
}

export type OrderSort = { field: 'placed_at' | 'total_cents' | 'status'; descending: boolean };

export async function listOrders(
  ex: Executor,
  f: OrderFilters,
  sort: OrderSort[],
  page: Page,
): Promise<{ rows: OrderRow[]; total: number }> {
  const scope = f.scope
    ? sql`(${f.scope.restaurantIds.length ? inArray(orders.restaurantId, f.scope.restaurantIds) : sql`false`} OR ${
        f.scope.supplierIds.length ? inArray(orders.supplierId, f.scope.supplierIds) : sql`false`
      })`
    : undefined;
  const where: SQL | undefined = and(
    isNull(orders.deletedAt),
    scope,
    f.status ? eq(orders.status, f.status) : undefined,
    f.restaurantId ? eq(orders.restaurantId, f.restaurantId) : undefined,
    f.supplierId ? eq(orders.supplierId, f.supplierId) : undefined,
    f.from ? gte(orders.placedAt, f.from) : undefined,
    f.to ? lt(orders.placedAt, f.to) : undefined,
  );
  const columns = { placed_at: orders.placedAt, total_cents: orders.totalCents, status: orders.status };
  const rows = await ex
    .select()
    .from(orders)
    .where(where)
    .orderBy(
      ...sort.map((s) => (s.descending ? desc(columns[s.field]) : asc(columns[s.field]))),
      desc(orders.id),
    )
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await ex.select({ n: count() }).from(orders).where(where);
  return { rows, total: total?.n ?? 0 };
}
