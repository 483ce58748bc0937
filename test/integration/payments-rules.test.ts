import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import { paymentMetrics } from '../../src/core/metrics.js';
import { queryRows } from '../../src/db/rows.js';
import { createStripeGateway, StripeCallError } from '../../src/domain/payments/stripe.gateway.js';
import { createOrg } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';
import { FEE_BP, usePaymentsHarness } from '../helpers/payments.js';

/*
 * The rules around the card flow (see test/helpers/payments.ts for the fake Stripe set-up): partial capture,
 * declines, rate limits, idempotency-key reuse, refunds that fail later, the per-supplier fee and the metrics.
 */
const {
  authorisedOrder,
  capturedOrder,
  cardOrder,
  deliverSince,
  drive,
  h,
  inject,
  onboardSupplier,
  payment,
  paymentEvents,
  sync,
} = usePaymentsHarness();

beforeAll(async () => {
  await onboardSupplier();
});

const order = async (id: string) => (await inject(h.chef, 'GET', `/api/v1/orders/${id}`)).json();
const feeOf = (amount: number, bp: number) => Math.round((amount * bp) / 10_000);

describe('capture at delivery', () => {
  it('captures only the settled amount when it is less than the authorisation (partial capture)', async () => {
    // Quoted at the 2028 food rate (12 %), delivered today at 6 %: the delivered amount is below the authorisation.
    const { id, intentId } = await authorisedOrder(4, { delivery_date: '2028-01-05' });
    const authorised = (await payment(id)).authorised_cents as number;
    await drive(id, 'confirm', 'dispatch', 'deliver');
    const settled = (await order(id)).total_cents as number;
    expect(settled).toBeLessThan(authorised);

    await sync(id);
    const intent = h.fake.state.intent(intentId);
    expect(intent.amount).toBe(authorised);
    expect(intent.amount_received).toBe(settled);
    expect(intent.application_fee_amount).toBe(feeOf(settled, FEE_BP));
    expect(intent.transfer_data).toEqual({ destination: h.accountId });
    expect(await payment(id)).toMatchObject({
      status: 'captured',
      authorised_cents: authorised,
      captured_cents: settled,
      application_fee_cents: feeOf(settled, FEE_BP),
    });
  });
});

describe('card declines', () => {
  it('marks a declined confirmation failed, then authorises a second card', async () => {
    const id = await cardOrder(1);
    const created = await payment(id);
    // The client confirms with its publishable key through Stripe.js; here the SDK does what Stripe.js does.
    const client = new Stripe('pk_test_payments_suite', {
      host: '127.0.0.1',
      port: h.fake.listeningPort,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    const mark = h.fake.state.events.length;
    const declined = client.paymentIntents.confirm(created.payment_intent_id, {
      payment_method: 'pm_card_chargeDeclined',
    });
    await expect(declined).rejects.toBeInstanceOf(Stripe.errors.StripeCardError);
    const next = await deliverSince(mark);
    expect(await payment(id)).toMatchObject({ status: 'failed', failure_code: 'generic_decline' });
    expect(await paymentEvents(id)).toEqual(['payment.failed']);

    await client.paymentIntents.confirm(created.payment_intent_id, { payment_method: 'pm_card_visa' });
    await deliverSince(next);
    expect(await payment(id)).toMatchObject({ status: 'authorised', failure_code: null });
    expect(await paymentEvents(id)).toEqual(['payment.failed', 'payment.authorised']);
  });
});

describe('Stripe answers that must not double-apply', () => {
  it('retries a rate-limited (429) capture with the same idempotency key and captures once', async () => {
    const { id, intentId } = await authorisedOrder(1);
    await drive(id, 'confirm', 'dispatch', 'deliver');
    h.fake.faults.push({
      match: /^POST \/v1\/payment_intents\/[^/]+\/capture$/,
      kind: 'rate_limit',
      times: 1,
    });
    await expect(sync(id)).rejects.toThrow(/capture/);
    expect(await payment(id)).toMatchObject({
      status: 'authorised',
      last_error: expect.stringMatching(/Too many/),
    });
    await sync(id);
    const calls = h.fake.requests.filter((r) => r.path === `/v1/payment_intents/${intentId}/capture`);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);
    expect(await payment(id)).toMatchObject({ status: 'captured', last_error: null });
  });

  it('treats a 409 for an idempotency key reused with other parameters as final, and replays the same call', async () => {
    const gateway = createStripeGateway(h.ctx.config, paymentMetrics(new Registry()));
    const request = {
      orderId: '00000000-0000-4000-8000-000000000409',
      attempt: 1,
      amountCents: 10_000,
      feeCents: 750,
      currency: 'SEK',
      destination: h.accountId,
    };
    const first = await gateway.createIntent(request);
    const replay = await gateway.createIntent(request);
    expect(replay.id).toBe(first.id);
    const reused = gateway.createIntent({ ...request, amountCents: 20_000 });
    await expect(reused).rejects.toBeInstanceOf(StripeCallError);
    await expect(reused).rejects.toMatchObject({ kind: 'rejected', code: 'idempotency_key_reused' });
    const creates = h.fake.requests.filter(
      (r) =>
        r.path === '/v1/payment_intents' && r.idempotencyKey?.startsWith(`iris:order:${request.orderId}`),
    );
    expect(creates.map((c) => c.status)).toEqual([200, 200, 409]);
    expect(
      [...h.fake.state.intents.values()].filter((i) => i.metadata.order_id === request.orderId),
    ).toHaveLength(1);
  });
});

/** Makes a pending refund look older than the reconcile job's grace period. */
const ageRefund = (refundId: string) =>
  h.ctx.database.db.execute(
    sql`UPDATE payment_refunds SET created_at = now() - interval '10 minutes' WHERE id = ${refundId}`,
  );

describe('refunds the reconcile job finishes', () => {
  const REFUNDS = /^POST \/v1\/refunds$/;

  it('keeps a rate-limited refund pending and completes it from payments.reconcile', async () => {
    const { id } = await capturedOrder(1);
    h.fake.faults.push({ match: REFUNDS, kind: 'rate_limit', times: 1 });
    const res = await inject(h.owner, 'POST', `/api/v1/orders/${id}/refunds`, {
      amount_cents: 700,
      reason: 'en kartong saknades',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'pending', last_error: expect.stringMatching(/Too many/) });
    // A pending refund counts against what is left to refund.
    const captured = (await payment(id)).captured_cents as number;
    const over = await inject(h.owner, 'POST', `/api/v1/orders/${id}/refunds`, {
      amount_cents: captured - 700 + 1,
      reason: 'resten',
    });
    expect(over.json().code).toBe('REFUND_EXCEEDS_CAPTURED');

    await ageRefund(res.json().id);
    const result = await h.ctx.app.services.payments.reconcile();
    expect(result).toMatchObject({ refunds: 1, errors: 0 });
    const after = await payment(id);
    expect(after).toMatchObject({ status: 'partially_refunded', refunded_cents: 700 });
    expect(after.refunds[0]).toMatchObject({ status: 'succeeded', last_error: null });
    expect(h.fake.requests.filter((r) => r.path === '/v1/refunds').map((r) => r.status)).toEqual([429, 200]);
  });

  it('surfaces a refund Stripe refuses on the retry as failed, with its error', async () => {
    const { id, intentId } = await capturedOrder(1);
    h.fake.faults.push({ match: REFUNDS, kind: 'server_error', times: 1 });
    const res = await inject(h.owner, 'POST', `/api/v1/orders/${id}/refunds`, {
      amount_cents: 500,
      reason: 'fel vara',
    });
    expect(res.json().status).toBe('pending');
    // Meanwhile the whole charge is refunded in the Stripe dashboard; its event has not arrived yet.
    h.fake.state.refund({ payment_intent: intentId });
    await ageRefund(res.json().id);
    const result = await h.ctx.app.services.payments.reconcile();
    expect(result.errors).toBeGreaterThanOrEqual(1);
    const after = await payment(id);
    expect(after.refunds).toEqual([
      expect.objectContaining({
        id: res.json().id,
        status: 'failed',
        last_error: expect.stringMatching(/refund/i),
      }),
    ]);
    expect(after.refunded_cents).toBe(0);
    // A failed refund no longer holds back the amount: the full refund arrives by webhook and is applied.
    const mark = h.fake.state.events.findIndex(
      (e) => e.type === 'charge.refunded' && JSON.stringify(e).includes(intentId),
    );
    await deliverSince(mark);
    expect(await payment(id)).toMatchObject({ status: 'refunded', refunded_cents: after.captured_cents });
  });
});

describe('per-supplier fee', () => {
  it('uses an admin-set commission for orders placed after it, and the default again once cleared', async () => {
    const before = await authorisedOrder(1);
    const denied = await inject(h.owner, 'PUT', `/api/v1/suppliers/${h.supplierId}/payments/fee`, {
      fee_bp: 0,
    });
    expect(denied.statusCode).toBe(403);
    const set = await inject(h.admin, 'PUT', `/api/v1/suppliers/${h.supplierId}/payments/fee`, {
      fee_bp: 200,
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ fee_bp: 200, fee_bp_override: 200 });

    const after = await authorisedOrder(1);
    const total = (await order(after.id)).total_cents as number;
    expect(h.fake.state.intent(after.intentId).application_fee_amount).toBe(feeOf(total, 200));
    expect(h.fake.state.intent(before.intentId).application_fee_amount).toBe(feeOf(total, FEE_BP));
    await drive(after.id, 'confirm', 'dispatch', 'deliver');
    await sync(after.id);
    expect(await payment(after.id)).toMatchObject({ fee_bp: 200, application_fee_cents: feeOf(total, 200) });

    const cleared = await inject(h.admin, 'PUT', `/api/v1/suppliers/${h.supplierId}/payments/fee`, {
      fee_bp: null,
    });
    expect(cleared.json()).toMatchObject({ fee_bp: FEE_BP, fee_bp_override: null });
    const bad = await inject(h.admin, 'PUT', `/api/v1/suppliers/${h.supplierId}/payments/fee`, {
      fee_bp: 10_001,
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('metrics', () => {
  const scrape = async () =>
    (
      await h.ctx.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer metrics-token-for-tests' },
      })
    ).body;
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };

  it('counts webhook events by type and outcome and times Stripe requests by operation', async () => {
    const capturable =
      'iris_payment_events_total{type="payment_intent.amount_capturable_updated",outcome="applied"}';
    const creates = 'iris_stripe_request_seconds_count{operation="payment_intents.create",outcome="ok"}';
    const captures = 'iris_stripe_request_seconds_count{operation="payment_intents.capture",outcome="ok"}';
    const duplicates =
      'iris_payment_events_total{type="payment_intent.amount_capturable_updated",outcome="duplicate"}';
    const before = await scrape();

    const { id } = await authorisedOrder(1);
    const [event] = h.fake.state.events.filter(
      (e) => e.type === 'payment_intent.amount_capturable_updated' && JSON.stringify(e).includes(id),
    );
    if (!event) throw new Error('no amount_capturable_updated for the order');
    await deliverSince(h.fake.state.events.indexOf(event));
    await drive(id, 'confirm', 'dispatch', 'deliver');
    await sync(id);

    const after = await scrape();
    expect(value(after, capturable) - value(before, capturable)).toBe(1);
    expect(value(after, duplicates) - value(before, duplicates)).toBeGreaterThanOrEqual(1);
    expect(value(after, creates) - value(before, creates)).toBe(1);
    expect(value(after, captures) - value(before, captures)).toBe(1);
    expect(after).toMatch(
      /^iris_stripe_request_seconds_bucket\{.*operation="payment_intents\.capture".*\} \d+$/m,
    );
    const stored = await queryRows<{ n: number }>(
      h.ctx.database.db,
      sql`SELECT count(*)::int AS n FROM stripe_events WHERE event_id = ${event.id}`,
    );
    expect(stored[0]?.n).toBe(1);
  });
});

describe('refusals', () => {
  it('answers 404 for an unknown supplier and for a supplier that has not onboarded', async () => {
    const unknown = await inject(h.admin, 'GET', `/api/v1/suppliers/${randomUUID()}/payments`);
    expect(unknown.json().code).toBe('SUPPLIER_NOT_FOUND');
    const fresh = await createOrg(h.ctx.database.db, 'supplier', 'Ny Grossist AB');
    const none = await inject(h.admin, 'GET', `/api/v1/suppliers/${fresh}/payments`);
    expect([none.statusCode, none.json().code]).toEqual([404, 'PAYMENT_ACCOUNT_NOT_FOUND']);
  });

  it('answers 502 when Stripe fails during onboarding, and the retry creates one account', async () => {
    const fresh = await createOrg(h.ctx.database.db, 'supplier', 'Strulig Grossist AB');
    h.fake.faults.push({ match: /^POST \/v1\/accounts$/, kind: 'server_error', times: 1 });
    const url = `/api/v1/suppliers/${fresh}/payments/onboarding`;
    const failed = await inject(h.admin, 'POST', url, {});
    expect([failed.statusCode, failed.json().code]).toEqual([502, 'PAYMENT_PROCESSING_ERROR']);
    const retried = await inject(h.admin, 'POST', url, {});
    expect(retried.statusCode).toBe(200);
    const accounts = [...h.fake.state.accounts.values()].filter((a) => a.metadata.supplier_id === fresh);
    expect(accounts).toHaveLength(1);
  });

  it('refuses a refund before capture, a payment of an invoice order, and a card order under 3 kr', async () => {
    const { id } = await authorisedOrder(1);
    const early = await inject(h.owner, 'POST', `/api/v1/orders/${id}/refunds`, {
      amount_cents: 100,
      reason: 'x',
    });
    expect([early.statusCode, early.json().code]).toEqual([422, 'REFUND_NOT_ALLOWED']);

    const invoice = await placeOrder(h.ctx.app, h.chef.headers, {
      restaurant_id: h.restaurantId,
      supplier_id: h.supplierId,
      lines: [{ product_id: h.productId, quantity: 1 }],
    });
    const none = await inject(h.chef, 'GET', `/api/v1/orders/${invoice.json().id}/payment`);
    expect([none.statusCode, none.json().code]).toEqual([404, 'PAYMENT_NOT_FOUND']);

    const cheap = await createProduct(h.ctx.database.db, h.supplierId, {
      priceCents: 100,
      vatCategory: 'food',
    });
    const small = await placeOrder(h.ctx.app, h.chef.headers, {
      restaurant_id: h.restaurantId,
      supplier_id: h.supplierId,
      payment_method: 'card',
      lines: [{ product_id: cheap, quantity: 1 }],
    });
    expect([small.statusCode, small.json().code]).toEqual([422, 'CARD_PAYMENTS_UNAVAILABLE']);
    expect(small.json().message).toMatch(/3,00 kr/);
  });
});
