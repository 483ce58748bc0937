import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { PortalItem } from '../../src/connectors/connector.js';
import { queryRows } from '../../src/db/rows.js';
import * as mirror from '../../src/domain/integrations/catalog-mirror.repository.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser } from '../helpers/identity.js';

/**
 * The catalog mirror's batch write on its own, against two restaurants' connections to one supplier: both write the
 * supplier's Iris catalog, possibly at the same moment.
 */
let ctx: TestContext;
let supplierId: string;
const connections: string[] = [];

const item = (n: number, priceOre = 1000 + n): PortalItem => ({
  externalId: `A${String(n).padStart(5, '0')}`,
  name: `Vara ${n}`,
  brand: n % 3 === 0 ? null : 'Märke',
  category: n % 2 === 0 ? 'Mejeri' : null,
  packText: '12x1 l',
  priceText: `${priceOre / 100} kr/st`,
  priceOre,
  unit: 'st',
  comparisonText: n % 4 === 0 ? null : 'jmf',
  gtin: n % 5 === 0 ? null : `7310000${String(n).padStart(6, '0')}`,
  available: n % 7 !== 0,
  orderable: n % 11 !== 0,
});
const items = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => item(from + i));
const target = (connectionId: string) => ({
  connectionId,
  supplierId,
  runId: randomUUID(),
  fallbackCategory: 'Övrigt',
});
const write = (connectionId: string, batch: PortalItem[]) =>
  ctx.database.db.transaction((tx) => mirror.upsertCatalogBatch(tx, target(connectionId), batch));

async function catalogState() {
  const [row] = await queryRows<{
    products: number;
    skus: number;
    periods: number;
    open: number;
    cache: number;
  }>(
    ctx.database.db,
    sql`SELECT
      (SELECT count(*)::int FROM products WHERE supplier_id = ${supplierId}::uuid) AS products,
      (SELECT count(DISTINCT sku)::int FROM products WHERE supplier_id = ${supplierId}::uuid) AS skus,
      (SELECT count(*)::int FROM product_prices pp JOIN products p ON p.id = pp.product_id
        WHERE p.supplier_id = ${supplierId}::uuid) AS periods,
      (SELECT count(*)::int FROM product_prices pp JOIN products p ON p.id = pp.product_id
        WHERE p.supplier_id = ${supplierId}::uuid AND pp.valid_to IS NULL AND pp.price_cents = p.price_cents) AS open,
      (SELECT count(*)::int FROM supplier_catalog_cache WHERE connection_id = ANY(${sql.param(connections)}::uuid[])) AS cache`,
  );
  return row!;
}

beforeAll(async () => {
  ctx = await createTestContext();
  const db = ctx.database.db;
  supplierId = await createOrg(db, 'supplier', 'Grossisten AB');
  for (const name of ['Krogen Norr AB', 'Krogen Söder AB']) {
    const owner = await createUser(db, ctx.config, 'RESTAURANT');
    const restaurantId = await createOrg(db, 'restaurant', name, [{ user: owner, role: 'owner' }]);
    const [row] = await queryRows<{ id: string }>(
      db,
      sql`INSERT INTO supplier_connections
            (restaurant_id, supplier_key, status, consent_given_at, consent_text_version, consent_account_id)
          VALUES (${restaurantId}::uuid, 'menigo', 'active', now(), 'test', ${owner.id}::uuid) RETURNING id`,
    );
    connections.push(row!.id);
  }
});

afterAll(async () => {
  await ctx.close();
});

describe('catalog mirror batch write', () => {
  it('writes one product and one price period per article when two connections write the same articles at once', async () => {
    const [north, south] = connections as [string, string];
    // The first writer holds its new rows uncommitted while the second offers the same articles: the second waits
    // for the first and leaves those articles to it instead of aborting on the unique key or duplicating them.
    let started!: () => void;
    const firstWrote = new Promise<void>((resolve) => (started = resolve));
    const first = ctx.database.db.transaction(async (tx) => {
      const result = await mirror.upsertCatalogBatch(tx, target(north), items(0, 300));
      started();
      await new Promise((resolve) => setTimeout(resolve, 200));
      return result;
    });
    const second = firstWrote.then(() => write(south, items(200, 400)));
    const [a, b] = await Promise.all([first, second]);
    expect(a).toEqual({ inserted: 300, priceChanges: 0 });
    expect(b).toEqual({ inserted: 100, priceChanges: 0 });
    expect(await catalogState()).toEqual({ products: 400, skus: 400, periods: 400, open: 400, cache: 500 });

    const again = await Promise.all([write(north, items(0, 300)), write(south, items(200, 400))]);
    expect(again).toEqual([
      { inserted: 0, priceChanges: 0 },
      { inserted: 0, priceChanges: 0 },
    ]);
    expect(await catalogState()).toEqual({ products: 400, skus: 400, periods: 400, open: 400, cache: 500 });
  });

  it('opens a new price period only for a real price change, and keeps the raw values in the cache', async () => {
    const [north] = connections as [string, string];
    const repriced = items(0, 300).map((i, n) => (n % 10 === 0 ? item(n, i.priceOre + 50) : i));
    expect(await write(north, repriced)).toEqual({ inserted: 0, priceChanges: 30 });
    expect(await catalogState()).toEqual({ products: 400, skus: 400, periods: 430, open: 400, cache: 500 });

    const [cached] = await queryRows<{ price_cents: number; raw: unknown; active: boolean }>(
      ctx.database.db,
      sql`SELECT price_cents, raw, active FROM supplier_catalog_cache
          WHERE connection_id = ${north}::uuid AND product_external_id = 'A00020'`,
    );
    expect(cached).toEqual({
      price_cents: 1070,
      raw: { price: '10.7 kr/st', pack: '12x1 l', comparison: null, brand: 'Märke' },
      active: true,
    });
    const [product] = await queryRows<{
      price_cents: number;
      category: string;
      stock_quantity: string | null;
    }>(
      ctx.database.db,
      sql`SELECT price_cents, category, stock_quantity FROM products
          WHERE supplier_id = ${supplierId}::uuid AND sku = 'A00021'`,
    );
    expect(product).toEqual({ price_cents: 1021, category: 'Övrigt', stock_quantity: '0.000' });
  });
});
