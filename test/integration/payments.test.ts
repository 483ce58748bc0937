import { sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { createJobServices } from '../../src/services.js';
import { paymentsSyncJob } from '../../src/workers/payments.processor.js';
import type { FakeEvent } from '../../src/dev/fake-stripe/state.js';
import { FEE_BP, usePaymentsHarness } from '../helpers/payments.js';
import { placeOrder } from '../helpers/orders.js';

/* Card payments end to end against the fake Stripe (see test/helpers/payments.ts). */
const { h, inject, deliver, deliverSince, sync, payment, cardOrder, authorisedOrder, drive, paymentEvents } =
  usePaymentsHarness();

describe('onboarding', () => {
  it('refuses card orders before the supplier can take charges', async () => {
    const res = await placeOrder(h.ctx.app, h.chef.headers, {
      restaurant_id: h.restaurantId,
      supplier_id: h.supplierId,
      payment_method: 'card',
      lines: [{ product_id: h.productId, quantity: 1 }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('CARD_PAYMENTS_UNAVAILABLE');
  });

  it('creates one Express account however often it is asked', async () => {
    const first = await inject(h.owner, 'POST', `/api/v1/suppliers/${h.supplierId}/payments/onboarding`, {});
    expect(first.statusCode).toBe(200);
    const second = await inject(h.owner, 'POST', `/api/v1/suppliers/${h.supplierId}/payments/onboarding`, {});
    expect(second.statusCode).toBe(200);
    h.accountId = first.json().stripe_account_id;
    expect(second.json().stripe_account_id).toBe(h.accountId);
    expect(h.fake.state.accounts.size).toBe(1);
    expect(first.json().charges_enabled).toBe(false);
    expect(first.json().onboarding_url).toContain(h.accountId);
  });

  it('is kept current by account.updated', async () => {
    const event = h.fake.state.events.length;
    h.fake.state.completeOnboarding(h.accountId);
    await deliverSince(event);
    const res = await inject(h.owner, 'GET', `/api/v1/suppliers/${h.supplierId}/payments`);
    expect(res.json()).toMatchObject({ charges_enabled: true, payouts_enabled: true, fee_bp: FEE_BP });
    expect(res.json().requirements.currently_due).toEqual([]);
  });
});

describe('card order lifecycle', () => {
  it('authorises with a manual-capture destination charge and captures the order total at delivery', async () => {
    const { id, intentId } = await authorisedOrder(2);
    const intent = h.fake.state.intent(intentId);
    const order = (await inject(h.chef, 'GET', `/api/v1/orders/${id}`)).json();
    expect(intent.capture_method).toBe('manual');
    expect(intent.transfer_data).toEqual({ destination: h.accountId });
    expect(intent.amount).toBe(order.total_cents);
    expect(intent.application_fee_amount).toBe(Math.round((order.total_cents * FEE_BP) / 10_000));
    expect(intent.metadata.order_id).toBe(id);
    expect(order.payment.client_secret).toBe(intent.client_secret);

    await drive(id, 'confirm', 'dispatch', 'deliver');
    const mark = h.fake.state.events.length;
    await sync(id);
    await deliverSince(mark); // payment_intent.succeeded after our own capture: no second effect
    const paid = await payment(id);
    expect(paid.status).toBe('captured');
    expect(paid.captured_cents).toBe(order.total_cents);
    expect(h.fake.state.intent(intentId).amount_received).toBe(order.total_cents);
    const captures = h.fake.requests.filter((r) => r.path.endsWith('/capture') && r.status === 200);
    expect(captures).toHaveLength(1);
  });

  it('cancels the intent when the order is cancelled before capture', async () => {
    const { id, intentId } = await authorisedOrder(1);
    await drive(id, 'cancel');
    const mark = h.fake.state.events.length;
    await sync(id);
    await deliverSince(mark);
    expect(h.fake.state.intent(intentId).status).toBe('canceled');
    expect((await payment(id)).status).toBe('cancelled');
  });

  it('refuses a refund over the captured amount and refunds partly', async () => {
    const { id } = await authorisedOrder(3);
    await drive(id, 'confirm', 'dispatch', 'deliver');
    await sync(id);
    const captured = (await payment(id)).captured_cents as number;
    const over = await inject(h.owner, 'POST', `/api/v1/orders/${id}/refunds`, {
      amount_cents: captured + 1,
      reason: 'för mycket',
    });
    expect(over.statusCode).toBe(422);
    expect(over.json().code).toBe('REFUND_EXCEEDS_CAPTURED');
    expect(h.fake.requests.filter((r) => r.path === '/v1/refunds')).toHaveLength(0);

    const mark = h.fake.state.events.length;
    const part = await inject(h.owner, 'POST', `/api/v1/orders/${id}/refunds`, {
      amount_cents: 1000,
      reason: 'skadad låda',
    });
    expect(part.statusCode).toBe(201);
    expect(part.json()).toMatchObject({ amount_cents: 1000, status: 'succeeded' });
    await deliverSince(mark); // charge.refunded for the same refund: no double count
    const after = await payment(id);
    expect(after).toMatchObject({ status: 'partially_refunded', refunded_cents: 1000 });

    const rest = await inject(h.owner, 'POST', `/api/v1/orders/${id}/refunds`, {
      amount_cents: captured - 1000 + 1,
      reason: 'allt',
    });
    expect(rest.statusCode).toBe(422);
  });
});

const storedEvents = async (eventId: string) =>
  (
    await queryRows<{ n: number }>(
      h.ctx.database.db,
      sql`SELECT count(*)::int AS n FROM stripe_events WHERE event_id = ${eventId}`,
    )
  )[0]?.n;

/** A card order with an intent; the customer's confirmation happened at the h.fake but was not delivered yet. */
async function confirmedUndelivered(): Promise<{ id: string; intentId: string; event: FakeEvent }> {
  const id = await cardOrder(1);
  await sync(id);
  const intentId = (await payment(id)).payment_intent_id as string;
  const mark = h.fake.state.events.length;
  h.fake.state.confirm(intentId, { payment_method: 'pm_card_visa' });
  const event = h.fake.state.events
    .slice(mark)
    .find((e) => e.type === 'payment_intent.amount_capturable_updated');
  if (!event) throw new Error('the h.fake emitted no amount_capturable_updated');
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
    const { signature } = h.fake.sign(event);
    const reserialised = await h.ctx.app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      payload: JSON.stringify(event),
    });
    expect(reserialised.statusCode).toBe(400);
    const stale = h.fake.sign(event, Math.floor(Date.now() / 1000) - 600);
    const old = await h.ctx.app.inject({
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
    const mark = h.fake.state.events.length;
    h.fake.state.capture(intentId, {});
    const succeeded = h.fake.state.events.slice(mark).find((e) => e.type === 'payment_intent.succeeded');
    if (!succeeded) throw new Error('the h.fake emitted no payment_intent.succeeded');
    expect((await deliver(succeeded)).statusCode).toBe(200);
    expect((await deliver(authorised)).statusCode).toBe(200);
    const state = await payment(id);
    expect(state.status).toBe('captured');
    expect(state.captured_cents).toBe(h.fake.state.intent(intentId).amount_received);
    expect(await paymentEvents(id)).toEqual(['payment.captured']);
  });

  it('answers 200 to unknown event types and records them without effect', async () => {
    const event = h.fake.state.event('customer.created', { id: 'cus_123', object: 'customer' });
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
    h.fake.requests.filter((r) => r.path === `/v1/payment_intents/${intentId}/capture`);

  it('retries a capture that got a 500 with the same idempotency key, capturing once', async () => {
    const { id, intentId } = await authorisedOrder(1);
    await drive(id, 'confirm', 'dispatch', 'deliver');
    h.fake.faults.push({ match: CAPTURE, kind: 'server_error', times: 1 });
    await expect(sync(id)).rejects.toThrow(/capture/);
    expect((await payment(id)).status).toBe('authorised');
    await sync(id);
    const calls = capturesOf(intentId);
    expect(calls.map((c) => c.status)).toEqual([500, 200]);
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(h.fake.state.intent(intentId).status).toBe('succeeded');
    expect(await payment(id)).toMatchObject({
      status: 'captured',
      captured_cents: h.fake.state.intent(intentId).amount_received,
    });
  });

  it('retries a capture whose answer timed out with the same key; the replay is the one capture', async () => {
    const { id, intentId } = await authorisedOrder(1);
    await drive(id, 'confirm', 'dispatch', 'deliver');
    h.fake.faults.push({ match: CAPTURE, kind: 'slow_response', times: 1, delayMs: 3_000 });
    await expect(sync(id)).rejects.toThrow(/capture/);
    await sync(id);
    // The timed-out request is logged by the h.fake once its late answer goes out.
    await vi.waitFor(
      () => {
        expect(capturesOf(intentId)).toHaveLength(2);
      },
      { timeout: 10_000 },
    );
    const keys = capturesOf(intentId).map((c) => c.idempotencyKey);
    expect(new Set(keys).size).toBe(1);
    const succeeded = h.fake.state.events.filter(
      (e) => e.type === 'payment_intent.succeeded' && (e.data.object as { id: string }).id === intentId,
    );
    expect(succeeded).toHaveLength(1);
    expect((await payment(id)).status).toBe('captured');
  });

  it('places a card order while Stripe is down and creates its intent later', async () => {
    await h.fake.stop();
    let id: string;
    try {
      id = await cardOrder(1, 'pending');
      await expect(sync(id)).rejects.toThrow();
      const waiting = await payment(id);
      expect(waiting).toMatchObject({ status: 'pending', client_secret: null, payment_intent_id: null });
      expect(waiting.last_error).toEqual(expect.any(String));
    } finally {
      await h.fake.start();
    }
    await sync(id);
    const later = await payment(id);
    expect(later.status).toBe('requires_confirmation');
    const order = (await inject(h.chef, 'GET', `/api/v1/orders/${id}`)).json();
    expect(order.payment.client_secret).toBe(h.fake.state.intent(later.payment_intent_id).client_secret);
  });
});

describe('authorisation expiry', () => {
  it('shows a lapsed authorisation and requests a new one on a fresh intent', async () => {
    const { id, intentId } = await authorisedOrder(1);
    const mark = h.fake.state.events.length;
    h.fake.state.expire(intentId);
    await deliverSince(mark);
    const lapsed = await payment(id);
    expect(lapsed).toMatchObject({ status: 'expired', authorised_cents: 0 });
    expect(lapsed.expired_at).toEqual(expect.any(String));
    expect(await paymentEvents(id)).toEqual(['payment.authorised', 'payment.authorisation_expired']);
    await sync(id);
    const renewed = await payment(id);
    expect(renewed).toMatchObject({ status: 'requires_confirmation', intent_attempt: 2 });
    expect(renewed.payment_intent_id).not.toBe(intentId);
    expect(h.fake.state.intent(renewed.payment_intent_id).amount).toBe(h.fake.state.intent(intentId).amount);
  });
});

describe('refund, dispute and payout events', () => {
  it('counts a repeated charge.refunded once and marks a dispute', async () => {
    const { id, intentId } = await authorisedOrder(1);
    await drive(id, 'confirm', 'dispatch', 'deliver');
    await sync(id);
    const mark = h.fake.state.events.length;
    h.fake.state.refund({ payment_intent: intentId, amount: '500' });
    const refunded = h.fake.state.events.slice(mark).find((e) => e.type === 'charge.refunded');
    if (!refunded) throw new Error('the h.fake emitted no charge.refunded');
    expect((await deliver(refunded)).json().outcome).toBe('applied');
    expect((await deliver(refunded)).json().outcome).toBe('duplicate');
    expect((await deliver({ ...refunded, id: `${refunded.id}_again` })).json().outcome).toBe('stale');
    expect(await payment(id)).toMatchObject({ status: 'partially_refunded', refunded_cents: 500 });

    const dispute = h.fake.state.dispute(intentId, 'product_not_received');
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
    const paid = h.fake.state.payout(h.accountId, 42_000, 'paid');
    expect((await deliver(paid)).json().outcome).toBe('applied');
    const failed = h.fake.state.payout(h.accountId, 1_000, 'failed');
    expect((await deliver(failed)).json().outcome).toBe('applied');
    const list = (await inject(h.owner, 'GET', `/api/v1/suppliers/${h.supplierId}/payouts`)).json();
    expect(list.payouts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ amount_cents: 42_000, status: 'paid' }),
        expect.objectContaining({ amount_cents: 1_000, status: 'failed', failure_code: 'account_closed' }),
      ]),
    );
    const stranger = h.fake.state.createAccount({ type: 'express' });
    const res = await deliver(h.fake.state.payout(stranger.id, 5_000, 'paid'));
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe('unknown_account');
  });
});

describe('payments.sync job', () => {
  it('creates the intent from the order.placed outbox event, in the worker process wiring', async () => {
    h.fake.faults.push({ match: /^POST \/v1\/payment_intents$/, kind: 'server_error', times: 1 });
    const id = await cardOrder(1, 'pending');
    const [placed] = await queryRows<{ id: string; event_type: string; payload: unknown }>(
      h.ctx.database.db,
      sql`SELECT id, event_type, payload FROM outbox_events WHERE aggregate_id = ${id} AND event_type = 'order.placed'`,
    );
    if (!placed) throw new Error('no order.placed in the outbox');
    const services = await createJobServices({ config: h.ctx.config, db: h.ctx.database.db });
    try {
      const job = paymentsSyncJob(services.paymentSync);
      const data = job.payload.parse({
        event_id: placed.id,
        event_type: placed.event_type,
        occurred_at: new Date().toISOString(),
        payload: placed.payload,
      });
      await job.process(data, { jobId: 'test', attempt: 1, log: h.ctx.app.log });
    } finally {
      await services.close();
    }
    const created = await payment(id);
    expect(created.status).toBe('requires_confirmation');
    expect(h.fake.state.intent(created.payment_intent_id).metadata.order_id).toBe(id);
  });
});
