import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import type { UserContext } from '../../src/core/context.js';
import { createPopularityService } from '../../src/domain/products/popularity.service.js';
import { productQuery } from '../../src/domain/products/products.schemas.js';
import { createProductService } from '../../src/domain/products/products.service.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';

/** The queries of the relevance issue that found nothing or the wrong thing, on a catalog holding their products. */
let ctx: TestContext;
let chef: TestUser;
let supplierUser: TestUser;
let supplierId: string;
let otherSupplierId: string;

const drinks = { unit: 'fl', category: 'Dryck', vat_category: 'alcohol', price_cents: 10000 };
const food = { unit: 'kg', category: 'Mejeri', vat_category: 'food', price_cents: 2000 };
const CATALOG = [
  { ...drinks, sku: 'TS-1', name: 'Talisker Storm Single Malt 45,8% 70cl', brand: 'Diageo' },
  { ...drinks, sku: 'TS-2', name: 'Talisker 10 YO Single Malt 70cl', brand: 'Diageo' },
  { ...drinks, sku: 'SP-1', name: 'Staropramen Premium 5% 50cl BRK', brand: 'Staropramen' },
  { ...drinks, sku: 'PN-1', name: 'Peroni Nastro Azzurro 5,1% 33cl 24-p', brand: 'Peroni' },
  { ...drinks, sku: 'FT-1', name: 'Fever-Tree Premium Indian Tonic 20cl', brand: 'Fever-Tree' },
  { ...drinks, sku: 'FT-2', name: 'Tree Top Äppeljuice 1 l', brand: 'Tree Top' },
  { ...drinks, sku: 'MB-1', name: 'Marie Brizard Sirap Vanilj 70cl', brand: 'Marie Brizard' },
  { ...drinks, sku: 'MB-2', name: 'Monin Sirap Vanilj 70cl', brand: 'Monin' },
  { ...drinks, sku: 'SM-1', name: 'Santa Margherita Pinot Grigio 75cl', brand: 'Santa Margherita' },
  { ...drinks, sku: 'LE-1', name: 'Leitz Eins Zwei Zero Riesling alkoholfri 75cl', brand: 'Leitz' },
  { ...food, sku: 'GR-1', name: 'Vispgrädde 36% 5 l', brand: 'Arla' },
  { ...food, sku: 'GR-2', name: 'Matlagningsgrädde 15% 1 l', brand: 'Arla' },
  { ...food, sku: 'GR-3', name: 'Grädde 40% 1 l', brand: 'Skånemejerier' },
  { ...food, sku: 'MJ-1', name: 'Standardmjölk 3% 1 l', brand: 'Arla' },
  { ...food, sku: 'MJ-2', name: 'Mellanmjölk 1,5% 1 l', brand: 'Arla' },
  { ...food, sku: 'MJ-3', name: 'Vitlök mjölig', brand: 'Svegro', category: 'Grönsaker' },
  { ...food, sku: 'KY-1', name: 'Kycklingfilé färsk', brand: 'Kronfågel', category: 'Kött' },
  { ...food, sku: 'KY-2', name: 'Kyckling hel fryst', brand: 'Kronfågel', category: 'Kött' },
  { ...food, sku: 'KY-3', name: 'Kycklinglår benfria', brand: 'Kronfågel', category: 'Kött' },
  { ...food, sku: 'KY-4', name: 'Kycklingvingar', brand: 'Kronfågel', category: 'Kött' },
  { ...food, sku: 'KY-5', name: 'Kycklingbröst', brand: 'Kronfågel', category: 'Kött' },
  { ...food, sku: 'LX-1', name: 'Laxfilé fryst', brand: 'Lerøy', category: 'Fisk' },
  { ...food, sku: 'IN-1', name: 'Talisker Storm presentförpackning', brand: 'Diageo', active: false },
];

beforeAll(async () => {
  ctx = await createTestContext();
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  supplierUser = await createUser(db, ctx.config, 'SUPPLIER');
  const otherUser = await createUser(db, ctx.config, 'SUPPLIER');
  supplierId = await createOrg(db, 'supplier', 'Dryck & Mejeri AB', [{ user: supplierUser, role: 'staff' }]);
  otherSupplierId = await createOrg(db, 'supplier', 'Annan AB', [{ user: otherUser, role: 'owner' }]);
  for (const [user, id, products] of [
    [supplierUser, supplierId, CATALOG],
    [
      otherUser,
      otherSupplierId,
      [{ ...drinks, sku: 'O-1', name: 'Talisker Storm Single Malt miniatyr 45,8% 5cl', brand: 'Diageo' }],
    ],
  ] as const) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products/bulk',
      headers: user.headers,
      payload: { supplier_id: id, products },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
});
afterAll(() => ctx.close());

type Page = {
  data: { sku: string }[];
  pagination: { total: number };
  search: { corrected_query: string | null; relaxed: boolean; unmatched_words: string[] };
};
const search = async (q: string, extra = '', user = chef): Promise<Page> => {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/products?q=${encodeURIComponent(q)}${extra}`,
    headers: user.headers,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const skus = (page: Page) => page.data.map((p) => p.sku);

describe('typos, as a dedicated search engine tolerates them', () => {
  it.each([
    ['taisker storm', 'TS-1', 'talisker storm'],
    ['straopramen', 'SP-1', 'staropramen'],
    ['pernoi nastro', 'PN-1', 'peroni nastro'],
    ['feier tree', 'FT-1', 'fever tree'],
    ['maire brizard', 'MB-1', 'marie brizard'],
    ['snata margherita', 'SM-1', 'santa margherita'],
    ['lietz eins', 'LE-1', 'leitz eins'],
    ['kyklingfile', 'KY-1', 'kycklingfile'],
  ])('%s finds %s first and says it searched for "%s"', async (q, sku, corrected) => {
    const page = await search(q);
    expect(skus(page)[0]).toBe(sku);
    expect(page.search.corrected_query).toBe(corrected);
    expect(page.search.relaxed).toBe(false);
  });

  it('leaves a query that needed no correction uncorrected', async () => {
    const page = await search('talisker storm');
    expect(skus(page)[0]).toBe('TS-1');
    expect(page.search.corrected_query).toBeNull();
  });
});

describe('Swedish compounds', () => {
  it.each(['grädde', 'gradde'])('%s finds the whole word first, then the compounds', async (q) => {
    const found = skus(await search(q));
    expect(found[0]).toBe('GR-3');
    expect(found.slice(1).sort()).toEqual(['GR-1', 'GR-2']);
  });

  it('mjolk finds every kind of milk before the mealy garlic (one typo from "mjol")', async () => {
    const found = skus(await search('mjolk'));
    expect(found.slice(0, 2).sort()).toEqual(['MJ-1', 'MJ-2']);
    expect(found.slice(2)).toEqual(['MJ-3']);
  });

  it('filé finds the fillets of every animal', async () => {
    expect(skus(await search('filé')).sort()).toEqual(['KY-1', 'LX-1']);
  });

  it('kyckling file ranks the compound the two words form first', async () => {
    expect(skus(await search('kyckling file'))[0]).toBe('KY-1');
  });
});

describe('relaxation instead of an empty page', () => {
  it('returns the products matching all but the unknown word, and says so', async () => {
    const page = await search('talisker storm xyzzy');
    expect(skus(page)).toEqual(['TS-1', 'O-1']);
    expect(page.search).toMatchObject({ relaxed: true, unmatched_words: ['xyzzy'] });
  });

  it('returns the products matching the most words, not those matching fewer', async () => {
    const page = await search('talisker storm monin');
    expect(page.search).toMatchObject({ relaxed: true, unmatched_words: ['monin'] });
    expect(skus(page)).toEqual(['TS-1', 'O-1']);
  });

  it('relaxes a query sorted by a field too', async () => {
    const page = await search('vanilj xyzzy', '&sort=name');
    expect(skus(page)).toEqual(['MB-1', 'MB-2']);
    expect(page.search).toMatchObject({ relaxed: true, unmatched_words: ['xyzzy'] });
  });

  it('still finds nothing for nonsense', async () => {
    expect((await search('xqzvwk')).pagination.total).toBe(0);
  });
});

describe('visibility and filters are unchanged', () => {
  it('never shows an inactive product to a restaurant, even through a typo or relaxation', async () => {
    expect(skus(await search('taisker storm'))).not.toContain('IN-1');
    expect(skus(await search('talisker presentforpackning xyzzy'))).not.toContain('IN-1');
    expect(skus(await search('talisker presentforpackning', '', supplierUser))).toContain('IN-1');
  });

  it('applies the supplier filter before ranking', async () => {
    expect(skus(await search('taisker storm', `&supplier_id=${otherSupplierId}`))).toEqual(['O-1']);
    expect(skus(await search('taisker storm', `&supplier_id=${supplierId}`))).toEqual(['TS-1']);
  });
});

describe('popularity', () => {
  it('orders equally good matches by how often they are ordered', async () => {
    expect(skus(await search('sirap vanilj'))).toEqual(['MB-2', 'MB-1']);
    await ctx.database.db.execute(sql`UPDATE products SET popularity = 7 WHERE sku = 'MB-1'`);
    const page = await search('sirap vanilj', '&limit=10');
    expect(skus(page)).toEqual(['MB-1', 'MB-2']);
    const [row] = await queryRows<{ untouched: boolean }>(
      ctx.database.db,
      sql`SELECT updated_at = created_at AS untouched FROM products WHERE sku = 'MB-1'`,
    );
    // Popularity is no edit of the product: updated_at stays.
    expect(row?.untouched).toBe(true);
  });
});

describe('the popularity job', () => {
  it('counts the recent, not cancelled, orders per product and writes only what changed', async () => {
    const db = ctx.database.db;
    const restaurant = await createOrg(db, 'restaurant', 'Populär Krog AB', [{ user: chef, role: 'owner' }]);
    const [product] = await queryRows<{ id: string }>(db, sql`SELECT id FROM products WHERE sku = 'MB-2'`);
    for (let i = 0; i < 3; i++) {
      const placed = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/orders',
        headers: { ...chef.headers, 'idempotency-key': `popularity-${String(i)}` },
        payload: {
          restaurant_id: restaurant,
          supplier_id: supplierId,
          lines: [{ product_id: product!.id, quantity: 1 }],
        },
      });
      expect(placed.statusCode).toBe(201);
    }
    const popularity = createPopularityService({ db });
    expect(await popularity.refresh()).toBeGreaterThanOrEqual(1);
    const [row] = await queryRows<{ popularity: number }>(
      db,
      sql`SELECT popularity FROM products WHERE sku = 'MB-2'`,
    );
    expect(row?.popularity).toBe(3);
    // Nothing changed since: the second refresh writes nothing.
    expect(await popularity.refresh()).toBe(0);
  });
});

type Db = TestContext['database']['db'];
/** The test database with its raw statements run through `execute` (counted, held back); the rest unchanged. */
const withExecute = (execute: (...args: Parameters<Db['execute']>) => unknown): Db =>
  new Proxy(ctx.database.db, {
    get(target, prop) {
      if (prop === 'execute') return execute;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });

describe('the same search arriving twice at once', () => {
  it('is answered by one trip to the database when the cache is on', async () => {
    let executed = 0;
    const real = ctx.database.db;
    const counted = withExecute((...args) => {
      executed += 1;
      return real.execute(...args);
    });
    // A still clock: the cache's once-a-second catalog check runs once, in the first search, never between the two.
    const service = createProductService({
      db: counted,
      cache: { ttlMs: 60_000, maxEntries: 100, maxAgeMs: 600_000 },
      now: () => 0,
    });
    const user = { principal: { role: 'RESTAURANT', accountId: chef.id } } as unknown as UserContext;
    const run = (limit: number) =>
      service.search(user, productQuery.parse({ q: 'kyckling', limit: String(limit) }));
    await run(5); // loads the dictionary and the word's stem
    executed = 0;
    await run(6);
    const alone = executed;
    executed = 0;
    const [a, b] = await Promise.all([run(7), run(7)]);
    expect(alone).toBeGreaterThan(0);
    expect(executed).toBe(alone);
    expect(b).toEqual(a);
  });
});

describe('the search cache', () => {
  const userOf = (user: TestUser) =>
    ({
      principal: { kind: 'user', role: user.role, accountId: user.id },
      requestId: 'test',
      ip: '127.0.0.1',
      userAgent: undefined,
    }) as unknown as UserContext;
  const priceOf = (page: { data: { sku: string; price_cents: number }[] }, sku: string) =>
    page.data.find((p) => p.sku === sku)?.price_cents;
  const idOf = async (sku: string) =>
    (
      await queryRows<{ id: string }>(
        ctx.database.db,
        sql`SELECT id FROM products WHERE sku = ${sku} AND supplier_id = ${supplierId}`,
      )
    )[0]?.id ?? '';

  it('computes a page again behind a hit in the last quarter of its life, never serving one past its TTL', async () => {
    let now = 1_000_000;
    const service = createProductService({
      db: ctx.database.db,
      cache: { ttlMs: 60_000, maxEntries: 100, maxAgeMs: 600_000 },
      now: () => now,
    });
    const run = () => service.search(userOf(chef), productQuery.parse({ q: 'laxfile', limit: '3' }));
    const first = await run();
    const before = priceOf(first, 'LX-1');
    expect(before).toBeDefined();
    // Another instance's write: this one's cache is not cleared by it.
    await ctx.database.db.execute(
      sql`UPDATE products SET price_cents = price_cents + 7 WHERE sku = 'LX-1' AND supplier_id = ${supplierId}`,
    );
    now += 30_000;
    expect(await run()).toBe(first); // half its life left: served as it is, nothing recomputed
    expect(priceOf(await run(), 'LX-1')).toBe(before);
    now += 20_000; // 10 s left: served, and computed again behind this hit
    expect(await run()).toBe(first);
    let refreshed = first;
    for (let i = 0; i < 200 && refreshed === first; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      refreshed = await run();
    }
    expect(priceOf(refreshed, 'LX-1')).toBe((before ?? 0) + 7);
  });

  it('does not keep a page read before a write that finished while the page was being made', async () => {
    let release: () => void = () => undefined;
    let held: Promise<void> | null = null;
    const real = ctx.database.db;
    // The search's statements return their rows only once released: what they read predates the write below.
    const gated = withExecute(async (...args) => {
      const result = await real.execute(...args);
      if (held) await held;
      return result;
    });
    // A still clock: the catalog check runs once, in the first search, never through the held statements.
    const service = createProductService({
      db: gated,
      cache: { ttlMs: 60_000, maxEntries: 100, maxAgeMs: 600_000 },
      now: () => 0,
    });
    const run = () => service.search(userOf(chef), productQuery.parse({ q: 'grädde', limit: '6' }));
    const before = priceOf(await service.search(userOf(chef), productQuery.parse({ q: 'grädde' })), 'GR-3');
    expect(before).toBeDefined();
    held = new Promise<void>((resolve) => (release = resolve));
    const reading = run();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await service.update(userOf(supplierUser), await idOf('GR-3'), { price_cents: (before ?? 0) + 11 });
    held = null;
    release();
    expect(priceOf(await reading, 'GR-3')).toBe(before);
    expect(priceOf(await run(), 'GR-3')).toBe((before ?? 0) + 11);
  });
});
