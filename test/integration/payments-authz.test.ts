import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';
import { usePaymentsHarness } from '../helpers/payments.js';

/*
 * Who may call each payments route (object-level authorisation): the supplier's owner and staff, another
 * supplier's owner, the ordering restaurant, another restaurant and an admin, against one supplier and one of its
 * captured card orders. Another party's object answers 404 (its existence is not disclosed); a role that may
 * never call the route answers 403.
 */
const { h, inject, onboardSupplier, capturedOrder } = usePaymentsHarness();

const others: Record<'otherSupplier' | 'otherRestaurant', TestUser> = {} as never;
let orderId: string;

beforeAll(async () => {
  const db = h.ctx.database.db;
  others.otherSupplier = await createUser(db, h.ctx.config, 'SUPPLIER');
  others.otherRestaurant = await createUser(db, h.ctx.config, 'RESTAURANT');
  await createOrg(db, 'supplier', 'Annan Grossist AB', [{ user: others.otherSupplier, role: 'owner' }]);
  await createOrg(db, 'restaurant', 'Annan Krog AB', [{ user: others.otherRestaurant, role: 'owner' }]);
  await onboardSupplier();
  orderId = (await capturedOrder(2)).id;
});

type Caller = 'owner' | 'staff' | 'otherSupplier' | 'chef' | 'otherRestaurant' | 'admin';
const userOf = (caller: Caller): TestUser =>
  caller === 'otherSupplier' || caller === 'otherRestaurant' ? others[caller] : h[caller];

interface Route {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  url: () => string;
  body?: () => object;
  expected: Record<Caller, number>;
}

const supplierUrl = (tail: string) => () => `/api/v1/suppliers/${h.supplierId}${tail}`;
const orderUrl = (tail: string) => () => `/api/v1/orders/${orderId}${tail}`;

const routes: Route[] = [
  {
    name: 'start onboarding',
    method: 'POST',
    url: supplierUrl('/payments/onboarding'),
    body: () => ({}),
    expected: { owner: 200, staff: 403, otherSupplier: 404, chef: 403, otherRestaurant: 403, admin: 200 },
  },
  {
    name: 'read the Stripe account',
    method: 'GET',
    url: supplierUrl('/payments'),
    expected: { owner: 200, staff: 200, otherSupplier: 404, chef: 403, otherRestaurant: 403, admin: 200 },
  },
  {
    name: 'set the commission',
    method: 'PUT',
    url: supplierUrl('/payments/fee'),
    body: () => ({ fee_bp: null }),
    expected: { owner: 403, staff: 403, otherSupplier: 403, chef: 403, otherRestaurant: 403, admin: 200 },
  },
  {
    name: 'list payouts',
    method: 'GET',
    url: supplierUrl('/payouts'),
    expected: { owner: 200, staff: 200, otherSupplier: 404, chef: 403, otherRestaurant: 403, admin: 200 },
  },
  {
    name: "read an order's payment",
    method: 'GET',
    url: orderUrl('/payment'),
    expected: { owner: 200, staff: 200, otherSupplier: 404, chef: 200, otherRestaurant: 404, admin: 200 },
  },
  {
    name: 'refund',
    method: 'POST',
    url: orderUrl('/refunds'),
    body: () => ({ amount_cents: 100, reason: `behörighetsprov ${randomUUID()}` }),
    expected: { owner: 201, staff: 403, otherSupplier: 404, chef: 403, otherRestaurant: 403, admin: 201 },
  },
];

describe('payments routes: who may call what', () => {
  const cases = routes.flatMap((route) =>
    (Object.keys(route.expected) as Caller[]).map((caller) => ({ route, caller })),
  );
  it.each(cases.map((c) => [c.route.name, c.caller, c.route.expected[c.caller], c] as const))(
    '%s as %s → %i',
    async (_name, caller, status, { route }) => {
      const res = await inject(userOf(caller), route.method, route.url(), route.body?.());
      expect(res.statusCode).toBe(status);
      if (status === 404) expect(res.json().code).toMatch(/_NOT_FOUND$/);
      if (status === 403) expect(res.json().code).toBe('FORBIDDEN');
    },
  );

  it('answers 401 without a token and never discloses a refund to another supplier', async () => {
    for (const route of routes) {
      const res = await h.ctx.app.inject({
        method: route.method,
        url: route.url(),
        ...(route.body ? { payload: route.body() } : {}),
      });
      expect(res.statusCode).toBe(401);
    }
    const payment = (await inject(h.admin, 'GET', `/api/v1/orders/${orderId}/payment`)).json();
    expect(payment.refunds.map((r: { amount_cents: number }) => r.amount_cents)).toEqual([100, 100]);
  });
});

describe('PAYMENTS_PROVIDER=none (invoice-only)', () => {
  let off: TestContext;
  let chef: TestUser;
  let owner: TestUser;
  let supplierId: string;
  let restaurantId: string;
  let productId: string;

  beforeAll(async () => {
    off = await createTestContext({ PAYMENTS_PROVIDER: 'none' });
    const db = off.database.db;
    chef = await createUser(db, off.config, 'RESTAURANT');
    owner = await createUser(db, off.config, 'SUPPLIER');
    restaurantId = await createOrg(db, 'restaurant', 'Fakturakrogen AB', [{ user: chef, role: 'owner' }]);
    supplierId = await createOrg(db, 'supplier', 'Fakturagrossisten AB', [{ user: owner, role: 'owner' }]);
    productId = await createProduct(db, supplierId, { priceCents: 9_900, vatCategory: 'food' });
    return () => off.close();
  });

  const order = (payment_method: 'card' | 'invoice') =>
    placeOrder(off.app, chef.headers, {
      restaurant_id: restaurantId,
      supplier_id: supplierId,
      payment_method,
      lines: [{ product_id: productId, quantity: 1 }],
    });

  it('refuses card orders with 422 and places invoice orders as before', async () => {
    const card = await order('card');
    expect(card.statusCode).toBe(422);
    expect(card.json()).toMatchObject({ code: 'CARD_PAYMENTS_UNAVAILABLE' });
    expect(card.json().message).toMatch(/not configured/);
    const invoice = await order('invoice');
    expect(invoice.statusCode).toBe(201);
    expect(invoice.json()).toMatchObject({ payment_method: 'invoice', payment: null });
  });

  it('refuses onboarding with 422 and rejects webhooks with 400', async () => {
    const res = await off.app.inject({
      method: 'POST',
      url: `/api/v1/suppliers/${supplierId}/payments/onboarding`,
      headers: owner.headers,
      payload: {},
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('CARD_PAYMENTS_UNAVAILABLE');
    const hook = await off.app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
      payload: '{"id":"evt_1","type":"account.updated"}',
    });
    expect(hook.statusCode).toBe(400);
    expect(hook.json().code).toBe('WEBHOOK_SIGNATURE_INVALID');
  });
});
