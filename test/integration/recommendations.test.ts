import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORE_COMPONENTS } from '../../src/core/config.recommendations.js';
import { createTestContext, testConfig, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct } from '../helpers/orders.js';

let ctx: TestContext;
let chef: TestUser;
let otherChef: TestUser;
let seller: TestUser;
let restaurantId: string;
const supplier: Record<'near' | 'cheap' | 'fresh' | 'far', string> = {
  near: '',
  cheap: '',
  fresh: '',
  far: '',
};
let nearMilk: string;
const GTIN = '7300000000012';

/** A finished order placed `daysAgo` days ago: delivered on the asked date or a day late, or cancelled. */
async function pastOrder(
  supplierId: string,
  daysAgo: number,
  outcome: 'on_date' | 'late' | 'cancelled_by_supplier' | 'cancelled_by_restaurant',
  quantity = 10,
): Promise<string> {
  const id = randomUUID();
  const delivered = outcome === 'on_date' || outcome === 'late';
  await ctx.database.db.execute(sql`
    INSERT INTO orders (id, restaurant_id, supplier_id, status, currency, subtotal_cents, tax_cents, total_cents,
      delivery_date, vat_date, supply_date, payment_terms_days, due_date, seller, buyer, placed_at)
    VALUES (${id}, ${restaurantId}, ${supplierId}, ${delivered ? 'delivered' : 'cancelled'}, 'SEK', 20000, 1200, 21200,
      current_date - ${daysAgo}::int, current_date - ${daysAgo}::int,
      ${delivered ? sql`current_date - ${daysAgo}::int + ${outcome === 'late' ? 1 : 0}::int` : null},
      ${delivered ? 30 : null}, ${delivered ? sql`current_date + 20` : null},
      ${delivered ? sql`'{}'::jsonb` : null}, ${delivered ? sql`'{}'::jsonb` : null}, now() - make_interval(days => ${daysAgo + 2}))`);
  await ctx.database.db.execute(sql`
    INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit, quantity, unit_price_cents, vat_category, vat_rate_bp, net_cents, stock_taken)
    SELECT ${id}, 1, p.id, p.sku, p.name, p.unit, ${quantity}, 2000, 'food', 600, 20000, false
    FROM products p WHERE p.supplier_id = ${supplierId} LIMIT 1`);
  if (outcome === 'cancelled_by_supplier')
    await ctx.database.db.execute(sql`
      INSERT INTO order_status_history (order_id, from_status, to_status) VALUES (${id}, 'confirmed', 'cancelled')`);
  if (outcome === 'cancelled_by_restaurant')
    await ctx.database.db.execute(sql`
      INSERT INTO order_status_history (order_id, from_status, to_status, actor_account_id)
      VALUES (${id}, 'placed', 'cancelled', ${chef.id})`);
  return id;
}

/** A supplier invoice reconciled against an order, billing `billed` of line 1, with or without a discrepancy. */
async function reconciledInvoice(supplierId: string, orderId: string, billed: number, discrepancy: boolean) {
  const id = randomUUID();
  await ctx.database.db.execute(sql`
    INSERT INTO supplier_invoices (id, owner_kind, owner_org_id, restaurant_id, supplier_id, status, file_key, file_sha256,
      file_size, format, content_type, document_type, order_id)
    VALUES (${id}, 'restaurant', ${restaurantId}, ${restaurantId}, ${supplierId}, ${discrepancy ? 'disputed' : 'matched'},
      ${`k/${id}`}, ${id.replaceAll('-', '').padEnd(64, '0')}, 100, 'ubl', 'application/xml', 'invoice', ${orderId})`);
  await ctx.database.db.execute(sql`
    INSERT INTO supplier_invoice_lines (invoice_id, line_no, description, quantity, unit_price_cents, net_cents, order_line_no)
    VALUES (${id}, 1, 'Mjölk', ${billed}, 2000, ${billed * 2000}, 1)`);
  if (discrepancy)
    await ctx.database.db.execute(sql`
      INSERT INTO supplier_invoice_discrepancies (invoice_id, position, reason, amount_cents)
      VALUES (${id}, 1, 'PRICE_DIFFERS', 500)`);
}

const recommend = (headers: Record<string, string>, query: string, restaurant = restaurantId) =>
  ctx.app.inject({
    method: 'GET',
    url: `/api/v1/restaurants/${restaurant}/recommendations?${query}`,
    headers,
  });

const weightsUrl = () => `/api/v1/restaurants/${restaurantId}/recommendation-weights`;

beforeAll(async () => {
  ctx = await createTestContext();
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  otherChef = await createUser(db, ctx.config, 'RESTAURANT');
  seller = await createUser(db, ctx.config, 'SUPPLIER');
  restaurantId = await createOrg(db, 'restaurant', 'Krog Stockholm AB', [{ user: chef, role: 'owner' }]);
  await createOrg(db, 'restaurant', 'Annan Krog AB', [{ user: otherChef, role: 'owner' }]);
  await ctx.app.inject({
    method: 'PATCH',
    url: `/api/v1/restaurants/${restaurantId}`,
    headers: chef.headers,
    payload: { latitude: 59.33, longitude: 18.07 },
  });
  supplier.near = await createOrg(db, 'supplier', 'Nära Mejeri AB', [{ user: seller, role: 'owner' }]);
  supplier.cheap = await createOrg(db, 'supplier', 'Billig Mejeri AB');
  supplier.fresh = await createOrg(db, 'supplier', 'Ny Mejeri AB');
  supplier.far = await createOrg(db, 'supplier', 'Skånsk Mejeri AB');
  const depot = async (id: string, values: Record<string, unknown>) => {
    expect(
      (
        await ctx.app.inject({
          method: 'PATCH',
          url: `/api/v1/suppliers/${id}`,
          headers:
            id === supplier.near ? seller.headers : (await createUser(db, ctx.config, 'ADMIN')).headers,
          payload: values,
        })
      ).statusCode,
    ).toBe(200);
  };
  await depot(supplier.near, { depot_latitude: 59.35, depot_longitude: 18.05 });
  await depot(supplier.cheap, { depot_latitude: 57.7, depot_longitude: 11.97, min_order_cents: 1_000_000 });
  await depot(supplier.fresh, { depot_latitude: 59.3, depot_longitude: 18.1 });
  await depot(supplier.far, { depot_latitude: 55.6, depot_longitude: 13.0, delivery_radius_km: 50 });
  nearMilk = await createProduct(db, supplier.near, {
    name: 'Mjölk 3 %',
    category: 'Mejeri',
    unit: 'l',
    priceCents: 1500,
    stockQuantity: '100',
    gtin: GTIN,
  });
  // 120 öre per decilitre is 12 kr per litre: cheaper per litre, though the list price looks lower still.
  await createProduct(db, supplier.cheap, {
    name: 'Mjölk 3 % dl',
    category: 'Mejeri',
    unit: 'dl',
    priceCents: 120,
    stockQuantity: '0',
    gtin: GTIN,
  });
  await createProduct(db, supplier.fresh, {
    name: 'Mjölk förp',
    category: 'Mejeri',
    unit: 'förp',
    priceCents: 1900,
  });
  await createProduct(db, supplier.far, { name: 'Mjölk', category: 'Mejeri', unit: 'l', priceCents: 900 });
  await createProduct(db, supplier.near, { name: 'Ost', category: 'Ost', unit: 'kg', priceCents: 9000 });

  const nearOrders: string[] = [];
  for (let i = 0; i < 6; i++) nearOrders.push(await pastOrder(supplier.near, 10 + i, 'on_date'));
  await pastOrder(supplier.near, 30, 'cancelled_by_restaurant');
  await reconciledInvoice(supplier.near, nearOrders[0]!, 10, false);
  await reconciledInvoice(supplier.near, nearOrders[1]!, 6, true);
  for (const outcome of ['on_date', 'on_date', 'late', 'late', 'on_date', 'cancelled_by_supplier'] as const)
    await pastOrder(supplier.cheap, 12, outcome);
  await pastOrder(supplier.fresh, 5, 'on_date');
}, 60_000);

afterAll(async () => {
  await ctx.close();
});

type Component = { name: string; value: number | null; explanation: string; contribution: number | null };
type Ranked = {
  supplier_id: string;
  rank: number;
  score: number;
  enough_history: boolean;
  components: Component[];
};
const component = (r: Ranked, name: string) => r.components.find((c) => c.name === name)!;

describe('GET /restaurants/{id}/recommendations', () => {
  it('ranks the suppliers of a category, explains every component and marks those without history', async () => {
    const res = await recommend(chef.headers, 'category=Mejeri');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.weights_source).toBe('default');
    expect(body.out_of_delivery_area).toEqual([supplier.far]);
    const ranked: Ranked[] = body.suppliers;
    // Those with enough history first, by score; then the newcomer, scored on what is known and marked.
    expect(ranked.map((r) => r.supplier_id)).toEqual([supplier.near, supplier.cheap, supplier.fresh]);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3]);
    for (const r of ranked) expect(r.components).toHaveLength(9);

    const near = ranked[0]!;
    expect(near.enough_history).toBe(true);
    // Six orders delivered on the asked date; the restaurant's own cancellation does not count against it.
    expect(component(near, 'reliability')).toMatchObject({ value: 1 });
    expect(component(near, 'delivery_reliability')).toMatchObject({
      value: 1,
      explanation: expect.stringMatching(/6 of 6/),
    });
    // One invoice billed 6 of 10: 56 of 60 delivered.
    expect(component(near, 'fill_rate').value).toBeCloseTo(56 / 60, 4);
    expect(component(near, 'invoice_accuracy')).toMatchObject({ value: 0.5 });
    expect(component(near, 'stock_availability')).toMatchObject({ value: 1 });
    expect(component(near, 'min_order_value')).toMatchObject({ value: 1, explanation: 'no minimum order' });
    expect(component(near, 'unit_price').value).toBeCloseTo(1200 / 1500, 4);
    expect(component(near, 'distance').explanation).toMatch(/km from the depot/);
    const sum = near.components.reduce((s, c) => s + (c.contribution ?? 0), 0);
    expect(sum).toBeCloseTo(near.score, 3);

    const cheap = ranked.find((r) => r.supplier_id === supplier.cheap)!;
    expect(component(cheap, 'unit_price')).toMatchObject({
      value: 1,
      explanation: expect.stringMatching(/12\.00 kr per l/),
    });
    expect(component(cheap, 'reliability').value).toBeCloseTo(5 / 6, 4);
    expect(component(cheap, 'delivery_reliability')).toMatchObject({ value: 0.6 });
    expect(component(cheap, 'fill_rate').value).toBeCloseTo(50 / 60, 4);
    expect(component(cheap, 'stock_availability')).toMatchObject({ value: 0, explanation: 'out of stock' });
    expect(component(cheap, 'invoice_accuracy')).toMatchObject({ value: null, contribution: null });
    expect(component(cheap, 'min_order_value').value).toBeLessThan(1);
    expect(component(cheap, 'distance').value).toBeLessThan(0.1);

    const fresh = ranked.find((r) => r.supplier_id === supplier.fresh)!;
    expect(fresh.enough_history).toBe(false);
    for (const name of ['reliability', 'delivery_reliability', 'fill_rate'])
      expect(component(fresh, name)).toMatchObject({
        value: null,
        explanation: expect.stringMatching(/not enough history/),
      });
    expect(component(fresh, 'unit_price')).toMatchObject({
      value: null,
      explanation: expect.stringMatching(/förp/),
    });
    expect(fresh.score).toBeGreaterThan(0);
  });

  it('finds a product by its GTIN at other suppliers', async () => {
    const res = await recommend(chef.headers, `product_id=${nearMilk}`);
    expect(res.statusCode).toBe(200);
    expect(
      res
        .json()
        .suppliers.map((r: Ranked) => r.supplier_id)
        .sort(),
    ).toEqual([supplier.near, supplier.cheap].sort());
  });

  it("uses the restaurant's own weights when set, and refuses weights that do not sum to a positive number", async () => {
    const onlyUnitPrice = Object.fromEntries(SCORE_COMPONENTS.map((c) => [c, 0]));
    const put = await ctx.app.inject({
      method: 'PUT',
      url: weightsUrl(),
      headers: chef.headers,
      payload: { ...onlyUnitPrice, unit_price: 2 },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      source: 'restaurant',
      weights: { unit_price: 2, price: 0 },
      defaults: { unit_price: 0.2 },
    });
    const ranked: Ranked[] = (await recommend(chef.headers, 'category=Mejeri')).json().suppliers;
    // Per litre the distant supplier is cheapest; the one selling by the pack cannot be scored at all.
    expect(ranked.map((r) => [r.supplier_id, r.score])).toEqual([
      [supplier.cheap, 1],
      [supplier.near, 0.8],
      [supplier.fresh, null],
    ]);

    for (const payload of [
      { ...onlyUnitPrice, unit_price: 0 },
      { ...onlyUnitPrice, unit_price: -1 },
      onlyUnitPrice,
      { ...onlyUnitPrice, unit_price: 1, popularity: 1 },
    ]) {
      const bad = await ctx.app.inject({ method: 'PUT', url: weightsUrl(), headers: chef.headers, payload });
      expect(bad.statusCode).toBe(400);
    }
    const kept = await ctx.app.inject({ method: 'GET', url: weightsUrl(), headers: chef.headers });
    expect(kept.json()).toMatchObject({ source: 'restaurant', weights: { unit_price: 2 } });

    const reset = await ctx.app.inject({ method: 'DELETE', url: weightsUrl(), headers: chef.headers });
    expect(reset.json()).toMatchObject({ source: 'default', weights: { unit_price: 0.2 } });
  });

  it('answers 404, 403 and 400 for what it cannot recommend', async () => {
    const foreign = await recommend(otherChef.headers, 'category=Mejeri');
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('RESTAURANT_NOT_FOUND');
    expect((await recommend(seller.headers, 'category=Mejeri')).statusCode).toBe(403);
    expect((await recommend(chef.headers, `category=Mejeri&product_id=${nearMilk}`)).statusCode).toBe(400);
    expect((await recommend(chef.headers, '')).statusCode).toBe(400);
    const unknown = await recommend(chef.headers, `product_id=${randomUUID()}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('PRODUCT_NOT_FOUND');
    const nothing = await recommend(chef.headers, 'category=Finns inte');
    expect(nothing.json().suppliers).toEqual([]);
  });

  it('takes its default weights from configuration and refuses a bad setting at start-up', () => {
    expect(
      testConfig({ RECOMMENDATION_WEIGHTS: 'price=0.5, distance=0' }).recommendations.weights,
    ).toMatchObject({
      price: 0.5,
      distance: 0,
      unit_price: 0.2,
    });
    expect(() => testConfig({ RECOMMENDATION_WEIGHTS: 'price=-1' })).toThrow(/price=-1/);
    expect(() => testConfig({ RECOMMENDATION_WEIGHTS: 'popularity=1' })).toThrow(/components/);
    const zero = SCORE_COMPONENTS.map((c) => `${c}=0`).join(',');
    expect(() => testConfig({ RECOMMENDATION_WEIGHTS: zero })).toThrow(/positive/);
  });
});
