import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { createIdempotencyService } from '../../src/domain/idempotency/idempotency.service.js';
import { createOrderService } from '../../src/domain/orders/orders.service.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';

let ctx: TestContext;
let chef: TestUser;
let otherChef: TestUser;
let seller: TestUser;
let admin: TestUser;
let restaurantId: string;
let supplierId: string;
let otherSupplierId: string;
const p: Record<string, string> = {};

// Every date that decides money comes from this clock, so no expectation here expires.
const TODAY = '2027-06-15';
const clock = () => new Date(`${TODAY}T10:00:00Z`);

beforeAll(async () => {
  ctx = await createTestContext({}, undefined, { clock });
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  otherChef = await createUser(db, ctx.config, 'RESTAURANT');
  seller = await createUser(db, ctx.config, 'SUPPLIER');
  admin = await createUser(db, ctx.config, 'ADMIN');
  restaurantId = await createOrg(db, 'restaurant', 'Bistro Ett AB', [{ user: chef, role: 'owner' }]);
  await createOrg(db, 'restaurant', 'Bistro Två AB', [{ user: otherChef, role: 'owner' }]);
  supplierId = await createOrg(db, 'supplier', 'Grossist AB', [{ user: seller, role: 'owner' }]);
  otherSupplierId = await createOrg(db, 'supplier', 'Annan AB');
  p.food = await createProduct(db, supplierId, { priceCents: 1290, vatCategory: 'food' });
  p.stocked = await createProduct(db, supplierId, {
    priceCents: 12990,
    vatCategory: 'food',
    unit: 'kg',
    stockQuantity: '10.000',
  });
  p.standard = await createProduct(db, supplierId, { priceCents: 999, vatCategory: 'standard' });
  p.alcohol = await createProduct(db, supplierId, { priceCents: 15900, vatCategory: 'alcohol' });
  p.inactive = await createProduct(db, supplierId, { active: false });
  p.foreign = await createProduct(db, otherSupplierId);
});
afterAll(() => ctx.close());

const order = (lines: { product_id: string; quantity: number }[], extra: Record<string, unknown> = {}) => ({
  restaurant_id: restaurantId,
  supplier_id: supplierId,
  lines,
  ...extra,
});

async function count(table: 'orders' | 'outbox_events' | 'idempotency_keys'): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    ctx.database.db,
    sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`,
  );
  return row!.n;
}

async function stock(productId: string): Promise<string> {
  const [row] = await queryRows<{ stock_quantity: string }>(
    ctx.database.db,
    sql`SELECT stock_quantity FROM products WHERE id = ${productId}`,
  );
  return row!.stock_quantity;
}

describe('POST /orders', () => {
  it('prices from the database with VAT by date and returns the order', async () => {
    const res = await placeOrder(
      ctx.app,
      chef.headers,
      order(
        [
          { product_id: p.food!, quantity: 3 },
          { product_id: p.standard!, quantity: 2 },
          { product_id: p.alcohol!, quantity: 1 },
        ],
        { delivery_date: '2027-12-31', note: 'Bakdörren' },
      ),
    );
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      status: 'placed',
      currency: 'SEK',
      vat_date: '2027-12-31',
      note: 'Bakdörren',
    });
    expect(body.lines.map((l: { vat_rate: string; net_cents: number }) => [l.vat_rate, l.net_cents])).toEqual(
      [
        ['6.00%', 3870],
        ['25.00%', 1998],
        ['25.00%', 15900],
      ],
    );
    expect(body.lines[0]).not.toHaveProperty('tax_cents');
    // VAT per rate on the sum of the nets: 25 % of 178.98 kr = 44.745 → 44.75 kr (per line: 5.00 + 39.75 = 44.75);
    // 6 % of 38.70 kr = 2.322 → 2.32 kr.
    expect(body).toMatchObject({ subtotal_cents: 21768, tax_cents: 4707, total_cents: 26475 });
    expect(body).toMatchObject({ supply_date: null, due_date: null });
  });

  it('charges food at 12 % again from 2028-01-01', async () => {
    const res = await placeOrder(
      ctx.app,
      chef.headers,
      order([{ product_id: p.food!, quantity: 1 }], { delivery_date: '2028-01-01' }),
    );
    expect(res.json().lines[0]).toMatchObject({ vat_rate: '12.00%', net_cents: 1290 });
    expect(res.json()).toMatchObject({ vat_date: '2028-01-01', tax_cents: 155 });
  });

  it('prices without a delivery date at the rates of the order date (the clock’s Stockholm date)', async () => {
    const res = await placeOrder(ctx.app, chef.headers, order([{ product_id: p.food!, quantity: 1 }]));
    expect(res.json()).toMatchObject({ vat_date: TODAY, tax_cents: 77 });
    expect(res.json().lines[0].vat_rate).toBe('6.00%');
  });

  it('accepts a delivery date of today and refuses yesterday', async () => {
    const today = await placeOrder(
      ctx.app,
      chef.headers,
      order([{ product_id: p.food!, quantity: 1 }], { delivery_date: TODAY }),
    );
    expect(today.statusCode).toBe(201);
    expect(today.json().delivery_date).toBe(TODAY);
    const yesterday = await placeOrder(
      ctx.app,
      chef.headers,
      order([{ product_id: p.food!, quantity: 1 }], { delivery_date: '2027-06-14' }),
    );
    expect(yesterday.statusCode).toBe(400);
    expect(yesterday.json().details).toEqual([{ path: 'delivery_date', message: 'must be today or later' }]);
  });

  it('refuses a product priced in another currency than the order', async () => {
    const euro = await createProduct(ctx.database.db, supplierId, { currency: 'EUR' });
    const before = await count('orders');
    const res = await placeOrder(ctx.app, chef.headers, order([{ product_id: euro, quantity: 1 }]));
    expect(res.statusCode).toBe(422);
    expect(res.json().details).toEqual([
      { path: 'lines.0.product_id', message: 'priced in EUR, the order is in SEK' },
    ]);
    expect(await count('orders')).toBe(before);
  });

  it('rounds fractional quantities half up per line', async () => {
    const res = await placeOrder(ctx.app, chef.headers, order([{ product_id: p.stocked!, quantity: 0.375 }]));
    expect(res.json().lines[0]).toMatchObject({ quantity: '0.375', net_cents: 4871 });
    expect(res.json().tax_cents).toBe(292);
  });

  it.each([
    ['an unknown field', { total_cents: 1 }, 'total_cents'],
    ['a status', { status: 'delivered' }, 'status'],
    ['no lines', { lines: [] }, 'lines'],
    ['a zero quantity', { lines: [{ product_id: randomUUID(), quantity: 0 }] }, 'lines.0.quantity'],
    ['four decimals', { lines: [{ product_id: randomUUID(), quantity: 1.0001 }] }, 'lines.0.quantity'],
    ['a huge quantity', { lines: [{ product_id: randomUUID(), quantity: 1e9 }] }, 'lines.0.quantity'],
    ['a bad date', { delivery_date: '2026-13-01' }, 'delivery_date'],
    [
      '201 lines',
      { lines: Array.from({ length: 201 }, () => ({ product_id: randomUUID(), quantity: 1 })) },
      'lines',
    ],
  ])('rejects %s with 400, storing nothing', async (_name, override, path) => {
    const before = await count('idempotency_keys');
    const res = await placeOrder(ctx.app, chef.headers, {
      ...order([{ product_id: p.food!, quantity: 1 }]),
      ...override,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await count('idempotency_keys')).toBe(before);
  });

  it('rejects a product twice and a delivery date in the past', async () => {
    const twice = await placeOrder(
      ctx.app,
      chef.headers,
      order([
        { product_id: p.food!, quantity: 1 },
        { product_id: p.food!, quantity: 2 },
      ]),
    );
    expect(twice.statusCode).toBe(400);
    expect(twice.json().details[0].path).toBe('lines.1.product_id');
    const past = await placeOrder(
      ctx.app,
      chef.headers,
      order([{ product_id: p.food!, quantity: 1 }], { delivery_date: '2026-01-01' }),
    );
    expect(past.statusCode).toBe(400);
  });

  it('answers 422 with per-line details for foreign and inactive products', async () => {
    const res = await placeOrder(
      ctx.app,
      chef.headers,
      order([
        { product_id: p.food!, quantity: 1 },
        { product_id: p.foreign!, quantity: 1 },
        { product_id: p.inactive!, quantity: 1 },
        { product_id: randomUUID(), quantity: 1 },
      ]),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('PRODUCT_UNAVAILABLE');
    expect(res.json().details.map((d: { path: string }) => d.path)).toEqual([
      'lines.1.product_id',
      'lines.2.product_id',
      'lines.3.product_id',
    ]);
  });

  it('answers 404 for another tenant’s restaurant and a missing supplier; suppliers may not order', async () => {
    const foreign = await placeOrder(
      ctx.app,
      otherChef.headers,
      order([{ product_id: p.food!, quantity: 1 }]),
    );
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('RESTAURANT_NOT_FOUND');
    const noSupplier = await placeOrder(
      ctx.app,
      chef.headers,
      order([{ product_id: p.food!, quantity: 1 }], { supplier_id: randomUUID() }),
    );
    expect(noSupplier.json().code).toBe('SUPPLIER_NOT_FOUND');
    expect(
      (await placeOrder(ctx.app, seller.headers, order([{ product_id: p.food!, quantity: 1 }]))).statusCode,
    ).toBe(403);
  });

  it('answers with exactly what was stored, and writes lines, stock, history and audit with the order', async () => {
    const before = await stock(p.stocked!);
    const res = await placeOrder(
      ctx.app,
      chef.headers,
      order([
        { product_id: p.stocked!, quantity: 1.5 },
        { product_id: p.food!, quantity: 2 },
      ]),
    );
    expect(res.statusCode).toBe(201);
    const created = res.json();
    const read = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/orders/${created.id}`,
      headers: chef.headers,
    });
    expect(read.json()).toEqual(created);
    expect(Number(await stock(p.stocked!))).toBeCloseTo(Number(before) - 1.5, 3);
    const [written] = await queryRows<{
      history: number;
      audit: number;
      events: number;
      placed_now: boolean;
    }>(
      ctx.database.db,
      sql`SELECT
        (SELECT count(*)::int FROM order_status_history WHERE order_id = ${created.id} AND to_status = 'placed') AS history,
        (SELECT count(*)::int FROM audit_log WHERE action = 'order.place' AND resource_id = ${created.id}) AS audit,
        (SELECT count(*)::int FROM outbox_events WHERE aggregate_id = ${created.id}) AS events,
        (SELECT placed_at = created_at FROM orders WHERE id = ${created.id}) AS placed_now`,
    );
    expect(written).toEqual({ history: 1, audit: 1, events: 1, placed_now: true });
  });

  it('writes order.placed to the outbox in the same transaction', async () => {
    const res = await placeOrder(ctx.app, chef.headers, order([{ product_id: p.food!, quantity: 1 }]));
    const rows = await queryRows<{ event_type: string; payload: { order_id: string; total_cents: number } }>(
      ctx.database.db,
      sql`SELECT event_type, payload FROM outbox_events WHERE aggregate_id = ${res.json().id}`,
    );
    expect(rows).toEqual([
      {
        event_type: 'order.placed',
        payload: expect.objectContaining({ order_id: res.json().id, total_cents: res.json().total_cents }),
      },
    ]);
  });
});

describe('Idempotency-Key', () => {
  it('is required and validated', async () => {
    const missing = await placeOrder(
      ctx.app,
      chef.headers,
      order([{ product_id: p.food!, quantity: 1 }]),
      null,
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    for (const bad of ['', 'x'.repeat(256), 'nyckel-å']) {
      const res = await placeOrder(ctx.app, chef.headers, order([{ product_id: p.food!, quantity: 1 }]), bad);
      expect(res.statusCode, bad).toBe(400);
    }
  });

  it('replays the stored status and byte-identical body, creating nothing twice', async () => {
    const key = randomUUID();
    const body = order([{ product_id: p.stocked!, quantity: 1 }]);
    const stockBefore = await stock(p.stocked!);
    const first = await placeOrder(ctx.app, chef.headers, body, key);
    const ordersAfterFirst = await count('orders');
    const replay = await placeOrder(ctx.app, chef.headers, { ...body }, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.body).toBe(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await count('orders')).toBe(ordersAfterFirst);
    expect(Number(await stock(p.stocked!))).toBe(Number(stockBefore) - 1);
  });

  it('refuses the same key with another body (422) and leaves the first order alone', async () => {
    const key = randomUUID();
    const first = await placeOrder(ctx.app, chef.headers, order([{ product_id: p.food!, quantity: 1 }]), key);
    const reuse = await placeOrder(ctx.app, chef.headers, order([{ product_id: p.food!, quantity: 2 }]), key);
    expect(reuse.statusCode).toBe(422);
    expect(reuse.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    const still = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/orders/${first.json().id}`,
      headers: chef.headers,
    });
    expect(still.json().lines[0].quantity).toBe('1.000');
  });

  it('belongs to the account: two accounts with one key get two orders', async () => {
    const key = randomUUID();
    const a = await placeOrder(ctx.app, chef.headers, order([{ product_id: p.food!, quantity: 1 }]), key);
    const b = await placeOrder(ctx.app, admin.headers, order([{ product_id: p.food!, quantity: 1 }]), key);
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(a.json().id).not.toBe(b.json().id);
  });

  it('stores business 4xx answers, but not validation errors', async () => {
    const key = randomUUID();
    const short = await placeOrder(
      ctx.app,
      chef.headers,
      order([{ product_id: p.stocked!, quantity: 999 }]),
      key,
    );
    expect(short.statusCode).toBe(409);
    expect(short.json()).toMatchObject({
      code: 'INSUFFICIENT_INVENTORY',
      available: [{ product_id: p.stocked, requested: '999.000' }],
    });
    const again = await placeOrder(
      ctx.app,
      chef.headers,
      order([{ product_id: p.stocked!, quantity: 999 }]),
      key,
    );
    expect(again.statusCode).toBe(409);
    expect(again.body).toBe(short.body);

    const key2 = randomUUID();
    const invalid = await placeOrder(
      ctx.app,
      chef.headers,
      { ...order([{ product_id: p.food!, quantity: 1 }]), total_cents: 1 },
      key2,
    );
    expect(invalid.statusCode).toBe(400);
    expect(
      (await placeOrder(ctx.app, chef.headers, order([{ product_id: p.food!, quantity: 1 }]), key2))
        .statusCode,
    ).toBe(201);
  });

  it('makes exactly one order of 20 concurrent identical requests', async () => {
    const key = randomUUID();
    const body = order([{ product_id: p.food!, quantity: 2 }]);
    const before = await count('orders');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => placeOrder(ctx.app, chef.headers, body, key)),
    );
    expect(await count('orders')).toBe(before + 1);
    const created = responses.filter((r) => r.statusCode === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.json().id)).size).toBe(1);
    for (const r of responses) expect([201, 409]).toContain(r.statusCode);
    for (const r of responses.filter((x) => x.statusCode === 409))
      expect(r.json().code).toBe('IDEMPOTENCY_KEY_IN_USE');
  });

  it('takes over a lock older than 90 s', async () => {
    const key = randomUUID();
    const body = order([{ product_id: p.food!, quantity: 1 }]);
    await queryRows(
      ctx.database.db,
      sql`INSERT INTO idempotency_keys (account_id, key, fingerprint, state, locked_at, expires_at)
          VALUES (${chef.id}, ${key}, 'stale', 'in_progress', now() - interval '91 seconds', now() + interval '1 day')`,
    );
    // A stale lock with another fingerprint is still a different request…
    expect((await placeOrder(ctx.app, chef.headers, body, key)).statusCode).toBe(422);
    await queryRows(ctx.database.db, sql`DELETE FROM idempotency_keys WHERE key = ${key}`);
    const fresh = await placeOrder(ctx.app, chef.headers, body, key);
    await queryRows(
      ctx.database.db,
      sql`UPDATE idempotency_keys SET state = 'in_progress', response_status = NULL, response_body = NULL, locked_at = now() WHERE key = ${key}`,
    );
    expect((await placeOrder(ctx.app, chef.headers, body, key)).statusCode).toBe(409);
    await queryRows(
      ctx.database.db,
      sql`UPDATE idempotency_keys SET locked_at = now() - interval '91 seconds' WHERE key = ${key}`,
    );
    const takeover = await placeOrder(ctx.app, chef.headers, body, key);
    expect(takeover.statusCode).toBe(201);
    expect(takeover.json().id).not.toBe(fresh.json().id);
  });

  it('rolls back a request whose key was taken over while it ran, leaving the new owner alone', async () => {
    const idempotency = createIdempotencyService({ db: ctx.database.db, ttlSeconds: 60 });
    const key = randomUUID();
    const attempt = idempotency.run(
      { accountId: chef.id, key, method: 'POST', path: '/api/v1/orders', body: { n: 1 }, requestId: 'first' },
      async (completion) => {
        // A later request takes the key over (as after 90 s) while this one is still working.
        await queryRows(
          ctx.database.db,
          sql`UPDATE idempotency_keys SET locked_at = clock_timestamp() WHERE key = ${key}`,
        );
        await ctx.database.db.transaction(async (tx) => {
          await tx.execute(sql`INSERT INTO audit_log (action, request_id) VALUES ('probe.takeover', ${key})`);
          await completion.complete(tx, 201, '{"id":"first"}');
        });
        return { status: 201, body: '{"id":"first"}', replayed: false };
      },
    );
    await expect(attempt).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE' });
    const written = await queryRows(ctx.database.db, sql`SELECT 1 FROM audit_log WHERE request_id = ${key}`);
    expect(written).toEqual([]);
    const [row] = await queryRows<{ state: string }>(
      ctx.database.db,
      sql`SELECT state FROM idempotency_keys WHERE key = ${key}`,
    );
    expect(row!.state).toBe('in_progress');
  });

  it('rolls back a whole placement whose key was taken over before its write', async () => {
    const real = createIdempotencyService({ db: ctx.database.db, ttlSeconds: 60 });
    const key = randomUUID();
    const before = await stock(p.stocked!);
    // The key is taken over (as after 90 s) after this request claimed it and before its one combined write.
    const orders = createOrderService({
      db: ctx.database.db,
      idempotency: {
        ...real,
        run: (request, operation) =>
          real.run(request, async (completion) => {
            await queryRows(
              ctx.database.db,
              sql`UPDATE idempotency_keys SET locked_at = clock_timestamp() WHERE key = ${key}`,
            );
            return operation(completion);
          }),
      },
    });
    const userCtx = {
      principal: { kind: 'user' as const, accountId: chef.id, role: chef.role, email: chef.email },
      requestId: key,
      ip: '127.0.0.1',
      userAgent: undefined,
    };
    await expect(
      orders.place(userCtx, key, '/api/v1/orders', {
        restaurant_id: restaurantId,
        supplier_id: supplierId,
        lines: [{ product_id: p.stocked!, quantity: 1 }],
      }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE' });
    expect(await stock(p.stocked!)).toBe(before);
    // The audit row is written by the same statement as the order: none means no order either.
    const audit = await queryRows(ctx.database.db, sql`SELECT 1 FROM audit_log WHERE request_id = ${key}`);
    expect(audit).toEqual([]);
    const [row] = await queryRows<{ state: string }>(
      ctx.database.db,
      sql`SELECT state FROM idempotency_keys WHERE key = ${key}`,
    );
    expect(row!.state).toBe('in_progress');
  });

  it('gives up on a product locked for too long with a retryable 409, releasing the key', async () => {
    const product = await createProduct(ctx.database.db, supplierId, { stockQuantity: '5.000' });
    const blocker = new pg.Client(ctx.databaseUrl);
    await blocker.connect();
    const key = randomUUID();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [product]);
      const res = await placeOrder(ctx.app, chef.headers, order([{ product_id: product, quantity: 1 }]), key);
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('CONCURRENT_UPDATE');
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    const retry = await placeOrder(ctx.app, chef.headers, order([{ product_id: product, quantity: 1 }]), key);
    expect(retry.statusCode).toBe(201);
  });

  it('lets an expired key that was not purged yet be used again, for another body', async () => {
    const key = randomUUID();
    const first = await placeOrder(ctx.app, chef.headers, order([{ product_id: p.food!, quantity: 1 }]), key);
    expect(first.statusCode).toBe(201);
    await queryRows(
      ctx.database.db,
      sql`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = ${key}`,
    );
    const reused = await placeOrder(
      ctx.app,
      chef.headers,
      order([{ product_id: p.food!, quantity: 2 }]),
      key,
    );
    expect(reused.statusCode).toBe(201);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
    expect(reused.json().id).not.toBe(first.json().id);
    expect(reused.json().lines[0].quantity).toBe('2.000');
  });

  it('purges expired keys', async () => {
    await queryRows(
      ctx.database.db,
      sql`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE account_id = ${admin.id}`,
    );
    const purged = await ctx.app.services.orders.purgeIdempotencyKeys();
    expect(purged).toBeGreaterThanOrEqual(1);
  });
});

describe('stock', () => {
  it('sells exactly the 10 units there are to 50 concurrent orders, never going negative', async () => {
    const product = await createProduct(ctx.database.db, supplierId, { stockQuantity: '10.000' });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        placeOrder(
          ctx.app,
          chef.headers,
          order([
            { product_id: product, quantity: 1 },
            { product_id: p.food!, quantity: 1 },
          ]),
        ),
      ),
    );
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(10);
    expect(codes.filter((c) => c === 409)).toHaveLength(40);
    expect(Number(await stock(product))).toBe(0);
  });

  it('gives stock back on cancellation', async () => {
    const product = await createProduct(ctx.database.db, supplierId, { stockQuantity: '5.000' });
    const placed = await placeOrder(ctx.app, chef.headers, order([{ product_id: product, quantity: 2.5 }]));
    expect(await stock(product)).toBe('2.500');
    const cancel = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${placed.json().id}/cancel`,
      headers: chef.headers,
      payload: {},
    });
    expect(cancel.statusCode).toBe(200);
    expect(await stock(product)).toBe('5.000');
  });
});
