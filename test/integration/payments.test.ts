import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { createJobServices } from '../../src/services.js';
import { paymentsSyncJob } from '../../src/workers/payments.processor.js';
import { FakeStripe } from '../../src/dev/fake-stripe/server.js';
import type { FakeEvent } from '../../src/dev/fake-stripe/state.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';

/*
 * Card payments end to end: the real `stripe` SDK (PAYMENTS_PROVIDER=stripe, STRIPE_API_BASE) talks to the fake
 * Stripe server on 127.0.0.1; its signed events are delivered to /webhooks/stripe by the test (so each delivery
 * is awaited), and the payments.sync job's work is run by calling the sync the job processor calls.
 */
const SECRET_KEY = 'sk_test_payments_suite';
const WEBHOOK_SECRET = 'whsec_payments_suite';
const FEE_BP = 750;

let fake: FakeStripe;
let ctx: TestContext;
let chef: TestUser;
let owner: TestUser;
let admin: TestUser;
let restaurantId: string;
let supplierId: string;
let productId: string;
let accountId: string;

const inject = (user: TestUser, method: 'GET' | 'POST', url: string, payload?: object) =>
  ctx.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });

const deliver = (event: FakeEvent | string, signature?: string) => {
  const signed = fake.sign(event);
  return ctx.app.inject({
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
  const events = fake.state.events.slice(from);
  for (const event of events) expect((await deliver(event)).statusCode).toBe(200);
  return from + events.length;
}

const sync = (orderId: string) => ctx.app.services.payments.sync(orderId);
const payment = async (orderId: string) =>
  (await inject(admin, 'GET', `/api/v1/orders/${orderId}/payment`)).json();

async function cardOrder(quantity = 2): Promise<string> {
  const res = await placeOrder(ctx.app, chef.headers, {
    restaurant_id: restaurantId,
    supplier_id: supplierId,
    payment_method: 'card',
    lines: [{ product_id: productId, quantity }],
  });
  expect(res.statusCode).toBe(201);
  expect(res.json().payment.status).toBe('pending');
  return res.json().id as string;
}

/** A card order whose intent exists and whose customer has confirmed (authorised, webhook applied). */
async function authorisedOrder(quantity = 2): Promise<{ id: string; intentId: string }> {
  const id = await cardOrder(quantity);
  await sync(id);
  const created = await payment(id);
  expect(created.status).toBe('requires_confirmation');
  const mark = fake.state.events.length;
  fake.state.confirm(created.payment_intent_id, { payment_method: 'pm_card_visa' });
  await deliverSince(mark);
  expect((await payment(id)).status).toBe('authorised');
  return { id, intentId: created.payment_intent_id as string };
}

async function drive(id: string, ...steps: string[]) {
  for (const step of steps)
    expect((await inject(admin, 'POST', `/api/v1/orders/${id}/${step}`, {})).statusCode).toBe(200);
}

beforeAll(async () => {
  fake = await new FakeStripe({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET }).start();
  ctx = await createTestContext({
    PAYMENTS_PROVIDER: 'stripe',
    STRIPE_SECRET_KEY: SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_BASE: fake.url,
    STRIPE_TIMEOUT_MS: '2000',
    PAYMENTS_PLATFORM_FEE_BP: String(FEE_BP),
  });
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  owner = await createUser(db, ctx.config, 'SUPPLIER');
  admin = await createUser(db, ctx.config, 'ADMIN');
  restaurantId = await createOrg(db, 'restaurant', 'Krogen Kortet AB', [{ user: chef, role: 'owner' }]);
  supplierId = await createOrg(db, 'supplier', 'Kortfisk AB', [{ user: owner, role: 'owner' }]);
  productId = await createProduct(db, supplierId, {
    priceCents: 12_500,
    vatCategory: 'food',
    stockQuantity: '10000.000',
  });
});
afterAll(async () => {
  await ctx.close();
  await fake.stop();
});

describe('onboarding', () => {
  it('refuses card orders before the supplier can take charges', async () => {
    const res = await placeOrder(ctx.app, chef.headers, {
      restaurant_id: restaurantId,
      supplier_id: supplierId,
      payment_method: 'card',
      lines: [{ product_id: productId, quantity: 1 }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('CARD_PAYMENTS_UNAVAILABLE');
  });

  it('creates one Express account however often it is asked', async () => {
    const first = await inject(owner, 'POST', `/api/v1/suppliers/${supplierId}/payments/onboarding`, {});
    expect(first.statusCode).toBe(200);
    const second = await inject(owner, 'POST', `/api/v1/suppliers/${supplierId}/payments/onboarding`, {});
    expect(second.statusCode).toBe(200);
    accountId = first.json().stripe_account_id;
    expect(second.json().stripe_account_id).toBe(accountId);
    expect(fake.state.accounts.size).toBe(1);
    expect(first.json().charges_enabled).toBe(false);
    expect(first.json().onboarding_url).toContain(accountId);
  });

  it('is kept current by account.updated', async () => {
    const event = fake.state.events.length;
    fake.state.completeOnboarding(accountId);
    await deliverSince(event);
    const res = await inject(owner, 'GET', `/api/v1/suppliers/${supplierId}/payments`);
    expect(res.json()).toMatchObject({ charges_enabled: true, payouts_enabled: true, fee_bp: FEE_BP });
    expect(res.json().requirements.currently_due).toEqual([]);
  });
});

describe('card order lifecycle', () => {
  it('authorises with a manual-capture destination charge and captures the order total at delivery', async () => {
    const { id, intentId } = await authorisedOrder(2);
    const intent = fake.state.intent(intentId);
    const order = (await inject(chef, 'GET', `/api/v1/orders/${id}`)).json();
    expect(intent.capture_method).toBe('manual');
    expect(intent.transfer_data).toEqual({ destination: accountId });
    expect(intent.amount).toBe(order.total_cents);
    expect(intent.application_fee_amount).toBe(Math.round((order.total_cents * FEE_BP) / 10_000));
    expect(intent.metadata.order_id).toBe(id);
    expect(order.payment.client_secret).toBe(intent.client_secret);

    await drive(id, 'confirm', 'dispatch', 'deliver');
    const mark = fake.state.events.length;
    await sync(id);
    await deliverSince(mark); // payment_intent.succeeded after our own capture: no second effect
    const paid = await payment(id);
    expect(paid.status).toBe('captured');
    expect(paid.captured_cents).toBe(order.total_cents);
    expect(fake.state.intent(intentId).amount_received).toBe(order.total_cents);
    const captures = fake.requests.filter((r) => r.path.endsWith('/capture') && r.status === 200);
    expect(captures).toHaveLength(1);
  });

  it('cancels the intent when the order is cancelled before capture', async () => {
    const { id, intentId } = await authorisedOrder(1);
    await drive(id, 'cancel');
    const mark = fake.state.events.length;
    await sync(id);
    await deliverSince(mark);
    expect(fake.state.intent(intentId).status).toBe('canceled');
    expect((await payment(id)).status).toBe('cancelled');
  });

  it('refuses a refund over the captured amount and refunds partly', async () => {
    const { id } = await authorisedOrder(3);
    await drive(id, 'confirm', 'dispatch', 'deliver');
    await sync(id);
    const captured = (await payment(id)).captured_cents as number;
    const over = await inject(owner, 'POST', `/api/v1/orders/${id}/refunds`, {
      amount_cents: captured + 1,
      reason: 'för mycket',
    });
    expect(over.statusCode).toBe(422);
    expect(over.json().code).toBe('REFUND_EXCEEDS_CAPTURED');
    expect(fake.requests.filter((r) => r.path === '/v1/refunds')).toHaveLength(0);

    const mark = fake.state.events.length;
    const part = await inject(owner, 'POST', `/api/v1/orders/${id}/refunds`, {
      amount_cents: 1000,
      reason: 'skadad låda',
    });
    expect(part.statusCode).toBe(201);
    expect(part.json()).toMatchObject({ amount_cents: 1000, status: 'succeeded' });
    await deliverSince(mark); // charge.refunded for the same refund: no double count
    const after = await payment(id);
    expect(after).toMatchObject({ status: 'partially_refunded', refunded_cents: 1000 });

    const rest = await inject(owner, 'POST', `/api/v1/orders/${id}/refunds`, {
      amount_cents: captured - 1000 + 1,
      reason: 'allt',
    });
    expect(rest.statusCode).toBe(422);
  });
});

/** The payment events written to the outbox for an order's payment. */
async function paymentEvents(orderId: string): Promise<string[]> {
  const rows = await queryRows<{ event_type: string }>(
    ctx.database.db,
    sql`SELECT event_type FROM outbox_events WHERE aggregate_type = 'payment'
        AND payload->>'order_id' = ${orderId} ORDER BY created_at`,
  );
  return rows.map((r) => r.event_type);
}

const storedEvents = async (eventId: string) =>
  (
    await queryRows<{ n: number }>(
      ctx.database.db,
      sql`SELECT count(*)::int AS n FROM stripe_events WHERE event_id = ${eventId}`,
    )
  )[0]?.n;

/** A card order with an intent; the customer's confirmation happened at the fake but was not delivered yet. */
async function confirmedUndelivered(): Promise<{ id: string; intentId: string; event: FakeEvent }> {
  const id = await cardOrder(1);
  await sync(id);
  const intentId = (await payment(id)).payment_intent_id as string;
  const mark = fake.state.events.length;
  fake.state.confirm(intentId, { payment_method: 'pm_card_visa' });
  const event = fake.state.events
    .slice(mark)
    .find((e) => e.type === 'payment_intent.amount_capturable_updated');
  if (!event) throw new Error('the fake emitted no amount_capturable_updated');
  return { id, intentId, event };
}

describe('webhooks', () => {
  it('rejects a missing, wrong or re-serialised signature with 400 and applies nothing', async () => {
    const { id, event } = await confirmedUndelivered();
    const missing = await deliver(event, '');
    expect(missing.statusCode).toBe(400);
    const wrong = await deliver(event, `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const { signature } = fake.sign(event);
    const reserialised = await ctx.app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      payload: JSON.stringify(event),
    });
    expect(reserialised.statusCode).toBe(400);
    const stale = fake.sign(event, Math.floor(Date.now() / 1000) - 600);
    const old = await ctx.app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': stale.signature },
      payload: stale.payload,
    });
    expect(old.statusCode).toBe(400);
    expect((await payment(id)).status).toBe('requires_confirmation');
    expect(await storedEvents(event.id)).toBe(0);
    expect(await paymentEvents(id)).toEqual([]);
  });

  it('applies one event delivered 20 times concurrently exactly once', async () => {
    const { id, event } = await confirmedUndelivered();
    const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(event)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(answers.filter((a) => a.json().outcome === 'applied')).toHaveLength(1);
    expect(await storedEvents(event.id)).toBe(1);
    expect(await paymentEvents(id)).toEqual(['payment.authorised']);
    expect((await payment(id)).status).toBe('authorised');
  });

  it('ends captured when succeeded arrives before amount_capturable_updated', async () => {
    const { id, intentId, event: authorised } = await confirmedUndelivered();
    const mark = fake.state.events.length;
    fake.state.capture(intentId, {});
    const succeeded = fake.state.events.slice(mark).find((e) => e.type === 'payment_intent.succeeded');
    if (!succeeded) throw new Error('the fake emitted no payment_intent.succeeded');
    expect((await deliver(succeeded)).statusCode).toBe(200);
    expect((await deliver(authorised)).statusCode).toBe(200);
    const state = await payment(id);
    expect(state.status).toBe('captured');
    expect(state.captured_cents).toBe(fake.state.intent(intentId).amount_received);
    expect(await paymentEvents(id)).toEqual(['payment.captured']);
  });

  it('answers 200 to unknown event types and records them without effect', async () => {
    const event = fake.state.event('customer.created', { id: 'cus_123', object: 'customer' });
    const res = await deliver(event);
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe('unhandled');
    expect(await storedEvents(event.id)).toBe(1);
  });

  it('ignores an event whose livemode differs from the configured key', async () => {
    const { id, event } = await confirmedUndelivered();
    const live = { ...event, id: `${event.id}_live`, livemode: true };
    const res = await deliver(live);
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe('livemode_mismatch');
    expect((await payment(id)).status).toBe('requires_confirmation');
    expect(await paymentEvents(id)).toEqual([]);
    expect((await deliver(event)).json().outcome).toBe('applied');
  });
});

describe('Stripe failures', () => {
  const CAPTURE = /^POST \/v1\/payment_intents\/[^/]+\/capture$/;
  const capturesOf = (intentId: string) =>
    fake.requests.filter((r) => r.path === `/v1/payment_intents/${intentId}/capture`);

  it('retries a capture that got a 500 with the same idempotency key, capturing once', async () => {
    const { id, intentId } = await authorisedOrder(1);
    await drive(id, 'confirm', 'dispatch', 'deliver');
    fake.faults.push({ match: CAPTURE, kind: 'server_error', times: 1 });
    await expect(sync(id)).rejects.toThrow(/capture/);
    expect((await payment(id)).status).toBe('authorised');
    await sync(id);
    const calls = capturesOf(intentId);
    expect(calls.map((c) => c.status)).toEqual([500, 200]);
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(fake.state.intent(intentId).status).toBe('succeeded');
    expect(await payment(id)).toMatchObject({
      status: 'captured',
      captured_cents: fake.state.intent(intentId).amount_received,
    });
  });

  it('retries a capture whose answer timed out with the same key; the replay is the one capture', async () => {
    const { id, intentId } = await authorisedOrder(1);
    await drive(id, 'confirm', 'dispatch', 'deliver');
    fake.faults.push({ match: CAPTURE, kind: 'slow_response', times: 1, delayMs: 3_000 });
    await expect(sync(id)).rejects.toThrow(/capture/);
    await sync(id);
    // The timed-out request is logged by the fake once its late answer goes out.
    await vi.waitFor(
      () => {
        expect(capturesOf(intentId)).toHaveLength(2);
      },
      { timeout: 10_000 },
    );
    const keys = capturesOf(intentId).map((c) => c.idempotencyKey);
    expect(new Set(keys).size).toBe(1);
    const succeeded = fake.state.events.filter(
      (e) => e.type === 'payment_intent.succeeded' && (e.data.object as { id: string }).id === intentId,
    );
    expect(succeeded).toHaveLength(1);
    expect((await payment(id)).status).toBe('captured');
  });

  it('places a card order while Stripe is down and creates its intent later', async () => {
    await fake.stop();
    let id: string;
    try {
      id = await cardOrder(1);
      await expect(sync(id)).rejects.toThrow();
      const waiting = await payment(id);
      expect(waiting).toMatchObject({ status: 'pending', client_secret: null, payment_intent_id: null });
      expect(waiting.last_error).toEqual(expect.any(String));
    } finally {
      await fake.start();
    }
    await sync(id);
    const later = await payment(id);
    expect(later.status).toBe('requires_confirmation');
    const order = (await inject(chef, 'GET', `/api/v1/orders/${id}`)).json();
    expect(order.payment.client_secret).toBe(fake.state.intent(later.payment_intent_id).client_secret);
  });
});

describe('authorisation expiry', () => {
  it('shows a lapsed authorisation and requests a new one on a fresh intent', async () => {
    const { id, intentId } = await authorisedOrder(1);
    const mark = fake.state.events.length;
    fake.state.expire(intentId);
    await deliverSince(mark);
    const lapsed = await payment(id);
    expect(lapsed).toMatchObject({ status: 'expired', authorised_cents: 0 });
    expect(lapsed.expired_at).toEqual(expect.any(String));
    expect(await paymentEvents(id)).toEqual(['payment.authorised', 'payment.authorisation_expired']);
    await sync(id);
    const renewed = await payment(id);
    expect(renewed).toMatchObject({ status: 'requires_confirmation', intent_attempt: 2 });
    expect(renewed.payment_intent_id).not.toBe(intentId);
    expect(fake.state.intent(renewed.payment_intent_id).amount).toBe(fake.state.intent(intentId).amount);
  });
});

describe('refund, dispute and payout events', () => {
  it('counts a repeated charge.refunded once and marks a dispute', async () => {
    const { id, intentId } = await authorisedOrder(1);
    await drive(id, 'confirm', 'dispatch', 'deliver');
    await sync(id);
    const mark = fake.state.events.length;
    fake.state.refund({ payment_intent: intentId, amount: '500' });
    const refunded = fake.state.events.slice(mark).find((e) => e.type === 'charge.refunded');
    if (!refunded) throw new Error('the fake emitted no charge.refunded');
    expect((await deliver(refunded)).json().outcome).toBe('applied');
    expect((await deliver(refunded)).json().outcome).toBe('duplicate');
    expect((await deliver({ ...refunded, id: `${refunded.id}_again` })).json().outcome).toBe('stale');
    expect(await payment(id)).toMatchObject({ status: 'partially_refunded', refunded_cents: 500 });

    const dispute = fake.state.dispute(intentId, 'product_not_received');
    expect((await deliver(dispute)).json().outcome).toBe('applied');
    expect(await payment(id)).toMatchObject({ disputed: true, dispute_reason: 'product_not_received' });
    expect(await paymentEvents(id)).toEqual([
      'payment.authorised',
      'payment.captured',
      'payment.refunded',
      'payment.disputed',
    ]);
  });

  it('records payouts of a connected account and answers 200 for an unknown account', async () => {
    const paid = fake.state.payout(accountId, 42_000, 'paid');
    expect((await deliver(paid)).json().outcome).toBe('applied');
    const failed = fake.state.payout(accountId, 1_000, 'failed');
    expect((await deliver(failed)).json().outcome).toBe('applied');
    const list = (await inject(owner, 'GET', `/api/v1/suppliers/${supplierId}/payouts`)).json();
    expect(list.payouts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ amount_cents: 42_000, status: 'paid' }),
        expect.objectContaining({ amount_cents: 1_000, status: 'failed', failure_code: 'account_closed' }),
      ]),
    );
    const stranger = fake.state.createAccount({ type: 'express' });
    const res = await deliver(fake.state.payout(stranger.id, 5_000, 'paid'));
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe('unknown_account');
  });
});

describe('payments.sync job', () => {
  it('creates the intent from the order.placed outbox event, in the worker process wiring', async () => {
    const id = await cardOrder(1);
    const [placed] = await queryRows<{ id: string; event_type: string; payload: unknown }>(
      ctx.database.db,
      sql`SELECT id, event_type, payload FROM outbox_events WHERE aggregate_id = ${id} AND event_type = 'order.placed'`,
    );
    if (!placed) throw new Error('no order.placed in the outbox');
    const services = await createJobServices({ config: ctx.config, db: ctx.database.db });
    try {
      const job = paymentsSyncJob(services.paymentSync);
      const data = job.payload.parse({
        event_id: placed.id,
        event_type: placed.event_type,
        occurred_at: new Date().toISOString(),
        payload: placed.payload,
      });
      await job.process(data, { jobId: 'test', attempt: 1, log: ctx.app.log });
    } finally {
      await services.close();
    }
    const created = await payment(id);
    expect(created.status).toBe('requires_confirmation');
    expect(fake.state.intent(created.payment_intent_id).metadata.order_id).toBe(id);
  });
});
