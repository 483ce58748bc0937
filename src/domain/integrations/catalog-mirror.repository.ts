import { sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import { queryRows } from '../../db/rows.js';
import type { PortalItem } from '../../connectors/connector.js';
import { parsePackSize, vatCategoryFor } from '../../connectors/normalise.js';

/**
 * Writes a sync's portal items into the connection's raw cache and the supplier's Iris catalog, set-based: a few
 * statements per batch whatever its size, and nothing written for an item that did not change (an unchanged
 * nightly sync touches no row, fires no trigger and updates no index). Existing rows are found by one index probe
 * per item (a LATERAL subquery kept apart by OFFSET 0): planned as a join, the plan depends on the statistics of the
 * moment and may read the connection's or supplier's whole catalog for every batch (20,000 rows per 2,000 items).
 */
export interface MirrorTarget {
  connectionId: string;
  supplierId: string;
  runId: string;
  fallbackCategory: string;
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/** The last occurrence of an article wins, as it would have written last. */
const lastPerArticle = (items: PortalItem[]) => [...new Map(items.map((i) => [i.externalId, i])).values()];

/**
 * The raw values as the portal showed them. A row is inserted, or updated only when a value differs (or it was
 * deactivated and is back); `seen_run_id`/`synced_at` therefore name the run that last changed the row, and a run's
 * "seen" set is the list of articles it read (the sync cursor carries it), not a stamp on every row.
 */
async function writeCache(tx: Transaction, target: MirrorTarget, items: PortalItem[]): Promise<void> {
  const rows = items.map((i) => ({
    sku: i.externalId,
    name: i.name,
    price_cents: i.priceOre,
    unit: i.unit,
    pack_text: i.packText,
    gtin: i.gtin,
    available: i.available,
    orderable: i.orderable,
    raw: { price: i.priceText, pack: i.packText, comparison: i.comparisonText, brand: i.brand },
  }));
  await tx.execute(sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${json(rows)})
        AS r(sku text, name text, price_cents int, unit text, pack_text text, gtin text, available boolean, orderable boolean, raw jsonb)
    ), inserted AS (
      INSERT INTO supplier_catalog_cache
        (connection_id, product_external_id, name, price_cents, unit, pack_text, gtin, available, orderable, raw, active, seen_run_id, synced_at)
      SELECT ${target.connectionId}::uuid, sku, name, price_cents, unit, pack_text, gtin, available, orderable, raw, true, ${target.runId}::uuid, now()
      FROM input
      ON CONFLICT (connection_id, product_external_id) DO NOTHING
    ), changed AS (
      SELECT found.id, i.* FROM input i CROSS JOIN LATERAL (
        SELECT c.id FROM supplier_catalog_cache c
        WHERE c.connection_id = ${target.connectionId}::uuid AND c.product_external_id = i.sku
          AND (c.name, c.price_cents, c.unit, c.pack_text, c.gtin, c.available, c.orderable, c.raw, c.active)
            IS DISTINCT FROM (i.name, i.price_cents, i.unit, i.pack_text, i.gtin, i.available, i.orderable, i.raw, true)
        OFFSET 0) found
    )
    UPDATE supplier_catalog_cache c SET
      name = i.name, price_cents = i.price_cents, unit = i.unit, pack_text = i.pack_text, gtin = i.gtin,
      available = i.available, orderable = i.orderable, raw = i.raw, active = true,
      seen_run_id = ${target.runId}::uuid, synced_at = now()
    FROM changed i WHERE c.id = i.id`);
}

/**
 * The supplier's Iris products: new articles inserted, changed ones updated. Changes that leave the searchable
 * words alone (price, stock, pack, unit — the usual nightly difference) are written without naming the word
 * columns, so the search-dictionary trigger (`UPDATE OF name, brand, category, sku, gtin`) does not fire for them.
 * Returns the products whose price is new or different, with the price they had.
 */
async function writeProducts(tx: Transaction, target: MirrorTarget, items: PortalItem[]) {
  const rows = items.map((i) => {
    const category = i.category ?? target.fallbackCategory;
    return {
      sku: i.externalId,
      name: i.name,
      brand: i.brand,
      category,
      vat_category: vatCategoryFor(category, i.name),
      unit: i.unit,
      pack_size: parsePackSize(i.packText) ?? null,
      price_cents: i.priceOre,
      gtin: i.gtin,
      stock_quantity: i.available ? null : 0,
      active: i.orderable,
    };
  });
  return queryRows<{ id: string; price_cents: number; old_price: number | null }>(
    tx,
    sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${json(rows)})
        AS r(sku text, name text, brand text, category text, vat_category vat_category, unit text, pack_size numeric,
             price_cents int, gtin text, stock_quantity int, active boolean)
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
    )
    SELECT id, price_cents, NULL::int AS old_price FROM inserted
    UNION ALL SELECT id, price_cents, old_price FROM renamed WHERE price_cents IS DISTINCT FROM old_price
    UNION ALL SELECT id, price_cents, old_price FROM adjusted WHERE price_cents IS DISTINCT FROM old_price`,
  );
}

/**
 * Writes one batch of portal items (one page or several): raw cache, Iris products, and a new price period for
 * every product whose price really changed (the open one closed first: one current period per product).
 */
export async function upsertCatalogBatch(
  tx: Transaction,
  target: MirrorTarget,
  items: PortalItem[],
): Promise<{ priceChanges: number; inserted: number }> {
  if (items.length === 0) return { priceChanges: 0, inserted: 0 };
  const unique = lastPerArticle(items);
  await writeCache(tx, target, unique);
  const changed = await writeProducts(tx, target, unique);
  if (changed.length > 0) {
    const repriced = changed.filter((r) => r.old_price !== null).map((r) => r.id);
    if (repriced.length > 0) {
      await tx.execute(sql`
        UPDATE product_prices SET valid_to = now()
        WHERE valid_to IS NULL AND product_id IN (SELECT (jsonb_array_elements_text(${json(repriced)}))::uuid)`);
    }
    const periods = changed.map((r) => ({ product_id: r.id, price_cents: r.price_cents }));
    await tx.execute(sql`
      INSERT INTO product_prices (product_id, price_cents, currency, valid_from)
      SELECT c.product_id, c.price_cents, 'SEK', now()
      FROM jsonb_to_recordset(${json(periods)}) AS c(product_id uuid, price_cents int)`);
  }
  const priceChanges = changed.filter((r) => r.old_price !== null).length;
  return { priceChanges, inserted: changed.length - priceChanges };
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
      AND product_external_id NOT IN (SELECT jsonb_array_elements_text(${json(seen)}))
    RETURNING product_external_id`,
  );
  if (gone.length === 0) return 0;
  const skus = gone.map((r) => r.product_external_id);
  const result = await queryRows<{ id: string }>(
    tx,
    sql`
    UPDATE products p SET active = false
    WHERE p.supplier_id = ${target.supplierId}::uuid AND p.deleted_at IS NULL AND p.active
      AND p.sku IN (SELECT jsonb_array_elements_text(${json(skus)}))
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
