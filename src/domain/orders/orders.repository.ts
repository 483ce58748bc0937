import { and, asc, count, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import type { OrderStatus } from '../../core/events.js';
import type { Page } from '../../core/pagination.js';
import { queryRows } from '../../db/rows.js';
import { restaurantMembers, restaurants, suppliers } from '../organisations/organisations.models.js';
import { products } from '../products/products.models.js';
import { type OrderLineRow, type OrderRow, orderLines, orders, orderStatusHistory } from './orders.models.js';

export interface PlacementContext {
  restaurantLive: boolean;
  member: boolean;
  /** The live supplier's order currency; null when the supplier does not exist or is deleted. */
  supplierCurrency: string | null;
}

/**
 * Everything placement checks before locking products, in one round trip: whether the restaurant is live and
 * the caller a member of it, the supplier's currency — and it bounds this transaction's row-lock waits
 * (transaction-local, so safe behind a pooler), so a placement stuck behind a long import fails fast and
 * releases its Idempotency-Key instead of outliving the 90 s claim.
 */
export async function placementContext(
  tx: Transaction,
  p: { restaurantId: string; supplierId: string; accountId: string; lockWaitMs: number },
): Promise<PlacementContext> {
  const [row] = await queryRows<{
    restaurant_live: boolean;
    member: boolean;
    supplier_currency: string | null;
  }>(
    tx,
    sql`SELECT set_config('lock_timeout', ${`${p.lockWaitMs}ms`}, true) AS lock_timeout,
      EXISTS (SELECT 1 FROM ${restaurants} WHERE ${restaurants.id} = ${p.restaurantId} AND ${restaurants.deletedAt} IS NULL) AS restaurant_live,
      EXISTS (SELECT 1 FROM ${restaurantMembers} WHERE ${restaurantMembers.accountId} = ${p.accountId}
                AND ${restaurantMembers.orgId} = ${p.restaurantId} AND ${restaurantMembers.deletedAt} IS NULL) AS member,
      (SELECT ${suppliers.defaultCurrency} FROM ${suppliers} WHERE ${suppliers.id} = ${p.supplierId} AND ${suppliers.deletedAt} IS NULL) AS supplier_currency`,
  );
  return {
    restaurantLive: row?.restaurant_live ?? false,
    member: row?.member ?? false,
    supplierCurrency: row?.supplier_currency ?? null,
  };
}

export async function insertOrder(tx: Transaction, values: typeof orders.$inferInsert): Promise<OrderRow> {
  const [row] = await tx.insert(orders).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function insertLines(
  tx: Transaction,
  values: (typeof orderLines.$inferInsert)[],
): Promise<OrderLineRow[]> {
  return tx.insert(orderLines).values(values).returning();
}

export async function insertHistory(
  tx: Transaction,
  values: typeof orderStatusHistory.$inferInsert,
): Promise<void> {
  await tx.insert(orderStatusHistory).values(values);
}

/** Moves tracked stock by `deltaMilli` thousandths (negative = take); the CHECK refuses to go below zero. */
export async function adjustStock(
  tx: Transaction,
  changes: { productId: string; delta: string }[],
): Promise<void> {
  if (changes.length === 0) return;
  // One statement for all lines; the rows are already locked (in id order) by the caller.
  const values = sql.join(
    changes.map((c) => sql`(${c.productId}::uuid, ${c.delta}::numeric)`),
    sql`, `,
  );
  await tx.execute(sql`UPDATE ${products} SET stock_quantity = ${products.stockQuantity} + v.delta
    FROM (VALUES ${values}) AS v (id, delta)
    WHERE ${products.id} = v.id AND ${products.stockQuantity} IS NOT NULL`);
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

export async function updateStatus(
  tx: Transaction,
  id: string,
  to: OrderStatus,
  stamp: 'confirmedAt' | 'dispatchedAt' | 'deliveredAt' | 'invoicedAt' | 'cancelledAt' | undefined,
  reason: string | null,
): Promise<OrderRow> {
  const [row] = await tx
    .update(orders)
    .set({
      status: to,
      ...(stamp ? { [stamp]: sql`now()` } : {}),
      ...(to === 'cancelled' ? { cancelReason: reason } : {}),
    })
    .where(eq(orders.id, id))
    .returning();
  if (!row) throw new Error('order vanished under lock');
  return row;
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
