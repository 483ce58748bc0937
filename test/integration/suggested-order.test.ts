import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/forecasts/engine/series.js';
import { saveForecast } from '../../src/domain/forecasts/forecasts.repository.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';

// Wednesday 3 March 2027, 09:00 in Stockholm: the supplier delivers Mondays and Thursdays, a day after ordering.
const TODAY = '2027-03-03';
const clock = () => new Date('2027-03-03T08:00:00Z');

let ctx: TestContext;
let chef: TestUser;
let otherChef: TestUser;
let seller: TestUser;
let admin: TestUser;
let restaurantId: string;
let supplierId: string;
const product: Record<'salmon' | 'lemons' | 'butter' | 'retired' | 'unplanned', string> = {
  salmon: '',
  lemons: '',
  butter: '',
  retired: '',
  unplanned: '',
};

/** A stored forecast from yesterday on: `quantity` a day with `upper` as the interval's top. */
async function storeForecast(productId: string, quantity: number, upper: number) {
  const from = addDays(TODAY, -1);
  await ctx.database.db.transaction((tx) =>
    saveForecast(
      tx,
      {
        scope: 'restaurant',
        restaurantId,
        supplierId: null,
        productId,
        model: 'prophet',
        dataDigest: 'seeded',
        historyFrom: addDays(TODAY, -200),
        historyTo: addDays(TODAY, -2),
      },
      Array.from({ length: 20 }, (_, i) => ({
        day: addDays(from, i),
        quantity,
        lower: Math.max(0, 2 * quantity - upper),
        upper,
      })),
    ),
  );
}

const suggest = (headers: Record<string, string>, body: Record<string, unknown>, restaurant = restaurantId) =>
  ctx.app.inject({
    method: 'POST',
    url: `/api/v1/restaurants/${restaurant}/suggested-order`,
    headers,
    payload: body,
  });

beforeAll(async () => {
  ctx = await createTestContext({}, undefined, { clock });
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  otherChef = await createUser(db, ctx.config, 'RESTAURANT');
  seller = await createUser(db, ctx.config, 'SUPPLIER');
  admin = await createUser(db, ctx.config, 'ADMIN');
  restaurantId = await createOrg(db, 'restaurant', 'Bistro Plan AB', [{ user: chef, role: 'owner' }]);
  await createOrg(db, 'restaurant', 'Annan Krog AB', [{ user: otherChef, role: 'owner' }]);
  supplierId = await createOrg(db, 'supplier', 'Grossist Plan AB', [{ user: seller, role: 'owner' }]);
  // The supplier states its delivery days, lead time and minimum order through the API.
  const terms = await ctx.app.inject({
    method: 'PATCH',
    url: `/api/v1/suppliers/${supplierId}`,
    headers: seller.headers,
    payload: { delivery_weekdays: [4, 1], order_lead_days: 1, min_order_cents: 100_000 },
  });
  expect(terms.statusCode, terms.body).toBe(200);
  expect(terms.json()).toMatchObject({
    delivery_weekdays: [1, 4],
    order_lead_days: 1,
    min_order_cents: 100_000,
  });
  product.salmon = await createProduct(db, supplierId, {
    name: 'Lax',
    unit: 'kg',
    packSize: '2.500',
    priceCents: 15_000,
  });
  product.lemons = await createProduct(db, supplierId, { name: 'Citron', unit: 'st', priceCents: 300 });
  product.butter = await createProduct(db, supplierId, { name: 'Smör', unit: 'kg', priceCents: 9_000 });
  product.retired = await createProduct(db, supplierId, { name: 'Gammal vara', active: false });
  product.unplanned = await createProduct(db, supplierId, { name: 'Oplanerad' });
  await storeForecast(product.salmon, 4, 6);
  await storeForecast(product.lemons, 1.3, 2.3);
  await storeForecast(product.butter, 1, 1.5);
  await storeForecast(product.retired, 2, 3);
}, 60_000);

afterAll(async () => {
  await ctx.close();
});

describe('POST /restaurants/{id}/suggested-order', () => {
  it('covers demand until the next delivery, adds safety stock, subtracts on hand, rounds to packs, and posts as is', async () => {
    const res = await suggest(chef.headers, {
      supplier_id: supplierId,
      horizon_days: 14,
      on_hand: [
        { product_id: product.salmon, quantity: 3 },
        { product_id: product.butter, quantity: 100 },
        { product_id: product.unplanned, quantity: 5 },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    // Ordered Wednesday, delivered Thursday; the next delivery is Monday, so it must last through Sunday.
    expect(body).toMatchObject({
      delivery_date: '2027-03-04',
      covers_from: TODAY,
      covers_through: '2027-03-07',
      currency: 'SEK',
      min_order_cents: 100_000,
    });
    const salmon = body.lines.find((l: { product_id: string }) => l.product_id === product.salmon);
    // 5 days × 4 kg = 20, safety √(5 × 2²) = 4.472, minus 3 on hand = 21.472 kg → 9 packs of 2.5 kg.
    expect(salmon).toMatchObject({
      forecast_quantity: 20,
      safety_stock: 4.472,
      on_hand: 3,
      needed: 21.472,
      quantity: 22.5,
      pack_size: 2.5,
      model: 'prophet',
      net_cents: 337_500,
    });
    const lemons = body.lines.find((l: { product_id: string }) => l.product_id === product.lemons);
    // 6.5 + √5 = 8.736 pieces → 9 whole pieces.
    expect(lemons).toMatchObject({ forecast_quantity: 6.5, safety_stock: 2.236, quantity: 9 });
    expect(body.skipped).toEqual(
      expect.arrayContaining([
        { product_id: product.butter, reason: 'covered_by_on_hand' },
        { product_id: product.retired, reason: 'inactive' },
        { product_id: product.unplanned, reason: 'no_forecast' },
      ]),
    );
    expect(body.skipped).toHaveLength(3);
    expect(body.estimated_net_cents).toBe(337_500 + 2_700);
    expect(body.below_min_order).toBe(false);

    const placed = await placeOrder(ctx.app, chef.headers, body.order);
    expect(placed.statusCode, placed.body).toBe(201);
    expect(placed.json()).toMatchObject({ delivery_date: '2027-03-04', subtotal_cents: 340_200 });
    expect(
      placed
        .json()
        .lines.map((l: { quantity: string }) => Number(l.quantity))
        .sort(),
    ).toEqual([22.5, 9]);
  });

  it('cuts the window at the horizon, says when the order is below the minimum, and answers null when nothing is needed', async () => {
    const short = await suggest(admin.headers, { supplier_id: supplierId, horizon_days: 3 });
    expect(short.statusCode, short.body).toBe(200);
    expect(short.json()).toMatchObject({ delivery_date: '2027-03-04', covers_through: '2027-03-05' });
    const lemons = short.json().lines.find((l: { product_id: string }) => l.product_id === product.lemons);
    expect(lemons.forecast_quantity).toBe(3.9);

    const small = await suggest(chef.headers, {
      supplier_id: supplierId,
      on_hand: [{ product_id: product.salmon, quantity: 1000 }],
    });
    expect(small.json()).toMatchObject({ below_min_order: true });
    expect(small.json().order.lines).toHaveLength(2);

    const stocked = await suggest(chef.headers, {
      supplier_id: supplierId,
      on_hand: [product.salmon, product.lemons, product.butter].map((id) => ({
        product_id: id,
        quantity: 1000,
      })),
    });
    expect(stocked.json()).toMatchObject({
      order: null,
      lines: [],
      estimated_net_cents: 0,
      below_min_order: false,
    });
  });

  it('answers 404, 403, 400 and 422 for what it cannot plan', async () => {
    const foreign = await suggest(otherChef.headers, { supplier_id: supplierId });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('RESTAURANT_NOT_FOUND');
    const bySupplier = await suggest(seller.headers, { supplier_id: supplierId });
    expect(bySupplier.statusCode).toBe(403);
    const noSupplier = await suggest(chef.headers, { supplier_id: restaurantId });
    expect(noSupplier.statusCode).toBe(404);
    expect(noSupplier.json().code).toBe('SUPPLIER_NOT_FOUND');
    const tooFar = await suggest(chef.headers, { supplier_id: supplierId, horizon_days: 91 });
    expect(tooFar.statusCode).toBe(400);
    const twice = await suggest(chef.headers, {
      supplier_id: supplierId,
      on_hand: [
        { product_id: product.salmon, quantity: 1 },
        { product_id: product.salmon, quantity: 2 },
      ],
    });
    expect(twice.statusCode).toBe(400);
    const negative = await suggest(chef.headers, {
      supplier_id: supplierId,
      on_hand: [{ product_id: product.salmon, quantity: -1 }],
    });
    expect(negative.statusCode).toBe(400);
    // Ordered today, the earliest delivery is tomorrow: a one-day horizon cannot hold it.
    const tooShort = await suggest(chef.headers, { supplier_id: supplierId, horizon_days: 1 });
    expect(tooShort.statusCode).toBe(422);
    const badWeekdays = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/suppliers/${supplierId}`,
      headers: seller.headers,
      payload: { delivery_weekdays: [0, 8] },
    });
    expect(badWeekdays.statusCode).toBe(400);
  });
});
