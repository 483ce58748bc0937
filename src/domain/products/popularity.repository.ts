import { sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import { queryRows } from '../../db/rows.js';

/**
 * Sets `products.popularity` to the number of orders (not cancelled) placed in the last `days` days that contain
 * the product, writing only products whose count changed, at most `batch` of them in id order (the order product
 * locks are always taken in, so this never deadlocks with order placement). Returns how many it wrote.
 */
export async function refreshPopularity(ex: Executor, days: number, batch: number): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    ex,
    sql`WITH counts AS (
          SELECT ol.product_id, count(DISTINCT ol.order_id)::int AS n
          FROM order_lines ol JOIN orders o ON o.id = ol.order_id
          WHERE o.placed_at >= now() - make_interval(days => ${days}::int) AND o.status <> 'cancelled'
          GROUP BY ol.product_id
        ), changed AS (
          SELECT c.product_id AS id, c.n FROM counts c JOIN products p ON p.id = c.product_id
          WHERE p.popularity <> c.n
          UNION ALL
          SELECT p.id, 0 FROM products p
          WHERE p.popularity > 0 AND NOT EXISTS (SELECT 1 FROM counts c WHERE c.product_id = p.id)
        ), batch AS (
          SELECT id, n FROM changed ORDER BY id LIMIT ${batch}::int
        ), written AS (
          UPDATE products p SET popularity = batch.n FROM batch WHERE p.id = batch.id RETURNING 1
        )
        SELECT count(*)::int AS n FROM written`,
  );
  return rows[0]?.n ?? 0;
}
