import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { FakeStripe } from '../../src/dev/fake-stripe/server.js';
import type { FakeEvent } from '../../src/dev/fake-stripe/state.js';
import { createTestContext, type TestContext } from './app.js';
import { createOrg, createUser, type TestUser } from './identity.js';
import { createProduct, placeOrder } from './orders.js';

/*
 * Card payments against the fake Stripe: the real `stripe` SDK (PAYMENTS_PROVIDER=stripe, STRIPE_API_BASE) talks
 * to the fake on 127.0.0.1; its signed events are delivered to /webhooks/stripe by the test (so each delivery is
 * awaited), and the payments.sync job's work is run by calling the sync the job processor calls.
 */
export const SECRET_KEY = 'sk_test_payments_suite';
export const WEBHOOK_SECRET = 'whsec_payments_suite';
export const FEE_BP = 750;

export interface PaymentsHarness {
  fake: FakeStripe;
  ctx: TestContext;
  chef: TestUser;
  owner: TestUser;
  /** A staff member (not an owner) of the supplier. */
  staff: TestUser;
  admin: TestUser;
  restaurantId: string;
  supplierId: string;
  productId: string;
  /** Set by `onboardSupplier` (or a test that onboards itself). */
  accountId: string;
}

/** The test file's database, fake Stripe, a restaurant (chef) and a supplier (owner) with one product. */
export function usePaymentsHarness(env: Record<string, string> = {}) {
  const h = {} as PaymentsHarness;

  beforeAll(async () => {
    h.fake = await new FakeStripe({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET }).start();
    h.ctx = await createTestContext({
      PAYMENTS_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: h.fake.url,
      STRIPE_TIMEOUT_MS: '2000',
      PAYMENTS_PLATFORM_FEE_BP: String(FEE_BP),
      ...env,
    });
    const db = h.ctx.database.db;
    h.chef = await createUser(db, h.ctx.config, 'RESTAURANT');
    h.owner = await createUser(db, h.ctx.config, 'SUPPLIER');
    h.staff = await createUser(db, h.ctx.config, 'SUPPLIER');
    h.admin = await createUser(db, h.ctx.config, 'ADMIN');
    h.restaurantId = await createOrg(db, 'restaurant', 'Krogen Kortet AB', [{ user: h.chef, role: 'owner' }]);
    h.supplierId = await createOrg(db, 'supplier', 'Kortfisk AB', [
      { user: h.owner, role: 'owner' },
      { user: h.staff, role: 'staff' },
    ]);
    h.productId = await createProduct(db, h.supplierId, {
      priceCents: 12_500,
      vatCategory: 'food',
      stockQuantity: '10000.000',
    });
  });
  afterAll(async () => {
    await h.ctx.close();
    await h.fake.stop();
  });

  const inject = (user: TestUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    h.ctx.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });

  const deliver = (event: FakeEvent | string, signature?: string) => {
    const signed = h.fake.sign(event);
    return h.ctx.app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: {
        'content-type': 'application/json',
        ...(signature === '' ? {} : { 'stripe-signature': signature ?? signed.signature }),
      },
      payload: signed.payload,
    });
  };

  /** Delivers every event the fake emitted since `from` (in order); the index to continue from. */
  async function deliverSince(from: number): Promise<number> {
    const events = h.fake.state.events.slice(from);
    for (const event of events) expect((await deliver(event)).statusCode).toBe(200);
    return from + events.length;
  }

  const sync = (orderId: string) => h.ctx.app.services.payments.sync(orderId);
  const payment = async (orderId: string) =>
    (await inject(h.admin, 'GET', `/api/v1/orders/${orderId}/payment`)).json();

  /** Onboards the supplier and completes its onboarding at the fake (charges enabled). */
  async function onboardSupplier(): Promise<string> {
    const res = await inject(h.owner, 'POST', `/api/v1/suppliers/${h.supplierId}/payments/onboarding`, {});
    expect(res.statusCode).toBe(200);
    h.accountId = res.json().stripe_account_id;
    const mark = h.fake.state.events.length;
    h.fake.state.completeOnboarding(h.accountId);
    await deliverSince(mark);
    return h.accountId;
  }

  /** Places a card order; its answer carries the intent's client_secret unless Stripe failed at placement. */
  async function cardOrder(
    quantity = 2,
    expected: 'requires_confirmation' | 'pending' = 'requires_confirmation',
    extra: { delivery_date?: string } = {},
  ) {
    const res = await placeOrder(h.ctx.app, h.chef.headers, {
      restaurant_id: h.restaurantId,
      supplier_id: h.supplierId,
      payment_method: 'card',
      lines: [{ product_id: h.productId, quantity }],
      ...extra,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().payment.status).toBe(expected);
    if (expected === 'requires_confirmation')
      expect(res.json().payment.client_secret).toMatch(/^pi_\w+_secret_\w+$/);
    return res.json().id as string;
  }

  /** A card order whose intent exists and whose customer has confirmed (authorised, webhook applied). */
  async function authorisedOrder(
    quantity = 2,
    extra: { delivery_date?: string } = {},
  ): Promise<{ id: string; intentId: string }> {
    const id = await cardOrder(quantity, 'requires_confirmation', extra);
    const created = await payment(id);
    expect(created.status).toBe('requires_confirmation');
    const mark = h.fake.state.events.length;
    h.fake.state.confirm(created.payment_intent_id, { payment_method: 'pm_card_visa' });
    await deliverSince(mark);
    expect((await payment(id)).status).toBe('authorised');
    return { id, intentId: created.payment_intent_id as string };
  }

  async function drive(id: string, ...steps: string[]) {
    for (const step of steps)
      expect((await inject(h.admin, 'POST', `/api/v1/orders/${id}/${step}`, {})).statusCode).toBe(200);
  }

  /** The payment events written to the outbox for an order's payment. */
  async function paymentEvents(orderId: string): Promise<string[]> {
    const rows = await queryRows<{ event_type: string }>(
      h.ctx.database.db,
      sql`SELECT event_type FROM outbox_events WHERE aggregate_type = 'payment'
          AND payload->>'order_id' = ${orderId} ORDER BY created_at`,
    );
    return rows.map((r) => r.event_type);
  }

  /** A card order captured at delivery (the sync the job runs after `deliver`). */
  async function capturedOrder(quantity = 1): Promise<{ id: string; intentId: string }> {
    const order = await authorisedOrder(quantity);
    await drive(order.id, 'confirm', 'dispatch', 'deliver');
    await sync(order.id);
    expect((await payment(order.id)).status).toBe('captured');
    return order;
  }

  return {
    h,
    capturedOrder,
    inject,
    deliver,
    deliverSince,
    sync,
    payment,
    onboardSupplier,
    cardOrder,
    authorisedOrder,
    drive,
    paymentEvents,
  };
}
