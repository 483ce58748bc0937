import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { priceAt } from '../../src/domain/products/products.repository.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';

let ctx: TestContext;
let admin: TestUser;
let supplierUser: TestUser;
let otherSupplierUser: TestUser;
let chef: TestUser;
let supplierId: string;
let otherSupplierId: string;
const ids: Record<string, string> = {};

const base = { unit: 'kg', category: 'Kött & fågel', vat_category: 'food' };
const CATALOG = [
  {
    sku: 'KF-1001',
    name: 'Kycklingfilé färsk',
    brand: 'Kronfågel',
    price_cents: 12900,
    gtin: '7310000000010',
  },
  { sku: 'KF-1002', name: 'Kycklinglårfilé fryst', brand: 'Kronfågel', price_cents: 9900, storage: 'frozen' },
  {
    sku: 'GR-2001',
    name: 'Gul lök',
    brand: 'Svegro',
    category: 'Grönsaker',
    price_cents: 1500,
    stock_quantity: 0,
  },
  {
    sku: 'GR-2002',
    name: 'Rödlök',
    brand: 'Svegro',
    category: 'Grönsaker',
    price_cents: 2200,
    stock_quantity: 40,
  },
  {
    sku: 'ME-3001',
    name: 'Mellanmjölk 1,5%',
    brand: 'Arla',
    category: 'Mejeri',
    unit: 'l',
    price_cents: 1290,
  },
  {
    sku: 'ME-3002',
    name: 'Smör normalsaltat',
    brand: 'Arla',
    category: 'Mejeri',
    unit: 'förp',
    price_cents: 5490,
    active: false,
  },
];

beforeAll(async () => {
  ctx = await createTestContext();
  const db = ctx.database.db;
  admin = await createUser(db, ctx.config, 'ADMIN');
  supplierUser = await createUser(db, ctx.config, 'SUPPLIER');
  otherSupplierUser = await createUser(db, ctx.config, 'SUPPLIER');
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  supplierId = await createOrg(db, 'supplier', 'Martin Grossist AB', [{ user: supplierUser, role: 'staff' }]);
  otherSupplierId = await createOrg(db, 'supplier', 'Annan Grossist AB', [
    { user: otherSupplierUser, role: 'owner' },
  ]);
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/products/bulk',
    headers: supplierUser.headers,
    payload: { supplier_id: supplierId, products: CATALOG.map((p) => ({ ...base, ...p })) },
  });
  expect(res.statusCode, res.body).toBe(200);
  for (const p of res.json().products) ids[p.sku] = p.id;
});
afterAll(() => ctx.close());

const search = async (user: TestUser, query: string) => {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/v1/products?${query}`,
    headers: user.headers,
  });
  return res;
};
const skus = async (user: TestUser, query: string) =>
  (await search(user, query)).json().data.map((p: { sku: string }) => p.sku);

describe('search relevance', () => {
  it.each([
    ['q=kycklingfile', 'KF-1001'],
    ['q=Kycklingfil%C3%A9', 'KF-1001'],
    ['q=lok', 'GR-2001'],
    ['q=kyckl%20fryst', 'KF-1002'],
    ['q=kycklingfle', 'KF-1001'],
    ['q=mellanmjolk', 'ME-3001'],
    ['q=arla', 'ME-3001'],
    ['q=KF-10', 'KF-1001'],
    ['q=7310000000010', 'KF-1001'],
  ])('%s finds %s first', async (query, sku) => {
    const found = await skus(chef, query);
    expect(found[0]).toBe(sku);
  });

  it('ranks by relevance and reports an exact total', async () => {
    const res = await search(chef, 'q=kyckling');
    expect(
      res
        .json()
        .data.map((p: { sku: string }) => p.sku)
        .sort(),
    ).toEqual(['KF-1001', 'KF-1002']);
    expect(res.json().pagination).toEqual({ limit: 50, offset: 0, total: 2, total_exact: true });
  });

  it('finds nothing for nonsense', async () => {
    expect(await skus(chef, 'q=xqzvwk')).toEqual([]);
    expect(await skus(chef, 'q=%21%21%21')).toEqual([]);
  });
});

describe('filters, sorting and pagination', () => {
  it('filters by category, price and stock', async () => {
    expect(await skus(chef, `category=${encodeURIComponent('Grönsaker')}&sort=price_cents`)).toEqual([
      'GR-2001',
      'GR-2002',
    ]);
    expect(await skus(chef, 'min_price_cents=2000&max_price_cents=10000&sort=-price_cents')).toEqual([
      'KF-1002',
      'GR-2002',
    ]);
    expect(await skus(chef, `category=${encodeURIComponent('Grönsaker')}&in_stock=true`)).toEqual([
      'GR-2002',
    ]);
    expect(await skus(chef, `supplier_id=${otherSupplierId}`)).toEqual([]);
  });

  it('sorts by several fields', async () => {
    expect(await skus(chef, 'sort=-created_at,name')).toHaveLength(5);
    expect(await skus(chef, 'sort=name')).toEqual(['GR-2001', 'KF-1001', 'KF-1002', 'ME-3001', 'GR-2002']);
  });

  it('paginates with an envelope', async () => {
    const res = await search(chef, 'limit=2&offset=2&sort=name');
    expect(res.json().data.map((p: { sku: string }) => p.sku)).toEqual(['KF-1002', 'ME-3001']);
    expect(res.json().pagination).toEqual({ limit: 2, offset: 2, total: 5, total_exact: true });
  });

  it.each([
    ['limit=201', 'limit'],
    ['limit=0', 'limit'],
    ['sort=price', 'sort'],
    ['sort=relevance', 'query.sort'],
    ['min_price_cents=500&max_price_cents=100', 'query.min_price_cents'],
    ['in_stock=maybe', 'in_stock'],
    ['color=red', 'color'],
  ])('rejects %s', async (query, path) => {
    const res = await search(chef, query);
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path.replace(/^querystring\./, ''))).toContain(
      path,
    );
  });
});

describe('visibility', () => {
  it('hides inactive products from restaurants but shows them to their supplier', async () => {
    expect(await skus(chef, 'q=smor')).toEqual([]);
    expect(await skus(supplierUser, 'q=smor')).toEqual(['ME-3002']);
    expect(await skus(otherSupplierUser, 'q=smor')).toEqual([]);
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/products/${ids['ME-3002']}`,
          headers: chef.headers,
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/products/${ids['ME-3002']}`,
          headers: admin.headers,
        })
      ).statusCode,
    ).toBe(200);
  });
});

describe('the active filter', () => {
  it("lists a supplier's own inactive products, and no one else's", async () => {
    expect(await skus(supplierUser, 'active=false')).toEqual(['ME-3002']);
    expect(await skus(otherSupplierUser, 'active=false')).toEqual([]);
    expect(await skus(chef, 'active=false')).toEqual([]);
    expect(await skus(supplierUser, 'active=true&category=Mejeri')).toEqual(['ME-3001']);
  });
});

describe('soft-deleted suppliers', () => {
  it('disappear from search within the 5 s the list of deleted suppliers is reused', async () => {
    const gone = await createOrg(ctx.database.db, 'supplier', 'Nedlagd Grossist AB', [
      { user: otherSupplierUser, role: 'owner' },
    ]);
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: otherSupplierUser.headers,
      payload: { ...base, supplier_id: gone, sku: 'GONE-1', name: 'Sista potatisen', price_cents: 100 },
    });
    expect(created.statusCode).toBe(201);
    expect(await skus(chef, 'q=sista%20potatisen')).toEqual(['GONE-1']);
    expect(
      (await ctx.app.inject({ method: 'DELETE', url: `/api/v1/suppliers/${gone}`, headers: admin.headers }))
        .statusCode,
    ).toBe(204);
    await new Promise((r) => setTimeout(r, 5_100));
    // A fresh query (not a cached page) no longer finds the deleted supplier's product.
    expect(await skus(chef, 'q=sista%20potatis')).toEqual([]);
  });
});

describe('writes', () => {
  it('keeps price history and answers "what did it cost then"', async () => {
    const before = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/products/${ids['GR-2002']}`,
      headers: supplierUser.headers,
      payload: { price_cents: 2500 },
    });
    expect(res.statusCode).toBe(200);
    const history = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/products/${ids['GR-2002']}/prices`,
      headers: chef.headers,
    });
    expect(history.json().data.map((p: { price_cents: number }) => p.price_cents)).toEqual([2500, 2200]);
    expect(history.json().data[1].valid_to).toBe(history.json().data[0].valid_from);
    expect((await priceAt(ctx.database.db, ids['GR-2002']!, before))?.priceCents).toBe(2200);
    expect((await priceAt(ctx.database.db, ids['GR-2002']!, new Date()))?.priceCents).toBe(2500);
    const noChange = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/products/${ids['GR-2002']}`,
      headers: supplierUser.headers,
      payload: { name: 'Rödlök, klass 1' },
    });
    expect(noChange.statusCode).toBe(200);
    const after = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/products/${ids['GR-2002']}/prices`,
      headers: chef.headers,
    });
    expect(after.json().data).toHaveLength(2);
  });

  it('never serves a cached search page after a write', async () => {
    const before = Number((await search(chef, 'q=mellanmjolk')).json().data[0].price_cents);
    const patch = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/products/${ids['ME-3001']}`,
      headers: supplierUser.headers,
      payload: { price_cents: before + 100 },
    });
    expect(patch.statusCode).toBe(200);
    expect((await search(chef, 'q=mellanmjolk')).json().data[0].price_cents).toBe(before + 100);
  });

  it('creates products with validation and refuses duplicate SKUs', async () => {
    const ok = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: supplierUser.headers,
      payload: {
        ...base,
        supplier_id: supplierId,
        sku: 'NY-1',
        name: 'Potatis fast',
        price_cents: 1,
        image_urls: ['https://cdn.iris.se/p.jpg'],
      },
    });
    expect(ok.statusCode).toBe(201);
    const dup = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: supplierUser.headers,
      payload: { ...base, supplier_id: supplierId, sku: 'NY-1', name: 'Potatis igen', price_cents: 100 },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('SKU_TAKEN');
  });

  it.each([
    [{ price_cents: 0 }, 'price_cents'],
    [{ price_cents: 12.5 }, 'price_cents'],
    [{ gtin: '7310000000011' }, 'gtin'],
    [{ image_urls: ['http://insecure.example/p.jpg'] }, 'image_urls.0'],
    [{ stock_quantity: -1 }, 'stock_quantity'],
    [{ stock_quantity: 1.0005 }, 'stock_quantity'],
    [{ unit: 'bushel' }, 'unit'],
    [{ total_cents: 5 }, 'total_cents'],
  ])('rejects %o', async (override, path) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: supplierUser.headers,
      payload: { ...base, supplier_id: supplierId, sku: 'BAD-1', name: 'X', price_cents: 100, ...override },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('answers 404 to another supplier, writing nothing', async () => {
    const create = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: otherSupplierUser.headers,
      payload: { ...base, supplier_id: supplierId, sku: 'EVIL-1', name: 'Intrång', price_cents: 100 },
    });
    expect(create.statusCode).toBe(404);
    expect(create.json().code).toBe('SUPPLIER_NOT_FOUND');
    const patch = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/products/${ids['KF-1001']}`,
      headers: otherSupplierUser.headers,
      payload: { price_cents: 1 },
    });
    expect(patch.statusCode).toBe(404);
    expect(patch.json().code).toBe('PRODUCT_NOT_FOUND');
    const del = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/products/${ids['KF-1001']}`,
      headers: otherSupplierUser.headers,
    });
    expect(del.statusCode).toBe(404);
    const bulk = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products/bulk',
      headers: otherSupplierUser.headers,
      payload: { supplier_id: supplierId, products: [{ ...base, sku: 'EVIL-2', name: 'X', price_cents: 1 }] },
    });
    expect(bulk.statusCode).toBe(404);
    const [row] = await queryRows<{ n: number }>(
      ctx.database.db,
      sql`SELECT count(*)::int AS n FROM products WHERE sku LIKE 'EVIL%'`,
    );
    expect(row!.n).toBe(0);
    const chefTry = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/products/${ids['KF-1001']}`,
      headers: chef.headers,
      payload: { price_cents: 1 },
    });
    expect(chefTry.statusCode).toBe(403);
  });

  it('requires vat_category on create, single and bulk, so nothing is taxed as food by default', async () => {
    const { vat_category: _omitted, ...noVat } = base;
    const single = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: supplierUser.headers,
      payload: { ...noVat, supplier_id: supplierId, sku: 'NV-1', name: 'Servetter vita', price_cents: 4900 },
    });
    expect(single.statusCode).toBe(400);
    expect(single.json().details.map((d: { path: string }) => d.path)).toContain('vat_category');
    const bulk = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products/bulk',
      headers: supplierUser.headers,
      payload: {
        supplier_id: supplierId,
        products: [
          { ...base, sku: 'NV-2', name: 'Lager flaska', price_cents: 2990, vat_category: 'alcohol' },
          { ...noVat, sku: 'NV-3', name: 'Plastfilm', price_cents: 4900 },
        ],
      },
    });
    expect(bulk.statusCode).toBe(422);
    expect(bulk.json().details.map((d: { path: string }) => d.path)).toEqual(['products.1.vat_category']);
  });

  it('bulk upserts all or nothing, listing every bad row', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products/bulk',
      headers: supplierUser.headers,
      payload: {
        supplier_id: supplierId,
        products: [
          { ...base, sku: 'KF-1001', name: 'Kycklingfilé färsk', price_cents: 13900 },
          { ...base, sku: 'B-2', name: '', price_cents: 100 },
          { ...base, sku: 'B-3', name: 'Ok', price_cents: -5 },
          { ...base, sku: 'B-3', name: 'Dubblett', price_cents: 5 },
          { ...base, sku: 'B-5', name: 'Okänt fält', price_cents: 5, colour: 'red' },
        ],
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('BULK_VALIDATION_FAILED');
    expect(res.json().details.map((d: { path: string }) => d.path)).toEqual([
      'products.1.name',
      'products.2.price_cents',
      'products.3.sku',
      'products.4.colour',
    ]);
    const kf = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/products/${ids['KF-1001']}`,
      headers: chef.headers,
    });
    expect(kf.json().price_cents).toBe(12900);

    const ok = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products/bulk',
      headers: supplierUser.headers,
      payload: {
        supplier_id: supplierId,
        products: [
          { ...base, sku: 'KF-1001', name: 'Kycklingfilé färsk', price_cents: 13900 },
          { ...base, sku: 'B-9', name: 'Ny vara', price_cents: 700 },
        ],
      },
    });
    expect(ok.json()).toMatchObject({ created: 1, updated: 1 });
    const prices = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/products/${ids['KF-1001']}/prices`,
      headers: chef.headers,
    });
    expect(prices.json().data[0].price_cents).toBe(13900);
    const tooMany = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products/bulk',
      headers: supplierUser.headers,
      payload: { supplier_id: supplierId, products: [] },
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it('soft-deletes, after which the SKU is free again', async () => {
    const del = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/products/${ids['GR-2001']}`,
      headers: supplierUser.headers,
    });
    expect(del.statusCode).toBe(204);
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/products/${ids['GR-2001']}`,
          headers: admin.headers,
        })
      ).statusCode,
    ).toBe(404);
    // No live product is "gul" and "lok" any more: the query relaxes to the other onion, never the deleted one.
    const after = (await search(chef, 'q=gul%20lok')).json();
    expect(after.data.map((p: { sku: string }) => p.sku)).toEqual(['GR-2002']);
    expect(after.search).toMatchObject({ relaxed: true, unmatched_words: ['gul'] });
  });
});

// Last in the file: it adds products and changes a SKU.
describe('search dictionary', () => {
  it('ranks a match in the name above one in the brand or category', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products/bulk',
      headers: otherSupplierUser.headers,
      payload: {
        supplier_id: otherSupplierId,
        products: [
          {
            ...base,
            sku: 'RK-1',
            name: 'Senap dijon',
            brand: 'Zelmaborg',
            category: 'Kryddor',
            price_cents: 900,
          },
          {
            ...base,
            sku: 'RK-2',
            name: 'Zelmaborg ketchup',
            brand: 'Heinz',
            category: 'Kryddor',
            price_cents: 900,
          },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await skus(chef, 'q=zelmab')).toEqual(['RK-2', 'RK-1']);
  });

  it('expands words into catalog lexemes without changing what a prefix query finds', async () => {
    const extra = [
      { sku: 'DR-4001', name: 'Coca-Cola Zero', brand: 'Coca-Cola', category: 'Dryck', price_cents: 1900 },
      {
        sku: 'DR-4002',
        name: 'Fanta33cl burk',
        brand: 'Dryckesbolaget',
        category: 'Dryck',
        price_cents: 1500,
      },
      { sku: 'DR-4003', name: 'Rödbetor inlagda', brand: 'Felix', category: 'Konserver', price_cents: 2500 },
      {
        sku: 'DR-4004',
        name: 'Bryggkaffe mellanrost 500 g',
        brand: 'Zoegas',
        category: 'Kaffe',
        price_cents: 5900,
      },
    ];
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products/bulk',
      headers: otherSupplierUser.headers,
      payload: { supplier_id: otherSupplierId, products: extra.map((p) => ({ ...base, ...p })) },
    });
    expect(res.statusCode, res.body).toBe(200);
    const beets = res.json().products.find((p: { sku: string }) => p.sku === 'DR-4003').id as string;
    // A SKU of letters only is a lexeme too: changing it must reach the dictionary.
    const renamed = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/products/${beets}`,
      headers: otherSupplierUser.headers,
      payload: { sku: 'BETORNET' },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const queries = [
      'kyckl',
      'kyckl fryst',
      'och kyckling',
      'coc',
      'cola zer',
      'fant',
      'fanta33',
      'bryggk 50',
      'mellanrost 5',
      'br mellanrost',
      'betorn',
      'mel',
    ];
    for (const q of queries) {
      const prefix = q
        .split(' ')
        .map((w) => `${w}:*`)
        .join(' & ');
      const expected = await queryRows<{ sku: string }>(
        ctx.database.db,
        sql`SELECT sku FROM products WHERE deleted_at IS NULL AND active
            AND supplier_id NOT IN (SELECT id FROM suppliers WHERE deleted_at IS NOT NULL)
            AND search_vector @@ to_tsquery('swedish', ${prefix}) ORDER BY sku`,
      );
      expect(expected.length, q).toBeGreaterThan(0);
      expect((await skus(chef, `q=${encodeURIComponent(q)}`)).sort(), q).toEqual(expected.map((r) => r.sku));
    }
  });
});

describe('few matches', () => {
  it('are sorted like the plain listing, whatever sort is asked for', async () => {
    for (const [query, order] of [
      ['q=KF-10&sort=-price_cents', sql`price_cents DESC, name, id`],
      ['category=Gr%C3%B6nsaker&sort=name', sql`name, id`],
      ['min_price_cents=12000&sort=-created_at', sql`created_at DESC, name, id`],
    ] as const) {
      const page = await search(chef, `${query}&limit=1`);
      const filter = query.startsWith('q=')
        ? sql`lower(sku) LIKE 'kf-10%'`
        : query.startsWith('category')
          ? sql`category = 'Grönsaker'`
          : sql`price_cents >= 12000`;
      const expected = await queryRows<{ sku: string }>(
        ctx.database.db,
        sql`SELECT sku FROM products WHERE deleted_at IS NULL AND active
            AND supplier_id NOT IN (SELECT id FROM suppliers WHERE deleted_at IS NOT NULL) AND ${filter}
            ORDER BY ${order}`,
      );
      expect(expected.length, query).toBeGreaterThan(0);
      expect(
        page.json().data.map((p: { sku: string }) => p.sku),
        query,
      ).toEqual([expected[0]!.sku]);
      expect(page.json().pagination, query).toMatchObject({ total: expected.length, total_exact: true });
      const beyond = await search(chef, `${query}&offset=${String(expected.length)}`);
      expect(beyond.json().data, query).toEqual([]);
    }
  });
});

describe('deep pages', () => {
  it('are the same rows in the same order as the plain sorted listing', async () => {
    const many = Array.from({ length: 620 }, (_, i) => ({
      ...base,
      category: 'Djupfryst',
      sku: `DP-${String(i).padStart(4, '0')}`,
      name: `Djupvara ${String(i % 37)}`,
      price_cents: 1000 + (i % 53),
    }));
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/products/bulk',
      headers: otherSupplierUser.headers,
      payload: { supplier_id: otherSupplierId, products: many },
    });
    expect(res.statusCode, res.body).toBe(200);
    const orders: [string, SQL][] = [
      ['name', sql`name, id`],
      ['-price_cents', sql`price_cents DESC, name, id`],
      ['created_at,-name', sql`created_at, name DESC, id`],
    ];
    // What a restaurant sees: active products of suppliers that are not deleted.
    const visible = sql`deleted_at IS NULL AND active
      AND supplier_id NOT IN (SELECT id FROM suppliers WHERE deleted_at IS NOT NULL)`;
    for (const [sort, order] of orders) {
      for (const offset of [0, 560]) {
        const page = await search(chef, `sort=${sort}&offset=${String(offset)}&limit=30`);
        const expected = await queryRows<{ sku: string }>(
          ctx.database.db,
          sql`SELECT sku FROM products WHERE ${visible} ORDER BY ${order} LIMIT 30 OFFSET ${offset}`,
        );
        expect(
          page.json().data.map((p: { sku: string }) => p.sku),
          `${sort} @${String(offset)}`,
        ).toEqual(expected.map((r) => r.sku));
        expect(page.json().pagination).toMatchObject({ offset, total: expect.any(Number) });
      }
    }
  });
});
