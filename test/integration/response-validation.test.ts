import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/app.js';
import { createTestContext, type TestContext, testConfig } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';

/**
 * Production sends the mappers' DTOs without checking them against the response schemas (RESPONSE_VALIDATION
 * off). That is only safe if every mapper already emits exactly the schema's fields: an app that checks (and
 * strips) and one that does not must answer every read with the same JSON.
 */
let ctx: TestContext;
let trusting: App;
let admin: TestUser;
let chef: TestUser;
let seller: TestUser;
let orderId: string;
let productId: string;
let restaurantId: string;
let supplierId: string;

beforeAll(async () => {
  ctx = await createTestContext({ RESPONSE_VALIDATION: 'on' });
  trusting = await buildApp(
    testConfig({
      DATABASE_URL: ctx.databaseUrl,
      DATABASE_URL_DIRECT: ctx.databaseUrl,
      RESPONSE_VALIDATION: 'off',
    }),
  );
  await trusting.ready();
  const db = ctx.database.db;
  admin = await createUser(db, ctx.config, 'ADMIN');
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  seller = await createUser(db, ctx.config, 'SUPPLIER');
  restaurantId = await createOrg(db, 'restaurant', 'Bistro Jämför AB', [{ user: chef, role: 'owner' }]);
  supplierId = await createOrg(db, 'supplier', 'Grossist Jämför AB', [{ user: seller, role: 'owner' }]);
  productId = await createProduct(db, supplierId, { name: 'Kycklingfilé jämförd', stockQuantity: '50.000' });
  const placed = await placeOrder(ctx.app, chef.headers, {
    restaurant_id: restaurantId,
    supplier_id: supplierId,
    lines: [{ product_id: productId, quantity: 2 }],
    note: 'Bakdörren',
  });
  expect(placed.statusCode, placed.body).toBe(201);
  orderId = placed.json().id;
  for (const step of ['confirm', 'dispatch', 'deliver']) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${orderId}/${step}`,
      headers: seller.headers,
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(200);
  }
});
afterAll(async () => {
  await trusting.close();
  await ctx.close();
});

describe('responses without schema checks', () => {
  it('are the same JSON as with them, for every kind of read', async () => {
    const reads: [TestUser, string][] = [
      [chef, '/api/v1/me'],
      [chef, '/api/v1/products?q=kyckling'],
      [chef, `/api/v1/products/${productId}`],
      [chef, `/api/v1/products/${productId}/prices`],
      [chef, '/api/v1/orders'],
      [chef, `/api/v1/orders/${orderId}`],
      [chef, `/api/v1/orders/${orderId}/receipt`],
      [chef, `/api/v1/invoices/${orderId}`],
      [chef, `/api/v1/restaurants/${restaurantId}`],
      [seller, `/api/v1/suppliers/${supplierId}`],
      [seller, `/api/v1/suppliers/${supplierId}/members`],
      [admin, '/api/v1/admin/accounts'],
      // Admin reads are audited themselves: compare a slice that the reads do not add to.
      [admin, '/api/v1/admin/audit?action=order.place'],
    ];
    for (const [user, url] of reads) {
      const checked = await ctx.app.inject({ method: 'GET', url, headers: user.headers });
      const sent = await trusting.inject({ method: 'GET', url, headers: user.headers });
      expect(checked.statusCode, `${url}: ${checked.body}`).toBe(200);
      expect(sent.statusCode, url).toBe(200);
      expect(sent.json(), url).toEqual(checked.json());
    }
  });
});
