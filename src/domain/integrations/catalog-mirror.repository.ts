import { sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import { queryPrepared, queryRows } from '../../db/rows.js';
import type { PortalItem } from '../../connectors/connector.js';
import { parsePackSize, vatCategoryFor } from '../../connectors/normalise.js';

/**
 * Writes a sync's portal items into the connection's raw cache and the supplier's Iris catalog, set-based: one
 * statement per batch whatever its size (two when prices changed), and nothing written for an item that did not
 * change (an unchanged nightly sync touches no row, fires no trigger and updates no index). The batch travels as
 * typed arrays, parsed once for the cache and the products (a JSON batch cost three times as much CPU to parse).
 * Existing rows are found by one index probe per item (a LATERAL subquery kept apart by OFFSET 0): planned as a
 * join, the plan depends on the statistics of the moment and may read the connection's or supplier's whole catalog
 * for every batch (20,000 rows per 2,000 items). Only articles the probe did not find are offered to the insert,
 * whose ON CONFLICT guard keeps two syncs of one supplier (two restaurants' connections) from aborting or
 * duplicating a product: the later one then leaves the article to the earlier.
 */
export interface MirrorTarget {
  connectionId: string;
  supplierId: string;
  runId: string;
  fallbackCategory: string;
}

/** The last occurrence of an article wins, as it would have written last. */
const lastPerArticle = (items: PortalItem[]) => [...new Map(items.map((i) => [i.externalId, i])).values()];

/** One array parameter per column, in the order of `unnest` in the batch statement. */
function batchColumns(target: MirrorTarget, items: PortalItem[]) {
  const column = <T>(pick: (item: PortalItem) => T) => sql.param(items.map(pick));
  const categoryOf = (i: PortalItem) => i.category ?? target.fallbackCategory;
  return sql.join(
    [
      sql`${column((i) => i.externalId)}::text[]`,
      sql`${column((i) => i.name)}::text[]`,
      sql`${column((i) => i.brand)}::text[]`,
      sql`${column(categoryOf)}::text[]`,
      sql`${column((i) => vatCategoryFor(categoryOf(i), i.name))}::text[]::vat_category[]`,
      sql`${column((i) => i.unit)}::text[]`,
      sql`${column((i) => i.packText)}::text[]`,
      sql`${column((i) => parsePackSize(i.packText) ?? null)}::numeric[]`,
      sql`${column((i) => i.priceOre)}::int[]`,
      sql`${column((i) => i.priceText)}::text[]`,
      sql`${column((i) => i.comparisonText)}::text[]`,
      sql`${column((i) => i.gtin)}::text[]`,
      sql`${column((i) => i.available)}::boolean[]`,
      sql`${column((i) => i.orderable)}::boolean[]`,
    ],
    sql`, `,
  );
}

/**
 * The cache keeps the raw values as the portal showed them: a row is inserted, or updated only when a value
 * differs (or it was deactivated and is back); `seen_run_id`/`synced_at` therefore name the run that last changed
 * the row, and a run's "seen" set is the list of articles it read (the sync cursor carries it).
 *
 * The products: new articles inserted with their first price period, changed ones updated. Changes that leave the
 * searchable words alone (price, stock, pack, unit — the usual nightly difference) are written without naming the
 * word columns, so the search-dictionary trigger (`UPDATE OF name, brand, category, sku, gtin`) does not fire for
 * them. Returns the count of new products and the existing products whose price changed.
 */
const writeBatch = (target: MirrorTarget, items: PortalItem[]) => sql`
    WITH input AS (
      SELECT *, CASE WHEN available THEN NULL ELSE 0 END::numeric AS stock_quantity, orderable AS active,
        jsonb_build_object('price', price_text, 'pack', pack_text, 'comparison', comparison, 'brand', brand) AS raw
      FROM unnest(${batchColumns(target, items)})
        AS r(sku, name, brand, category, vat_category, unit, pack_text, pack_size, price_cents, price_text, comparison,
             gtin, available, orderable)
    ), cached AS (
      SELECT c.id, c.differs, i.* FROM input i CROSS JOIN LATERAL (
        SELECT c.id,
          (c.name, c.price_cents, c.unit, c.pack_text, c.gtin, c.available, c.orderable, c.raw, c.active)
            IS DISTINCT FROM (i.name, i.price_cents, i.unit, i.pack_text, i.gtin, i.available, i.orderable, i.raw, true)
            AS differs
        FROM supplier_catalog_cache c
        WHERE c.connection_id = ${target.connectionId}::uuid AND c.product_external_id = i.sku
        OFFSET 0) c
    ), cache_inserted AS (
      INSERT INTO supplier_catalog_cache
        (connection_id, product_external_id, name, price_cents, unit, pack_text, gtin, available, orderable, raw, active, seen_run_id, synced_at)
      SELECT ${target.connectionId}::uuid, sku, name, price_cents, unit, pack_text, gtin, available, orderable, raw, true, ${target.runId}::uuid, now()
      FROM input i WHERE NOT EXISTS (SELECT 1 FROM cached WHERE cached.sku = i.sku)
      ON CONFLICT (connection_id, product_external_id) DO NOTHING
    ), cache_updated AS (
      UPDATE supplier_catalog_cache c SET
        name = i.name, price_cents = i.price_cents, unit = i.unit, pack_text = i.pack_text, gtin = i.gtin,
        available = i.available, orderable = i.orderable, raw = i.raw, active = true,
        seen_run_id = ${target.runId}::uuid, synced_at = now()
      FROM cached i WHERE c.id = i.id AND i.differs
    ), prev AS (
      SELECT p.id, p.old_price, i.*, p.words_changed, p.terms_changed FROM input i CROSS JOIN LATERAL (
        SELECT p.id, p.price_cents AS old_price,
          (p.name, p.brand, p.category, p.gtin) IS DISTINCT FROM (i.name, i.brand, i.category, i.gtin) AS words_changed,
          (p.unit, p.pack_size, p.price_cents, p.stock_quantity, p.active)
            IS DISTINCT FROM (i.unit, i.pack_size, i.price_cents, i.stock_quantity, i.active) AS terms_changed
        FROM products p
        WHERE p.supplier_id = ${target.supplierId}::uuid AND p.sku = i.sku AND p.deleted_at IS NULL
        OFFSET 0) p
    ), inserted AS (
      INSERT INTO products (supplier_id, sku, name, brand, category, vat_category, unit, pack_size, price_cents, gtin, stock_quantity, active)
      SELECT ${target.supplierId}::uuid, i.sku, i.name, i.brand, i.category, i.vat_category, i.unit, i.pack_size, i.price_cents,
             i.gtin, i.stock_quantity, i.active
      FROM input i WHERE NOT EXISTS (SELECT 1 FROM prev WHERE prev.sku = i.sku)
      ON CONFLICT (supplier_id, sku) WHERE deleted_at IS NULL DO NOTHING
      RETURNING id, price_cents
    ), first_periods AS (
      INSERT INTO product_prices (product_id, price_cents, currency, valid_from)
      SELECT id, price_cents, 'SEK', now() FROM inserted
      RETURNING 1
    ), renamed AS (
      UPDATE products p SET name = c.name, brand = c.brand, category = c.category, gtin = c.gtin, unit = c.unit,
        pack_size = c.pack_size, price_cents = c.price_cents, stock_quantity = c.stock_quantity, active = c.active
      FROM prev c WHERE p.id = c.id AND c.words_changed
      RETURNING p.id, p.price_cents, c.old_price
    ), adjusted AS (
      UPDATE products p SET unit = c.unit, pack_size = c.pack_size, price_cents = c.price_cents,
        stock_quantity = c.stock_quantity, active = c.active
      FROM prev c WHERE p.id = c.id AND NOT c.words_changed AND c.terms_changed
      RETURNING p.id, p.price_cents, c.old_price
    ), repriced AS (
      SELECT id, price_cents FROM renamed WHERE price_cents IS DISTINCT FROM old_price
      UNION ALL SELECT id, price_cents FROM adjusted WHERE price_cents IS DISTINCT FROM old_price
    )
    SELECT n.inserted, r.id, r.price_cents
    FROM (SELECT count(*)::int AS inserted FROM first_periods) n LEFT JOIN repriced r ON true`;

/**
 * Writes one batch of portal items (one page or several): raw cache, Iris products and the first price period of
 * each new product in one statement; then, for every product whose price really changed, the open period closed
 * and a new one opened (one current period per product).
 */
export async function upsertCatalogBatch(
  tx: Transaction,
  target: MirrorTarget,
  items: PortalItem[],
): Promise<{ priceChanges: number; inserted: number }> {
  if (items.length === 0) return { priceChanges: 0, inserted: 0 };
  const rows = await queryPrepared<{ inserted: number; id: string | null; price_cents: number | null }>(
    tx,
    'mirror.write_batch',
    writeBatch(target, lastPerArticle(items)),
  );
  const repriced = rows.filter((r): r is { inserted: number; id: string; price_cents: number } => r.id !== null);
  if (repriced.length > 0) {
    const ids = sql.param(repriced.map((r) => r.id));
    await tx.execute(sql`
      UPDATE product_prices SET valid_to = now() WHERE valid_to IS NULL AND product_id = ANY(${ids}::uuid[])`);
    await tx.execute(sql`
      INSERT INTO product_prices (product_id, price_cents, currency, valid_from)
      SELECT c.product_id, c.price_cents, 'SEK', now()
      FROM unnest(${ids}::uuid[], ${sql.param(repriced.map((r) => r.price_cents))}::int[]) AS c(product_id, price_cents)`);
  }
  return { priceChanges: repriced.length, inserted: rows[0]?.inserted ?? 0 };
}

/**
 * Ends a sync run: the connection's active cache rows whose article the run did not read (a set difference
 * against `seen`) are deactivated, and so are the supplier's Iris products behind them — unless another
 * restaurant's live mirror still lists the article. Products are never deleted.
 */
export async function deactivateUnseen(
  tx: Transaction,
  target: { connectionId: string; supplierId: string },
  seen: readonly string[],
): Promise<number> {
  const gone = await queryRows<{ product_external_id: string }>(
    tx,
    sql`
    UPDATE supplier_catalog_cache SET active = false
    WHERE connection_id = ${target.connectionId}::uuid AND active
      AND product_external_id NOT IN (SELECT unnest(${sql.param([...seen])}::text[]))
    RETURNING product_external_id`,
  );
  if (gone.length === 0) return 0;
  const skus = gone.map((r) => r.product_external_id);
  const result = await queryRows<{ id: string }>(
    tx,
    sql`
    UPDATE products p SET active = false
    WHERE p.supplier_id = ${target.supplierId}::uuid AND p.deleted_at IS NULL AND p.active
      AND p.sku = ANY(${sql.param(skus)}::text[])
      AND NOT EXISTS (
        SELECT 1 FROM supplier_catalog_cache c JOIN supplier_connections sc ON sc.id = c.connection_id
        WHERE c.product_external_id = p.sku AND c.active AND sc.supplier_key = (
          SELECT supplier_key FROM supplier_connections WHERE id = ${target.connectionId}::uuid)
          AND c.connection_id <> ${target.connectionId}::uuid AND sc.status = 'active')
    RETURNING p.id`,
  );
  return result.length;
}

export async function countCache(ex: Executor, connectionId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    ex,
    sql`SELECT count(*)::int AS n FROM supplier_catalog_cache WHERE connection_id = ${connectionId}::uuid AND active`,
  );
  return row?.n ?? 0;
}
