import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserContext } from '../../src/core/context.js';
import { queryRows } from '../../src/db/rows.js';
import { createCatalogWritesService } from '../../src/domain/products/catalog-writes.service.js';
import { productQuery } from '../../src/domain/products/products.schemas.js';
import { createProductService } from '../../src/domain/products/products.service.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { bulkUpsert, vegetable } from '../helpers/products.js';

/**
 * The search cache keeps a page past its TTL only while no catalog write committed since the page was computed
 * (catalog_writes, migration 0033), whoever wrote: here the writes are raw SQL, as another instance or a worker.
 */
let ctx: TestContext;
let chef: TestUser;
let supplierId: string;
let owner: TestUser;

beforeAll(async () => {
  ctx = await createTestContext();
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  owner = await createUser(db, ctx.config, 'SUPPLIER');
  supplierId = await createOrg(db, 'supplier', 'Revalidering AB', [{ user: owner, role: 'owner' }]);
  await addVegetables([
    ['RV-1', 'Rödbetor hela 2,5 kg'],
    ['RV-2', 'Rödbetor skivade 2,5 kg'],
    ['RV-3', 'Rödbetor tärnade 2,5 kg'],
  ]);
});
afterAll(() => ctx.close());

/** Writes products through the API's own product service: another instance, as far as a test's service knows. */
const addVegetables = (items: [sku: string, name: string][]) =>
  bulkUpsert(
    ctx.app,
    owner,
    supplierId,
    items.map(([sku, name], i) => vegetable(sku, name, i)),
  );

const user = () =>
  ({
    principal: { kind: 'user', role: chef.role, accountId: chef.id },
    requestId: 'test',
    ip: '127.0.0.1',
    userAgent: undefined,
  }) as unknown as UserContext;

type Page = { data: { sku: string; price_cents: number; stock_quantity: number | null }[] };
const row = (page: Page, sku: string) => page.data.find((p) => p.sku === sku);
const write = (statement: ReturnType<typeof sql>) => ctx.database.db.execute(statement);
const notes = async () =>
  (await queryRows<{ n: number }>(ctx.database.db, sql`SELECT count(*)::int AS n FROM catalog_writes`))[0]
    ?.n ?? 0;

/** A product service on a clock the test moves: TTL 60 s, kept at most 150 s. */
function cachedService() {
  const clock = { now: 5_000_000 };
  const service = createProductService({
    db: ctx.database.db,
    cache: { ttlMs: 60_000, maxEntries: 100, maxAgeMs: 150_000 },
    now: () => clock.now,
  });
  const search = async (q: string, filters: Record<string, string> = {}) =>
    (await service.search(user(), productQuery.parse({ q, ...filters }))) as Page;
  return { clock, search };
}

function cachedSearch(q: string) {
  const { clock, search } = cachedService();
  return { clock, run: () => search(q) };
}

describe('search pages past their TTL', () => {
  it('are kept, not computed again, while no catalog write committed', async () => {
    const { clock, run } = cachedSearch('rödbetor hela');
    const first = await run();
    expect(row(first, 'RV-1')).toBeDefined();
    clock.now += 61_000;
    expect(await run()).toBe(first);
    clock.now += 61_000;
    expect(await run()).toBe(first);
  });

  it('are computed again after a write another instance committed', async () => {
    const { clock, run } = cachedSearch('rödbetor skivade');
    const first = await run();
    const before = row(first, 'RV-2')?.price_cents ?? 0;
    await write(
      sql`UPDATE products SET price_cents = price_cents + 5 WHERE sku = 'RV-2' AND supplier_id = ${supplierId}`,
    );
    clock.now += 30_000;
    expect(await run()).toBe(first); // within the TTL: as before the cache's bound
    clock.now += 31_000;
    expect(row(await run(), 'RV-2')?.price_cents).toBe(before + 5);
  });

  it('see a write that was still uncommitted while the page was being computed', async () => {
    const { clock, run } = cachedSearch('rödbetor tärnade');
    await run();
    let commit: () => void = () => undefined;
    let updated: () => void = () => undefined;
    const wasUpdated = new Promise<void>((resolve) => (updated = resolve));
    const writing = ctx.database.db.transaction(async (tx) => {
      await tx.execute(
        sql`UPDATE products SET price_cents = 4242 WHERE sku = 'RV-3' AND supplier_id = ${supplierId}`,
      );
      updated();
      await new Promise<void>((resolve) => (commit = resolve));
    });
    await wasUpdated;
    // Past the TTL: the check sees no committed write (this one is still open), so the page is kept as it was.
    clock.now += 61_000;
    const during = await run();
    expect(row(during, 'RV-3')?.price_cents).not.toBe(4242);
    commit();
    await writing;
    clock.now += 61_000;
    expect(row(await run(), 'RV-3')?.price_cents).toBe(4242);
  });

  it('have their stock read again at SEARCH_CACHE_MAX_AGE_MS, since catalog_writes does not note it', async () => {
    const { clock, run } = cachedSearch('rödbetor hela');
    const first = await run();
    const noted = await notes();
    await write(
      sql`UPDATE products SET stock_quantity = 7 WHERE sku = 'RV-1' AND supplier_id = ${supplierId}`,
    );
    await write(
      sql`UPDATE products SET popularity = popularity + 1 WHERE sku = 'RV-1' AND supplier_id = ${supplierId}`,
    );
    expect(await notes()).toBe(noted);
    clock.now += 61_000;
    expect(await run()).toBe(first);
    clock.now += 61_000;
    expect(await run()).toBe(first);
    clock.now += 61_000; // 183 s old: past the maximum age
    expect(row(await run(), 'RV-1')?.stock_quantity).toBe(7);
  });

  it('are ranked again only at the ranking age: a restock keeps the order', async () => {
    const { clock, search } = cachedService();
    const order = (page: Page) => page.data.map((p) => p.sku).filter((sku) => sku.startsWith('RV-'));
    const first = await search('rödbetor');
    expect(order(first)).toEqual(['RV-1', 'RV-2', 'RV-3']); // equal matches: the shorter name first
    // The popularity job's write is not a noted catalog write, and it would put RV-3 first.
    await write(sql`UPDATE products SET popularity = 50 WHERE sku = 'RV-3' AND supplier_id = ${supplierId}`);
    await write(
      sql`UPDATE products SET stock_quantity = 11 WHERE sku = 'RV-3' AND supplier_id = ${supplierId}`,
    );
    for (let i = 0; i < 3; i += 1) {
      clock.now += 61_000;
      await search('rödbetor');
    }
    const restocked = await search('rödbetor'); // 183 s old: stock read again, order kept
    expect(order(restocked)).toEqual(['RV-1', 'RV-2', 'RV-3']);
    expect(row(restocked, 'RV-3')?.stock_quantity).toBe(11);
    clock.now += 480_000; // 663 s: past any page's ranking age (RANKING_MAX_AGE_MS)
    await search('rödbetor');
    expect(order(await search('rödbetor'))).toEqual(['RV-3', 'RV-1', 'RV-2']);
    await write(sql`UPDATE products SET popularity = 0 WHERE sku = 'RV-3' AND supplier_id = ${supplierId}`);
  });

  it('filtered by stock are computed again at SEARCH_CACHE_MAX_AGE_MS, not restocked', async () => {
    const { clock, search } = cachedService();
    const ask = () => search('rödbetor', { in_stock: 'true' });
    expect(row(await ask(), 'RV-2')).toBeDefined();
    await write(
      sql`UPDATE products SET stock_quantity = 0 WHERE sku = 'RV-2' AND supplier_id = ${supplierId}`,
    );
    clock.now += 61_000;
    expect(row(await ask(), 'RV-2')).toBeDefined(); // kept: stock is not a noted write
    clock.now += 61_000;
    await ask();
    clock.now += 61_000; // 183 s: past the maximum age
    expect(row(await ask(), 'RV-2')).toBeUndefined();
    await write(
      sql`UPDATE products SET stock_quantity = 100 WHERE sku = 'RV-2' AND supplier_id = ${supplierId}`,
    );
  });
});

describe('a catalog check that finds another instance’s write', () => {
  it('brings that write’s new words into typo matching before the next page is computed', async () => {
    const { clock, search } = cachedService();
    await search('rödbetor hela'); // loads the vocabulary
    await addVegetables([['RV-4', 'Romanesco 1 kg']]);
    // Past the check interval but well within the vocabulary's own refresh period (DICTIONARY_REFRESH_MS).
    clock.now += 2_000;
    const page = await search('romansco');
    expect(row(page, 'RV-4')?.sku).toBe('RV-4');
  });
});

describe('catalog_writes', () => {
  it('notes one row per writing transaction, for inserts, content updates and deletes', async () => {
    const before = await notes();
    await ctx.database.db.transaction(async (tx) => {
      await tx.execute(
        sql`UPDATE products SET name = name WHERE sku = 'RV-1' AND supplier_id = ${supplierId}`,
      );
      await tx.execute(
        sql`UPDATE products SET active = active WHERE sku = 'RV-2' AND supplier_id = ${supplierId}`,
      );
    });
    expect(await notes()).toBe(before + 1);
    await write(sql`DELETE FROM products WHERE sku = 'NOPE' AND supplier_id = ${supplierId}`);
    expect(await notes()).toBe(before + 2);
  });

  it('is pruned of notes an hour after the prune job first saw them committed', async () => {
    const prune = () => createCatalogWritesService({ db: ctx.database.db }).prune();
    await prune(); // stamps the notes of the tests above
    // A note seen two hours ago goes. A note of a transaction that began two hours ago but was not seen yet (it
    // committed just now, say) stays, stamped, for another hour.
    await write(
      sql`INSERT INTO catalog_writes (xid, seen_at) VALUES ('1'::xid8, now() - interval '2 hours')`,
    );
    await write(
      sql`INSERT INTO catalog_writes (xid, created_at) VALUES ('2'::xid8, now() - interval '2 hours')`,
    );
    const before = await notes();
    expect(await prune()).toBe(1);
    expect(await notes()).toBe(before - 1);
    const [late] = await queryRows<{ seen: boolean }>(
      ctx.database.db,
      sql`SELECT seen_at IS NOT NULL AS seen FROM catalog_writes WHERE xid = '2'::xid8`,
    );
    expect(late?.seen).toBe(true);
  });
});
