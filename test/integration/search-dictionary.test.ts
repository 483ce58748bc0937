import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { SearchDictionary } from '../../src/domain/products/search-dictionary.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';

/**
 * The search dictionary (`search_terms`) holds every lexeme of every product's search vector that begins with three
 * letters, whichever path wrote the product: a bulk insert (fed once per statement, migration 0032) or an edit of
 * a word column (fed per row).
 */
let ctx: TestContext;
let owner: TestUser;
let supplierId: string;

const product = (sku: string, name: string, brand: string) => ({
  sku,
  name,
  brand,
  category: 'Ordlista',
  unit: 'kg',
  price_cents: 1000,
  vat_category: 'food',
});

/** The supplier's lexemes the dictionary should hold but does not. */
const missingWords = () =>
  queryRows<{ lexeme: string }>(
    ctx.database.db,
    sql`SELECT DISTINCT lexeme FROM products, unnest(products.search_vector)
        WHERE supplier_id = ${supplierId}::uuid AND lexeme ~ '^[a-z]{3,}'
          AND NOT EXISTS (SELECT 1 FROM search_terms t WHERE t.term = lexeme)`,
  );

/** Whether the dictionary holds the word as the search vector stores it (folded, stemmed). */
async function inDictionary(word: string) {
  const rows = await queryRows(
    ctx.database.db,
    sql`SELECT 1 FROM search_terms
        WHERE term = (SELECT lexeme FROM unnest(to_tsvector('swedish', iris_fold(${word}))) LIMIT 1)`,
  );
  return rows.length > 0;
}

beforeAll(async () => {
  ctx = await createTestContext();
  owner = await createUser(ctx.database.db, ctx.config, 'SUPPLIER');
  supplierId = await createOrg(ctx.database.db, 'supplier', 'Ordlista Grossist AB', [
    { user: owner, role: 'owner' },
  ]);
});

afterAll(async () => {
  await ctx.close();
});

describe('search dictionary', () => {
  it('gets every word of a bulk insert, once per statement, and the words of a renamed product', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products/bulk',
      headers: owner.headers,
      payload: {
        supplier_id: supplierId,
        products: [
          product('ORD-1', 'Zwyrkorv rökt', 'Qlaxbryggeriet'),
          product('ORD-2', 'Zwyrkorv grillad', 'Qlaxbryggeriet'),
          product('ORD-3', 'Fjuxost lagrad', 'Mejeri Vreng'),
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await inDictionary('zwyrkorv')).toBe(true);
    expect(await inDictionary('qlaxbryggeriet')).toBe(true);
    expect(await missingWords()).toEqual([]);

    const [row] = await queryRows<{ id: string }>(
      ctx.database.db,
      sql`SELECT id FROM products WHERE supplier_id = ${supplierId}::uuid AND sku = 'ORD-3'`,
    );
    expect(await inDictionary('plommonbrie')).toBe(false);
    const renamed = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/products/${row!.id}`,
      headers: owner.headers,
      payload: { name: 'Plommonbrie lagrad' },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await inDictionary('plommonbrie')).toBe(true);
    expect(await missingWords()).toEqual([]);
  });
});

describe('the in-memory search dictionary', () => {
  it('reads a term whose transaction committed long after it began, once it has committed', async () => {
    const dictionary = new SearchDictionary(ctx.database.db);
    await dictionary.ready();
    let commit: () => void = () => undefined;
    let inserted: () => void = () => undefined;
    const wasInserted = new Promise<void>((resolve) => (inserted = resolve));
    // A transaction that began two minutes ago (a long connector sync, say): its term carries that start time.
    const writing = ctx.database.db.transaction(async (tx) => {
      await tx.execute(
        sql`INSERT INTO search_terms (term, created_at) VALUES ('kohlrabi', now() - interval '2 minutes')`,
      );
      inserted();
      await new Promise<void>((resolve) => (commit = resolve));
    });
    await wasInserted;
    // Meanwhile other terms commit and the dictionary reads them: its window moves past the long one's start.
    await ctx.database.db.execute(sql`INSERT INTO search_terms (term) VALUES ('pastinacka')`);
    dictionary.invalidate();
    await dictionary.ready();
    expect(dictionary.has('pastinacka')).toBe(true);
    expect(dictionary.has('kohlrabi')).toBe(false);
    commit();
    await writing;
    dictionary.invalidate();
    await dictionary.ready();
    expect(dictionary.has('kohlrabi')).toBe(true);
  });
});
