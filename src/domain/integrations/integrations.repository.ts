import { vatNumberOf } from '../organisations/org-number.js';
import { and, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import type { PortalItem } from '../../connectors/connector.js';
import { parsePackSize, vatCategoryFor } from '../../connectors/normalise.js';
import { suppliers } from '../organisations/organisations.models.js';
import {
  type ConnectionRow,
  type ConnectorRow,
  supplierConnections,
  supplierConnectors,
  supplierSessionSecrets,
} from './integrations.models.js';

type ConnectionInsert = typeof supplierConnections.$inferInsert;

export async function findConnection(
  ex: Executor,
  restaurantId: string,
  supplierKey: string,
): Promise<ConnectionRow | undefined> {
  const [row] = await ex
    .select()
    .from(supplierConnections)
    .where(
      and(
        eq(supplierConnections.restaurantId, restaurantId),
        eq(supplierConnections.supplierKey, supplierKey),
        isNull(supplierConnections.deletedAt),
      ),
    );
  return row;
}

export async function findConnectionById(ex: Executor, id: string): Promise<ConnectionRow | undefined> {
  const [row] = await ex
    .select()
    .from(supplierConnections)
    .where(and(eq(supplierConnections.id, id), isNull(supplierConnections.deletedAt)));
  return row;
}

/** A restaurant has one connection per supplier; connecting again reuses (and resets) it. */
export async function upsertConnection(tx: Transaction, values: ConnectionInsert): Promise<ConnectionRow> {
  const [row] = await tx
    .insert(supplierConnections)
    .values(values)
    .onConflictDoUpdate({
      target: [supplierConnections.restaurantId, supplierConnections.supplierKey],
      targetWhere: sql`${supplierConnections.deletedAt} IS NULL`,
      set: {
        status: values.status,
        scopes: values.scopes,
        consentGivenAt: values.consentGivenAt,
        consentTextVersion: values.consentTextVersion,
        consentAccountId: values.consentAccountId,
        sessionExpiresAt: values.sessionExpiresAt ?? null,
        syncCursor: null,
        disconnectedAt: null,
      },
    })
    .returning();
  if (!row) throw new Error('connection upsert returned nothing');
  return row;
}

export async function updateConnection(
  ex: Executor,
  id: string,
  patch: Partial<ConnectionInsert>,
): Promise<ConnectionRow | undefined> {
  const [row] = await ex
    .update(supplierConnections)
    .set(patch)
    .where(eq(supplierConnections.id, id))
    .returning();
  return row;
}

export async function saveSecret(
  tx: Transaction,
  values: {
    connectionId: string;
    kekId: string;
    wrappedDataKey: string;
    ciphertext: string;
    expiresAt: Date;
  },
): Promise<void> {
  await tx
    .insert(supplierSessionSecrets)
    .values(values)
    .onConflictDoUpdate({
      target: supplierSessionSecrets.connectionId,
      set: {
        kekId: values.kekId,
        wrappedDataKey: values.wrappedDataKey,
        ciphertext: values.ciphertext,
        expiresAt: values.expiresAt,
      },
    });
}

export async function findLiveSecret(ex: Executor, connectionId: string, now: Date) {
  const [row] = await ex
    .select()
    .from(supplierSessionSecrets)
    .where(
      and(eq(supplierSessionSecrets.connectionId, connectionId), gt(supplierSessionSecrets.expiresAt, now)),
    );
  return row;
}

/** Destroys the sealed session for good (a hard delete: the secret must not linger in a soft-deleted row). */
export async function destroySecret(ex: Executor, connectionId: string): Promise<boolean> {
  const rows = await ex
    .delete(supplierSessionSecrets)
    .where(eq(supplierSessionSecrets.connectionId, connectionId))
    .returning({ id: supplierSessionSecrets.id });
  return rows.length > 0;
}

/** Active connections whose session has run out become `expired` and lose their secret. Returns their ids. */
export async function expireSessions(tx: Transaction, now: Date): Promise<string[]> {
  const rows = await tx
    .update(supplierConnections)
    .set({ status: 'expired', syncCursor: null })
    .where(and(eq(supplierConnections.status, 'active'), lte(supplierConnections.sessionExpiresAt, now)))
    .returning({ id: supplierConnections.id });
  for (const { id } of rows) await destroySecret(tx, id);
  return rows.map((r) => r.id);
}

/** The portal ended this session early: the connection becomes `expired` and its secret is destroyed. */
export async function expireConnection(tx: Transaction, id: string): Promise<void> {
  await tx
    .update(supplierConnections)
    .set({ status: 'expired', syncCursor: null })
    .where(eq(supplierConnections.id, id));
  await destroySecret(tx, id);
}

export async function liveConnections(ex: Executor, now: Date): Promise<ConnectionRow[]> {
  return ex
    .select()
    .from(supplierConnections)
    .where(
      and(
        eq(supplierConnections.status, 'active'),
        gt(supplierConnections.sessionExpiresAt, now),
        isNull(supplierConnections.deletedAt),
      ),
    )
    .orderBy(supplierConnections.supplierKey, supplierConnections.id);
}

export async function findConnector(ex: Executor, supplierKey: string): Promise<ConnectorRow | undefined> {
  const [row] = await ex
    .select()
    .from(supplierConnectors)
    .where(eq(supplierConnectors.supplierKey, supplierKey));
  return row;
}

/** The Iris supplier a connector's products belong to, created on first use from the configured org number. */
export async function ensureConnector(
  tx: Transaction,
  supplierKey: string,
  supplier: { legalName: string; orgNumber: string },
): Promise<ConnectorRow> {
  const existing = await findConnector(tx, supplierKey);
  if (existing) return existing;
  const [found] = await tx
    .select({ id: suppliers.id })
    .from(suppliers)
    .where(and(eq(suppliers.orgNumber, supplier.orgNumber), isNull(suppliers.deletedAt)));
  const supplierId =
    found?.id ??
    (
      await tx
        .insert(suppliers)
        .values({ ...supplier, vatNumber: vatNumberOf(supplier.orgNumber) })
        .returning({ id: suppliers.id })
    )[0]?.id;
  if (!supplierId) throw new Error('supplier insert returned nothing');
  await tx.insert(supplierConnectors).values({ supplierKey, supplierId }).onConflictDoNothing();
  const row = await findConnector(tx, supplierKey);
  if (!row) throw new Error('connector row missing after insert');
  return row;
}

export async function setConnectorHealth(
  ex: Executor,
  supplierKey: string,
  verdict: { health: 'healthy' | 'degraded'; brokenSelectors: string[]; selectorMapVersion: string },
): Promise<void> {
  await ex
    .update(supplierConnectors)
    .set({ ...verdict, checkedAt: sql`now()` })
    .where(eq(supplierConnectors.supplierKey, supplierKey));
}

const rowsParam = (rows: unknown[]) => sql`${JSON.stringify(rows)}::jsonb`;

/** Both drivers (pg, PGlite) answer a raw statement with `{ rows }`. */
async function query<T>(ex: Executor, statement: ReturnType<typeof sql>): Promise<T[]> {
  const answer: unknown = await ex.execute(statement);
  return (answer as { rows: T[] }).rows;
}

/**
 * Writes one catalog page: the raw values into the connection's cache and the normalised products into the
 * supplier's Iris catalog (inserted, or updated only where something changed), then opens a new price period
 * for every product whose price really changed. Three statements for the whole page.
 */
export async function upsertCatalogPage(
  tx: Transaction,
  target: { connectionId: string; supplierId: string; runId: string; fallbackCategory: string },
  items: PortalItem[],
): Promise<{ priceChanges: number; inserted: number }> {
  if (items.length === 0) return { priceChanges: 0, inserted: 0 };
  const unique = [...new Map(items.map((i) => [i.externalId, i])).values()];
  const rows = unique.map((i) => ({
    sku: i.externalId,
    name: i.name,
    brand: i.brand,
    category: i.category ?? target.fallbackCategory,
    vat_category: vatCategoryFor(i.category ?? target.fallbackCategory, i.name),
    unit: i.unit,
    pack_text: i.packText,
    pack_size: parsePackSize(i.packText) ?? null,
    price_cents: i.priceOre,
    gtin: i.gtin,
    available: i.available,
    orderable: i.orderable,
    raw: { price: i.priceText, pack: i.packText, comparison: i.comparisonText, brand: i.brand },
  }));
  await tx.execute(sql`
    INSERT INTO supplier_catalog_cache
      (connection_id, product_external_id, name, price_cents, unit, pack_text, gtin, available, orderable, raw, active, seen_run_id, synced_at)
    SELECT ${target.connectionId}::uuid, r.sku, r.name, r.price_cents, r.unit, r.pack_text, r.gtin, r.available, r.orderable, r.raw, true, ${target.runId}::uuid, now()
    FROM jsonb_to_recordset(${rowsParam(rows)}) AS r(sku text, name text, price_cents int, unit text, pack_text text, gtin text, available boolean, orderable boolean, raw jsonb)
    ON CONFLICT (connection_id, product_external_id) DO UPDATE SET
      name = excluded.name, price_cents = excluded.price_cents, unit = excluded.unit, pack_text = excluded.pack_text,
      gtin = excluded.gtin, available = excluded.available, orderable = excluded.orderable, raw = excluded.raw,
      active = true, seen_run_id = excluded.seen_run_id, synced_at = now()`);
  const result = await query<{ id: string; price_cents: number; old_price: number | null }>(
    tx,
    sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${rowsParam(rows)})
        AS r(sku text, name text, brand text, category text, vat_category vat_category, unit text, pack_size numeric, price_cents int, gtin text, available boolean, orderable boolean)
    ), prev AS (
      SELECT p.id, p.sku, p.price_cents FROM products p JOIN input i ON i.sku = p.sku
      WHERE p.supplier_id = ${target.supplierId}::uuid AND p.deleted_at IS NULL
    ), up AS (
      INSERT INTO products (supplier_id, sku, name, brand, category, vat_category, unit, pack_size, price_cents, gtin, stock_quantity, active)
      SELECT ${target.supplierId}::uuid, sku, name, brand, category, vat_category, unit, pack_size, price_cents, gtin,
             CASE WHEN available THEN NULL ELSE 0 END, orderable
      FROM input
      ON CONFLICT (supplier_id, sku) WHERE deleted_at IS NULL DO UPDATE SET
        name = excluded.name, brand = excluded.brand, category = excluded.category, unit = excluded.unit,
        pack_size = excluded.pack_size, price_cents = excluded.price_cents, gtin = excluded.gtin,
        stock_quantity = excluded.stock_quantity, active = excluded.active
      WHERE (products.name, products.brand, products.category, products.unit, products.pack_size, products.price_cents,
             products.gtin, products.stock_quantity, products.active)
        IS DISTINCT FROM (excluded.name, excluded.brand, excluded.category, excluded.unit, excluded.pack_size,
             excluded.price_cents, excluded.gtin, excluded.stock_quantity, excluded.active)
      RETURNING id, sku, price_cents
    )
    SELECT up.id, up.price_cents, prev.price_cents AS old_price FROM up LEFT JOIN prev ON prev.sku = up.sku`,
  );
  const changed = result.filter((r) => r.old_price === null || r.old_price !== r.price_cents);
  if (changed.length > 0) {
    const periods = changed.map((r) => ({
      product_id: r.id,
      price_cents: r.price_cents,
      is_new: r.old_price === null,
    }));
    await tx.execute(sql`
      UPDATE product_prices pp SET valid_to = now()
      FROM jsonb_to_recordset(${rowsParam(periods)}) AS c(product_id uuid, price_cents int, is_new boolean)
      WHERE pp.product_id = c.product_id AND pp.valid_to IS NULL AND NOT c.is_new`);
    await tx.execute(sql`
      INSERT INTO product_prices (product_id, price_cents, currency, valid_from)
      SELECT c.product_id, c.price_cents, 'SEK', now()
      FROM jsonb_to_recordset(${rowsParam(periods)}) AS c(product_id uuid, price_cents int)`);
  }
  return {
    priceChanges: changed.filter((r) => r.old_price !== null).length,
    inserted: changed.filter((r) => r.old_price === null).length,
  };
}

/**
 * Ends a sync run: cache rows not seen in it are deactivated, and so are the supplier's Iris products behind
 * them — unless another restaurant's live mirror still lists the article. Products are never deleted.
 */
export async function deactivateUnseen(
  tx: Transaction,
  target: { connectionId: string; supplierId: string; runId: string },
): Promise<number> {
  const gone = await query<{ product_external_id: string }>(
    tx,
    sql`
    UPDATE supplier_catalog_cache SET active = false
    WHERE connection_id = ${target.connectionId}::uuid AND active AND seen_run_id <> ${target.runId}::uuid
    RETURNING product_external_id`,
  );
  if (gone.length === 0) return 0;
  const skus = gone.map((r) => r.product_external_id);
  const result = await query<{ id: string }>(
    tx,
    sql`
    UPDATE products p SET active = false
    WHERE p.supplier_id = ${target.supplierId}::uuid AND p.deleted_at IS NULL AND p.active
      AND p.sku IN (SELECT jsonb_array_elements_text(${JSON.stringify(skus)}::jsonb))
      AND NOT EXISTS (
        SELECT 1 FROM supplier_catalog_cache c JOIN supplier_connections sc ON sc.id = c.connection_id
        WHERE c.product_external_id = p.sku AND c.active AND sc.supplier_key = (
          SELECT supplier_key FROM supplier_connections WHERE id = ${target.connectionId}::uuid)
          AND c.connection_id <> ${target.connectionId}::uuid AND sc.status = 'active')
    RETURNING p.id`,
  );
  return result.length;
}

/** Supplier article numbers for Iris product ids of this supplier (cart prefill from Iris lines). */
export async function skusForProducts(ex: Executor, supplierId: string, productIds: string[]) {
  if (productIds.length === 0) return new Map<string, string>();
  const result = await query<{ id: string; sku: string }>(
    ex,
    sql`
    SELECT id, sku FROM products WHERE supplier_id = ${supplierId}::uuid
      AND id IN (SELECT (jsonb_array_elements_text(${JSON.stringify(productIds)}::jsonb))::uuid)`,
  );
  return new Map(result.map((r) => [r.id, r.sku]));
}

export async function countCache(ex: Executor, connectionId: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    ex,
    sql`SELECT count(*)::int AS n FROM supplier_catalog_cache WHERE connection_id = ${connectionId}::uuid AND active`,
  );
  return row?.n ?? 0;
}

/** Events of this connection that enqueue connector jobs (the event id is the job id), from the last two days. */
export async function jobEventIds(ex: Executor, connectionId: string): Promise<string[]> {
  const rows = await query<{ id: string }>(
    ex,
    sql`
    SELECT id FROM outbox_events
    WHERE aggregate_type = 'supplier_connection' AND aggregate_id = ${connectionId}::uuid
      AND event_type IN ('connector.connected', 'connector.sync_requested', 'connector.cart_prefilled')
      AND created_at > now() - interval '2 days'`,
  );
  return rows.map((r) => r.id);
}
