import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerJobMetrics } from '../../src/core/metrics.js';
import { queryRows } from '../../src/db/rows.js';
import { addDays } from '../../src/domain/forecasts/engine/series.js';
import { localToday } from '../../src/domain/forecasts/forecasts.training.js';
import { createPricingJob } from '../../src/domain/pricing/pricing.job.js';
import { pricingRefreshJob } from '../../src/workers/pricing-refresh.processor.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';

let ctx: TestContext;
const users: Record<string, TestUser> = {};
let s1: string;
let s2: string;
let r1: string;
let r2: string;
const log = pino({ level: 'silent' });
const today = localToday('Europe/Stockholm');
const job = () => createPricingJob({ db: ctx.database.db, timezone: 'Europe/Stockholm' });

const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(ctx.database.db, query);
const api = (
  user: TestUser,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
) => ctx.app.inject({ method, url: `/api/v1${url}`, headers: user.headers, ...(payload ? { payload } : {}) });

const bounds = {
  min_price_cents: 700,
  max_price_cents: 1100,
  max_daily_change_bp: 500,
  max_weekly_change_bp: 1500,
};
const stockSignal = { high_cover_days: 14, near_best_before_days: 4, max_discount_bp: 2000 };
const demandSignal = {
  horizon_days: 7,
  recent_days: 28,
  threshold_bp: 1000,
  response_pct: 25,
  max_adjust_bp: 800,
};

async function priceOf(productId: string): Promise<number> {
  const [row] = await rows<{ price_cents: number }>(
    sql`SELECT price_cents FROM products WHERE id = ${productId}`,
  );
  return row!.price_cents;
}

/** Ten units a day delivered to r2 over the last 28 days, and a supplier forecast of 14 a day for the week. */
async function seedDemandAndForecast(productId: string) {
  await ctx.database.db.execute(sql`
    WITH days AS (SELECT d::date AS day FROM generate_series(${addDays(today, -28)}::date, ${addDays(today, -1)}::date, '1 day') d),
    placed AS (
      INSERT INTO orders (restaurant_id, supplier_id, status, currency, subtotal_cents, tax_cents, total_cents, delivery_date, vat_date)
      SELECT ${r2}, ${s1}, 'confirmed', 'SEK', 10000, 1200, 11200, day, day FROM days RETURNING id)
    INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit, quantity, unit_price_cents, vat_category, vat_rate_bp, net_cents, stock_taken)
    SELECT id, 1, ${productId}, 'D', 'D', 'st', 10, 1000, 'food', 1200, 10000, false FROM placed`);
  await ctx.database.db.execute(sql`
    WITH series AS (
      INSERT INTO forecast_series (scope, supplier_id, product_id, model, data_digest)
      VALUES ('supplier', ${s1}, ${productId}, 'prophet', 'seeded') RETURNING id)
    INSERT INTO forecast_points (series_id, day, quantity, lower, upper)
    SELECT series.id, d::date, 14, 10, 18 FROM series, generate_series(${today}::date, ${addDays(today, 29)}::date, '1 day') d`);
}

beforeAll(async () => {
  ctx = await createTestContext();
  const db = ctx.database.db;
  for (const [name, role] of [
    ['admin', 'ADMIN'],
    ['s1', 'SUPPLIER'],
    ['s1staff', 'SUPPLIER'],
    ['s2', 'SUPPLIER'],
    ['r1', 'RESTAURANT'],
    ['r2', 'RESTAURANT'],
  ] as const)
    users[name] = await createUser(db, ctx.config, role);
  s1 = await createOrg(db, 'supplier', 'Pris Ett AB', [
    { user: users.s1!, role: 'owner' },
    { user: users.s1staff!, role: 'staff' },
  ]);
  s2 = await createOrg(db, 'supplier', 'Pris Två AB', [{ user: users.s2!, role: 'owner' }]);
  r1 = await createOrg(db, 'restaurant', 'Avtal Krog AB', [{ user: users.r1!, role: 'owner' }]);
  r2 = await createOrg(db, 'restaurant', 'Lista Krog AB', [{ user: users.r2!, role: 'owner' }]);
});
afterAll(() => ctx.close());

describe('rules: saved only when they cannot break their bounds', () => {
  let productId: string;
  beforeAll(async () => {
    productId = await createProduct(ctx.database.db, s1, { category: 'Regler', priceCents: 1000 });
  });

  it.each([
    [
      'a floor above the ceiling',
      { ...bounds, min_price_cents: 1200, max_price_cents: 800 },
      'min_price_cents',
    ],
    ['a daily step above the weekly one', { ...bounds, max_daily_change_bp: 2000 }, 'max_daily_change_bp'],
    ['a list price outside floor and ceiling', { ...bounds, min_price_cents: 1050 }, 'products.'],
    [
      'a demand reach above the ceiling',
      { ...bounds, demand: { ...demandSignal, max_adjust_bp: 2000 } },
      'products.',
    ],
    [
      'a stock reach below the floor',
      { ...bounds, stock: { ...stockSignal, max_discount_bp: 4000 } },
      'products.',
    ],
  ])('422 for %s, nothing saved', async (_name, body, path) => {
    const res = await api(users.s1!, 'POST', `/suppliers/${s1}/pricing/rules`, {
      product_id: productId,
      stock: stockSignal,
      ...body,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('PRICING_RULE_OUT_OF_BOUNDS');
    expect(res.json().details.some((d: { path: string }) => d.path.startsWith(path))).toBe(true);
    expect((await api(users.s1!, 'GET', `/suppliers/${s1}/pricing/rules`)).json().data).toEqual([]);
  });

  it('400 for a rule with no target, two targets or no signal', async () => {
    for (const body of [
      { ...bounds, stock: stockSignal },
      { ...bounds, stock: stockSignal, product_id: productId, category: 'Regler' },
      { ...bounds, product_id: productId },
    ]) {
      const res = await api(users.s1!, 'POST', `/suppliers/${s1}/pricing/rules`, body);
      expect(res.statusCode).toBe(400);
    }
  });

  it('creates, reads, changes (checked again) and deletes a rule; one live rule per target', async () => {
    const created = await api(users.s1staff!, 'POST', `/suppliers/${s1}/pricing/rules`, {
      product_id: productId,
      ...bounds,
      demand: { max_adjust_bp: 500 },
    });
    expect(created.statusCode).toBe(201);
    const rule = created.json();
    expect(rule).toMatchObject({ product_id: productId, category: null, active: true, stock: null });
    expect(rule.demand).toEqual({ ...demandSignal, max_adjust_bp: 500 });
    const again = await api(users.s1!, 'POST', `/suppliers/${s1}/pricing/rules`, {
      product_id: productId,
      ...bounds,
      stock: stockSignal,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('PRICING_RULE_TAKEN');
    expect((await api(users.s1!, 'GET', `/pricing/rules/${rule.id}`)).json().id).toBe(rule.id);

    const tooFar = await api(users.s1!, 'PATCH', `/pricing/rules/${rule.id}`, { max_price_cents: 1020 });
    expect(tooFar.statusCode).toBe(422);
    const changed = await api(users.s1!, 'PATCH', `/pricing/rules/${rule.id}`, {
      active: false,
      stock: stockSignal,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ active: false, stock: stockSignal });

    expect((await api(users.s1!, 'DELETE', `/pricing/rules/${rule.id}`)).statusCode).toBe(204);
    expect((await api(users.s1!, 'GET', `/pricing/rules/${rule.id}`)).statusCode).toBe(404);
    expect((await api(users.s1!, 'DELETE', `/pricing/rules/${rule.id}`)).statusCode).toBe(404);
  });

  it("another supplier's product is not a target (404), and category rules check every product of it", async () => {
    const foreign = await createProduct(ctx.database.db, s2, { priceCents: 1000 });
    const res = await api(users.s1!, 'POST', `/suppliers/${s1}/pricing/rules`, {
      product_id: foreign,
      ...bounds,
      stock: stockSignal,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('PRODUCT_NOT_FOUND');
    await createProduct(ctx.database.db, s1, { category: 'Dyrt', priceCents: 5000 });
    const category = await api(users.s1!, 'POST', `/suppliers/${s1}/pricing/rules`, {
      category: 'Dyrt',
      ...bounds,
      stock: stockSignal,
    });
    expect(category.statusCode).toBe(422);
  });
});

describe('the hourly job, review and auto modes, rollback', () => {
  let fresh: string;
  let demanded: string;
  let ruleId: string;

  beforeAll(async () => {
    // Best-before today: the stock signal asks for the full 20 % discount (800), the day allows 5 % (950).
    fresh = await createProduct(ctx.database.db, s1, {
      category: 'Fisk',
      priceCents: 1000,
      storage: 'chilled',
      bestBeforeDate: today,
    });
    demanded = await createProduct(ctx.database.db, s1, { category: 'Efterfrågan', priceCents: 1000 });
    await seedDemandAndForecast(demanded);
    const rule = await api(users.s1!, 'POST', `/suppliers/${s1}/pricing/rules`, {
      category: 'Fisk',
      ...bounds,
      stock: stockSignal,
    });
    expect(rule.statusCode).toBe(201);
    ruleId = rule.json().id;
    const demandRule = await api(users.s1!, 'POST', `/suppliers/${s1}/pricing/rules`, {
      product_id: demanded,
      ...bounds,
      max_daily_change_bp: 300,
      demand: demandSignal,
    });
    expect(demandRule.statusCode).toBe(201);
  });

  it('review mode (the default): proposals wait; approving applies one with its rule and inputs', async () => {
    expect((await api(users.s1!, 'GET', `/suppliers/${s1}/pricing`)).json()).toEqual({
      supplier_id: s1,
      mode: 'review',
    });
    const summary = await job().refresh(log);
    expect(summary).toMatchObject({ proposed: 2, applied: 0, failed: 0 });
    expect(await priceOf(fresh)).toBe(1000);

    const list = await api(users.s1!, 'GET', `/suppliers/${s1}/pricing/proposals?status=pending`);
    expect(list.statusCode).toBe(200);
    const proposals = list.json().data as { id: string; product_id: string; [k: string]: unknown }[];
    const stock = proposals.find((p) => p.product_id === fresh)!;
    expect(stock).toMatchObject({
      list_price_cents: 1000,
      target_price_cents: 800,
      proposed_price_cents: 950,
    });
    expect(stock.inputs).toMatchObject({ stock: { reason: 'best-before date near', adjust_bp: -2000 } });
    // Demand: 280 in 28 days → 70 expected a week; forecast 98 (+40 %) → +10 %, capped at +8 %; a day allows +3 %.
    const demand = proposals.find((p) => p.product_id === demanded)!;
    expect(demand).toMatchObject({ target_price_cents: 1080, proposed_price_cents: 1030 });
    expect(demand.inputs).toMatchObject({ demand: { forecast_quantity: 98, expected_quantity: 70 } });

    const approved = await api(users.s1staff!, 'POST', `/pricing/proposals/${stock.id}/approve`);
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'applied', decided_by: users.s1staff!.id });
    expect(await priceOf(fresh)).toBe(950);

    // Restaurants see it in the price history, with what produced it.
    const history = await api(users.r1!, 'GET', `/products/${fresh}/prices`);
    expect(history.json().data[0]).toMatchObject({
      price_cents: 950,
      source: 'dynamic',
      pricing_rule_id: ruleId,
      pricing_proposal_id: stock.id,
      pricing_inputs: { list_price_cents: 1000 },
    });
    const events = await rows<{ payload: Record<string, unknown> }>(
      sql`SELECT payload FROM outbox_events WHERE event_type = 'product.price_changed' AND aggregate_id = ${fresh}`,
    );
    expect(events.map((e) => e.payload)).toEqual([
      {
        product_id: fresh,
        supplier_id: s1,
        from_price_cents: 1000,
        to_price_cents: 950,
        currency: 'SEK',
        source: 'dynamic',
        pricing_rule_id: ruleId,
      },
    ]);
    const audit = await rows<{ action: string }>(
      sql`SELECT action FROM audit_log WHERE resource_id = ${fresh} AND action LIKE 'pricing.%'`,
    );
    expect(audit.map((a) => a.action)).toEqual(['pricing.apply']);

    const twice = await api(users.s1!, 'POST', `/pricing/proposals/${stock.id}/approve`);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('PRICE_PROPOSAL_NOT_PENDING');
  });

  it('prices change at most hourly: a run right after leaves the applied product alone', async () => {
    // The best-before date moves out: the signals now ask for the list price again, but not within the hour.
    const patched = await api(users.s1!, 'PATCH', `/products/${fresh}`, {
      best_before_date: addDays(today, 30),
    });
    expect(patched.json().best_before_date).toBe(addDays(today, 30));
    const pendingBefore = (
      await api(users.s1!, 'GET', `/suppliers/${s1}/pricing/proposals?status=pending`)
    ).json();
    const summary = await job().refresh(log);
    expect(summary).toMatchObject({ too_soon: 1, proposed: 1 });
    expect(await priceOf(fresh)).toBe(950);
    // The demand product's unchanged proposal is kept, not replaced by a copy.
    const pendingAfter = (
      await api(users.s1!, 'GET', `/suppliers/${s1}/pricing/proposals?status=pending`)
    ).json();
    expect(pendingAfter.data.map((p: { id: string }) => p.id)).toEqual(
      pendingBefore.data.map((p: { id: string }) => p.id),
    );
  });

  it('a proposal whose price moved since is stale (409); a rejected one stays rejected', async () => {
    const pending = (await api(users.s1!, 'GET', `/suppliers/${s1}/pricing/proposals?status=pending`)).json()
      .data;
    expect(pending).toHaveLength(1);
    const demandProposal = pending[0].id as string;
    const rejected = await api(users.s1!, 'POST', `/pricing/proposals/${demandProposal}/reject`);
    expect(rejected.json()).toMatchObject({ status: 'rejected' });
    expect((await api(users.s1!, 'POST', `/pricing/proposals/${demandProposal}/reject`)).statusCode).toBe(
      409,
    );

    await job().refresh(log);
    const next = (await api(users.s1!, 'GET', `/suppliers/${s1}/pricing/proposals?status=pending`)).json()
      .data;
    expect(next).toHaveLength(1);
    // The supplier sets a new list price by hand: the proposal no longer applies.
    expect((await api(users.s1!, 'PATCH', `/products/${demanded}`, { price_cents: 1010 })).statusCode).toBe(
      200,
    );
    const stale = await api(users.s1!, 'POST', `/pricing/proposals/${next[0].id}/approve`);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('PRICE_PROPOSAL_STALE');
    const manual = await rows<{ payload: { source: string } }>(
      sql`SELECT payload FROM outbox_events WHERE event_type = 'product.price_changed' AND aggregate_id = ${demanded}`,
    );
    expect(manual.map((m) => m.payload.source)).toEqual(['manual']);
  });

  it('auto mode applies at once; rollback puts every dynamic price back on its list price in one call', async () => {
    const mode = await api(users.s1!, 'PUT', `/suppliers/${s1}/pricing`, { mode: 'auto' });
    expect(mode.json()).toEqual({ supplier_id: s1, mode: 'auto' });
    const summary = await job().refresh(log);
    expect(summary.applied).toBe(1);
    // List 1010, +8 % target 1091, a day allows 3 % of 1010 = 30.
    expect(await priceOf(demanded)).toBe(1040);
    const superseded = await rows<{ status: string }>(
      sql`SELECT status FROM price_proposals WHERE product_id = ${demanded} ORDER BY created_at`,
    );
    expect(superseded.map((s) => s.status)).toEqual(['rejected', 'superseded', 'applied']);

    const rollback = await api(users.s1!, 'POST', `/suppliers/${s1}/pricing/rollback`, {});
    expect(rollback.statusCode).toBe(200);
    expect(rollback.json().rolled_back).toEqual(
      expect.arrayContaining([
        { product_id: fresh, from_price_cents: 950, to_price_cents: 1000 },
        { product_id: demanded, from_price_cents: 1040, to_price_cents: 1010 },
      ]),
    );
    expect(await priceOf(fresh)).toBe(1000);
    const history = (await api(users.r2!, 'GET', `/products/${demanded}/prices`)).json().data;
    expect(history.map((h: { source: string }) => h.source)).toEqual([
      'rollback',
      'dynamic',
      'manual',
      'manual',
    ]);
    expect(
      (await api(users.s1!, 'POST', `/suppliers/${s1}/pricing/rollback`, {})).json().rolled_back,
    ).toEqual([]);
    await api(users.s1!, 'PUT', `/suppliers/${s1}/pricing`, { mode: 'review' });
  });

  it('the pricing.refresh processor counts outcomes in iris_pricing_products_total', async () => {
    const registry = new Registry();
    const metrics = registerJobMetrics(registry, {
      queueDepth: async () => undefined,
      outboxBacklog: async () => undefined,
    });
    await pricingRefreshJob(job()).process({}, { jobId: 'p1', attempt: 1, log, metrics });
    const counted = (await metrics.pricingProducts.get()).values;
    expect(counted.reduce((sum, v) => sum + v.value, 0)).toBeGreaterThanOrEqual(2);
    expect(counted.every((v) => v.labels.outcome !== 'failed')).toBe(true);
  });
});

describe('price agreements: orders pay the agreed price, dynamic pricing never touches it', () => {
  let productId: string;
  let agreementId: string;

  beforeAll(async () => {
    productId = await createProduct(ctx.database.db, s1, { category: 'Avtal', priceCents: 1000 });
  });

  const order = (user: TestUser, restaurant: string) =>
    placeOrder(ctx.app, user.headers, {
      restaurant_id: restaurant,
      supplier_id: s1,
      lines: [{ product_id: productId, quantity: 2 }],
    });

  it('creates an agreement; that restaurant pays it, another pays the product price', async () => {
    const res = await api(users.s1!, 'POST', `/suppliers/${s1}/price-agreements`, {
      restaurant_id: r1,
      product_id: productId,
      price_cents: 900,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      restaurant_id: r1,
      price_cents: 900,
      currency: 'SEK',
      valid_from: today,
    });
    agreementId = res.json().id;
    const dup = await api(users.s1!, 'POST', `/suppliers/${s1}/price-agreements`, {
      restaurant_id: r1,
      product_id: productId,
      price_cents: 800,
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('PRICE_AGREEMENT_TAKEN');

    // The supplier reprices the product: the agreement holds.
    await api(users.s1!, 'PATCH', `/products/${productId}`, { price_cents: 1200 });
    const agreed = await order(users.r1!, r1);
    expect(agreed.statusCode).toBe(201);
    expect(agreed.json().lines[0].unit_price_cents).toBe(900);
    const listed = await order(users.r2!, r2);
    expect(listed.json().lines[0].unit_price_cents).toBe(1200);

    expect((await api(users.r1!, 'GET', `/restaurants/${r1}/price-agreements`)).json().data).toHaveLength(1);
    expect((await api(users.s1!, 'GET', `/suppliers/${s1}/price-agreements`)).json().data[0].id).toBe(
      agreementId,
    );
  });

  it('an agreement not yet in force, for an unknown restaurant or a foreign product is refused or ignored', async () => {
    const future = await api(users.s1!, 'POST', `/suppliers/${s1}/price-agreements`, {
      restaurant_id: r2,
      product_id: productId,
      price_cents: 500,
      valid_from: addDays(today, 5),
    });
    expect(future.statusCode).toBe(201);
    expect((await order(users.r2!, r2)).json().lines[0].unit_price_cents).toBe(1200);
    const ghost = await api(users.s1!, 'POST', `/suppliers/${s1}/price-agreements`, {
      restaurant_id: randomUUID(),
      product_id: productId,
      price_cents: 500,
    });
    expect(ghost.json().code).toBe('RESTAURANT_NOT_FOUND');
    const foreign = await api(users.s2!, 'POST', `/suppliers/${s2}/price-agreements`, {
      restaurant_id: r1,
      product_id: productId,
      price_cents: 500,
    });
    expect(foreign.json().code).toBe('PRODUCT_NOT_FOUND');
    const backwards = await api(users.s1!, 'POST', `/suppliers/${s1}/price-agreements`, {
      restaurant_id: r2,
      product_id: productId,
      price_cents: 500,
      valid_from: today,
      valid_until: addDays(today, -1),
    });
    expect(backwards.statusCode).toBe(400);
  });

  it('ending the agreement returns the restaurant to the product price', async () => {
    expect((await api(users.s2!, 'DELETE', `/price-agreements/${agreementId}`)).statusCode).toBe(404);
    expect((await api(users.s1!, 'DELETE', `/price-agreements/${agreementId}`)).statusCode).toBe(204);
    expect((await order(users.r1!, r1)).json().lines[0].unit_price_cents).toBe(1200);
    expect((await api(users.s1!, 'DELETE', `/price-agreements/${agreementId}`)).statusCode).toBe(404);
  });
});

describe('authorisation: another tenant’s pricing objects answer 404 like missing ones; wrong roles 403', () => {
  it('rules, proposals and agreements of s1 are invisible to s2', async () => {
    const product = await createProduct(ctx.database.db, s1, { category: 'Bola', priceCents: 1000 });
    const rule = (
      await api(users.s1!, 'POST', `/suppliers/${s1}/pricing/rules`, {
        product_id: product,
        ...bounds,
        stock: stockSignal,
      })
    ).json();
    const [proposal] = await rows<{ id: string }>(sql`
      INSERT INTO price_proposals (supplier_id, product_id, rule_id, list_price_cents, from_price_cents, target_price_cents, proposed_price_cents, currency, inputs)
      VALUES (${s1}, ${product}, ${rule.id}, 1000, 1000, 900, 950, 'SEK', '{}') RETURNING id`);
    const agreement = (
      await api(users.s1!, 'POST', `/suppliers/${s1}/price-agreements`, {
        restaurant_id: r2,
        product_id: product,
        price_cents: 990,
      })
    ).json();
    const probes: [string, 'GET' | 'PATCH' | 'DELETE' | 'POST', (id: string) => string, object?][] = [
      ['PRICING_RULE_NOT_FOUND', 'GET', (id) => `/pricing/rules/${id}`],
      ['PRICING_RULE_NOT_FOUND', 'PATCH', (id) => `/pricing/rules/${id}`, { active: false }],
      ['PRICING_RULE_NOT_FOUND', 'DELETE', (id) => `/pricing/rules/${id}`],
      ['PRICE_PROPOSAL_NOT_FOUND', 'POST', (id) => `/pricing/proposals/${id}/approve`],
      ['PRICE_PROPOSAL_NOT_FOUND', 'POST', (id) => `/pricing/proposals/${id}/reject`],
      ['PRICE_AGREEMENT_NOT_FOUND', 'DELETE', (id) => `/price-agreements/${id}`],
    ];
    const ids: Record<string, string> = {
      PRICING_RULE_NOT_FOUND: rule.id,
      PRICE_PROPOSAL_NOT_FOUND: proposal!.id,
      PRICE_AGREEMENT_NOT_FOUND: agreement.id,
    };
    for (const [code, method, url, body] of probes) {
      const theirs = await api(users.s2!, method, url(ids[code]!), body);
      const ghost = randomUUID();
      const missing = await api(users.s2!, method, url(ghost), body);
      expect(theirs.statusCode).toBe(404);
      expect(theirs.json().code).toBe(code);
      expect(theirs.json().message).toBe(missing.json().message.replace(ghost, ids[code]!));
    }
    expect((await api(users.r1!, 'GET', `/restaurants/${r2}/price-agreements`)).statusCode).toBe(404);
    expect((await api(users.admin!, 'GET', `/restaurants/${r2}/price-agreements`)).json().data).toHaveLength(
      2,
    );
    expect((await api(users.admin!, 'GET', `/pricing/rules/${rule.id}`)).statusCode).toBe(200);
  });

  it.each([
    ['r1', 'GET', () => `/suppliers/${s1}/pricing/rules`],
    ['r1', 'PUT', () => `/suppliers/${s1}/pricing`],
    ['r1', 'POST', () => `/suppliers/${s1}/pricing/rollback`],
    ['s1', 'GET', () => `/restaurants/${r1}/price-agreements`],
  ] as const)('%s %s → 403', async (who, method, url) => {
    const res = await api(users[who]!, method, url(), method === 'GET' ? undefined : {});
    expect(res.statusCode).toBe(403);
  });
});
