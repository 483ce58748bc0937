import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Issue #10, item 8: an order-placement budget per restaurant, besides each account's request budget. */
interface Kitchen {
  owner: TestUser;
  staff: TestUser;
  body: Record<string, unknown>;
}

async function arrangeKitchen(ctx: TestContext): Promise<Kitchen> {
  const db = ctx.database.db;
  const owner = await createUser(db, ctx.config, 'RESTAURANT');
  const staff = await createUser(db, ctx.config, 'RESTAURANT');
  const seller = await createUser(db, ctx.config, 'SUPPLIER');
  const restaurantId = await createOrg(db, 'restaurant', 'Kök AB', [
    { user: owner, role: 'owner' },
    { user: staff, role: 'staff' },
  ]);
  const supplierId = await createOrg(db, 'supplier', 'Grossist AB', [{ user: seller, role: 'owner' }]);
  const productId = await createProduct(db, supplierId, { stockQuantity: null });
  return {
    owner,
    staff,
    body: {
      restaurant_id: restaurantId,
      supplier_id: supplierId,
      lines: [{ product_id: productId, quantity: 1 }],
    },
  };
}

describe('the order-placement limit per restaurant (in memory)', () => {
  let ctx: TestContext;
  let kitchen: Kitchen;

  beforeAll(async () => {
    ctx = await createTestContext({ ORDER_RATE_LIMIT_PER_RESTAURANT: '2', RATE_LIMIT_MAX: '1000' });
    kitchen = await arrangeKitchen(ctx);
  });
  afterAll(() => ctx.close());

  it('is shared by the members, is not spent by outsiders, and answers 429 with Retry-After and RateLimit', async () => {
    const outsider = await createUser(ctx.database.db, ctx.config, 'RESTAURANT');
    for (let i = 0; i < 3; i++)
      expect((await placeOrder(ctx.app, outsider.headers, kitchen.body)).statusCode).toBe(404);

    expect((await placeOrder(ctx.app, kitchen.owner.headers, kitchen.body)).statusCode).toBe(201);
    expect((await placeOrder(ctx.app, kitchen.staff.headers, kitchen.body)).statusCode).toBe(201);
    const key = randomUUID();
    const limited = await placeOrder(ctx.app, kitchen.owner.headers, kitchen.body, key);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429, error: 'RateLimitError' });
    expect(limited.json<{ message: string }>().message).toMatch(/placed 2 orders/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['ratelimit-policy']).toContain('"restaurant-orders";q=2;w=60');
    expect(limited.headers.ratelimit).toMatch(/"restaurant-orders";r=0;t=\d+/);
    // The account's own request budget is reported beside it.
    expect(limited.headers['ratelimit-policy']).toContain('"default";q=1000;w=60');

    // The 429 is not stored under the key: the retry is evaluated again, not replayed.
    const retried = await placeOrder(ctx.app, kitchen.owner.headers, kitchen.body, key);
    expect(retried.statusCode).toBe(429);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    const stored = await queryRows<{ n: number }>(
      ctx.database.db,
      sql`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = ${key}`,
    );
    expect(stored).toEqual([{ n: 0 }]);
  });

  it('keeps each restaurant its own budget', async () => {
    const other = await arrangeKitchen(ctx);
    expect((await placeOrder(ctx.app, other.owner.headers, other.body)).statusCode).toBe(201);
  });
});

describe('the order-placement limit per restaurant in Redis', () => {
  let first: TestContext;
  let second: TestContext;

  beforeAll(async () => {
    const limits = { REDIS_URL, ORDER_RATE_LIMIT_PER_RESTAURANT: '3', RATE_LIMIT_MAX: '1000' };
    first = await createTestContext(limits);
    second = await createTestContext({ ...limits, DATABASE_URL: first.databaseUrl });
  });
  afterAll(async () => {
    await second.close().catch(() => undefined);
    await first.close();
  });

  it('is one budget across API instances', async () => {
    const kitchen = await arrangeKitchen(first);
    const codes: number[] = [];
    for (let i = 0; i < 2; i++) {
      codes.push((await placeOrder(first.app, kitchen.owner.headers, kitchen.body)).statusCode);
      codes.push((await placeOrder(second.app, kitchen.staff.headers, kitchen.body)).statusCode);
    }
    expect(codes).toEqual([201, 201, 201, 429]);
  });
});

describe('the order-placement limit with Redis down', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({
      REDIS_URL: 'redis://127.0.0.1:1',
      ORDER_RATE_LIMIT_PER_RESTAURANT: '1',
    });
  });
  afterAll(() => ctx.close());

  it('fails open, as the request limiter does', async () => {
    const kitchen = await arrangeKitchen(ctx);
    for (let i = 0; i < 3; i++)
      expect((await placeOrder(ctx.app, kitchen.owner.headers, kitchen.body)).statusCode).toBe(201);
  });
});
