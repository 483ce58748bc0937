import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { countByCategory } from '../../src/domain/products/categories.repository.js';
import { mergeCategories } from '../../src/domain/products/categories.js';
import { whereClause } from '../../src/domain/products/products.repository.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';

let ctx: TestContext;
let chef: TestUser;
let supplierUser: TestUser;
let supplierId: string;
let otherSupplierId: string;

const row = (sku: string, category: string, extra: Record<string, unknown> = {}) => ({
  sku,
  name: `Artikel ${sku}`,
  category,
  unit: 'kg',
  price_cents: 1000,
  vat_category: 'food',
  ...extra,
});

async function bulk(user: TestUser, supplier: string, products: unknown[]) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/products/bulk',
    headers: user.headers,
    payload: { supplier_id: supplier, products },
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function get(url: string, user: TestUser = chef) {
  const res = await ctx.app.inject({ method: 'GET', url, headers: user.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

beforeAll(async () => {
  ctx = await createTestContext();
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  supplierUser = await createUser(db, ctx.config, 'SUPPLIER');
  const otherUser = await createUser(db, ctx.config, 'SUPPLIER');
  supplierId = await createOrg(db, 'supplier', 'Kategori Grossist AB', [
    { user: supplierUser, role: 'owner' },
  ]);
  otherSupplierId = await createOrg(db, 'supplier', 'Annan Kategori AB', [
    { user: otherUser, role: 'owner' },
  ]);
  await bulk(supplierUser, supplierId, [
    row('K-1', 'Kött'),
    row('K-2', 'Kött'),
    row('K-3', 'kött'),
    row('O-1', 'Ost'),
    row('O-2', 'Ost', { active: false }),
    row('G-1', 'Grönsaker'),
  ]);
  await bulk(otherUser, otherSupplierId, [row('X-1', 'KÖTT'), row('X-2', 'Ägg'), row('X-3', 'Bröd')]);
});
afterAll(() => ctx.close());

describe('category filter', () => {
  it('ignores case and diacritics', async () => {
    for (const category of ['kott', 'KÖTT', 'Kött', ' kÖtt ']) {
      const page = await get(`/api/v1/products?category=${encodeURIComponent(category)}&limit=50`);
      expect(page.data.map((p: { sku: string }) => p.sku).sort(), category).toEqual([
        'K-1',
        'K-2',
        'K-3',
        'X-1',
      ]);
    }
    const ost = await get('/api/v1/products?category=ost');
    expect(ost.data.map((p: { sku: string }) => p.sku)).toEqual(['O-1']);
    const none = await get('/api/v1/products?category=kot');
    expect(none.data).toEqual([]);
  });

  it('combines with a supplier, a search word and its own inactive products', async () => {
    const page = await get(`/api/v1/products?category=kott&supplier_id=${otherSupplierId}`);
    expect(page.data.map((p: { sku: string }) => p.sku)).toEqual(['X-1']);
    const searched = await get('/api/v1/products?category=gronsaker&q=artikel');
    expect(searched.data.map((p: { sku: string }) => p.sku)).toEqual(['G-1']);
    const inactive = await get('/api/v1/products?category=OST&active=false', supplierUser);
    expect(inactive.data.map((p: { sku: string }) => p.sku)).toEqual(['O-2']);
  });

  it('is answered from the folded category index', async () => {
    const where = whereClause(
      { kind: 'none' },
      { category: 'kott' },
      { all: false, ownSupplierIds: [], deletedSupplierIds: [] },
    );
    const plan = await ctx.database.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      return queryRows<{ 'QUERY PLAN': string }>(
        tx,
        sql`EXPLAIN SELECT id FROM products WHERE ${where} ORDER BY price_cents`,
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('products_category_fold_idx');
  });
});

describe('GET /categories', () => {
  it('counts active products per category, one entry per folded name, in Swedish order', async () => {
    const all = await get('/api/v1/categories');
    expect(all).toEqual({
      data: [
        { name: 'Bröd', product_count: 1 },
        { name: 'Grönsaker', product_count: 1 },
        { name: 'Kött', product_count: 4 },
        { name: 'Ost', product_count: 1 },
        { name: 'Ägg', product_count: 1 },
      ],
      total_products: 8,
    });
  });

  it('counts one supplier when asked, and none for an unknown one', async () => {
    const own = await get(`/api/v1/categories?supplier_id=${supplierId}`);
    expect(own.data).toEqual([
      { name: 'Grönsaker', product_count: 1 },
      { name: 'Kött', product_count: 3 },
      { name: 'Ost', product_count: 1 },
    ]);
    const unknown = await get('/api/v1/categories?supplier_id=00000000-0000-4000-8000-000000000000');
    expect(unknown).toEqual({ data: [], total_products: 0 });
  });

  it('follows catalog writes and hides deleted suppliers', async () => {
    const products = await get(`/api/v1/products?supplier_id=${supplierId}&category=ost`, supplierUser);
    const del = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/products/${products.data[0].id}`,
      headers: supplierUser.headers,
    });
    expect(del.statusCode).toBe(204);
    const after = await get(`/api/v1/categories?supplier_id=${supplierId}`);
    expect(after.data.map((c: { name: string }) => c.name)).toEqual(['Grönsaker', 'Kött']);

    // The service passes the soft-deleted suppliers it knows of (re-read every few seconds).
    const counted = await countByCategory(ctx.database.db, { deletedSupplierIds: [otherSupplierId] });
    expect(mergeCategories(counted).map((c) => c.name)).toEqual(['Grönsaker', 'Kött']);
  });

  it('rejects unknown parameters and anonymous callers', async () => {
    const bad = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/categories?supplier=x',
      headers: chef.headers,
    });
    expect(bad.statusCode).toBe(400);
    const anonymous = await ctx.app.inject({ method: 'GET', url: '/api/v1/categories' });
    expect(anonymous.statusCode).toBe(401);
  });
});
