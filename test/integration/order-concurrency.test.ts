import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { updateStatus } from '../../src/domain/orders/orders.repository.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';

/** Status changes under contention, and stock returned exactly where placement took it. */

let ctx: TestContext;
let chef: TestUser;
let seller: TestUser;
let restaurantId: string;
let supplierId: string;

beforeAll(async () => {
  ctx = await createTestContext({}, undefined, { clock: () => new Date('2027-06-15T10:00:00Z') });
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  seller = await createUser(db, ctx.config, 'SUPPLIER');
  restaurantId = await createOrg(db, 'restaurant', 'Bistro AB', [{ user: chef, role: 'owner' }]);
  supplierId = await createOrg(db, 'supplier', 'Grossist AB', [{ user: seller, role: 'owner' }]);
});
afterAll(() => ctx.close());

const act = (user: TestUser, id: string, action: string, payload: object = {}) =>
  ctx.app.inject({ method: 'POST', url: `/api/v1/orders/${id}/${action}`, headers: user.headers, payload });

async function place(productId: string, quantity: number): Promise<string> {
  const res = await placeOrder(ctx.app, chef.headers, {
    restaurant_id: restaurantId,
    supplier_id: supplierId,
    lines: [{ product_id: productId, quantity }],
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

async function stock(productId: string): Promise<string | null> {
  const [row] = await queryRows<{ stock_quantity: string | null }>(
    ctx.database.db,
    sql`SELECT stock_quantity FROM products WHERE id = ${productId}`,
  );
  return row!.stock_quantity;
}

async function historyCount(orderId: string, to: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    ctx.database.db,
    sql`SELECT count(*)::int AS n FROM order_status_history WHERE order_id = ${orderId} AND to_status = ${to}`,
  );
  return row!.n;
}

describe('concurrent status changes', () => {
  it('lets exactly one of 20 concurrent cancels win and returns the stock once', async () => {
    const product = await createProduct(ctx.database.db, supplierId, { stockQuantity: '10.000' });
    const id = await place(product, 4);
    expect(await stock(product)).toBe('6.000');
    const responses = await Promise.all(Array.from({ length: 20 }, () => act(chef, id, 'cancel')));
    const codes = responses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(19);
    expect(await stock(product)).toBe('10.000');
    expect(await historyCount(id, 'cancelled')).toBe(1);
  });

  it('lets either the confirm or the cancel win a race, never both, and returns stock only for a cancel', async () => {
    const product = await createProduct(ctx.database.db, supplierId, { stockQuantity: '100.000' });
    const ids = await Promise.all(Array.from({ length: 10 }, () => place(product, 1)));
    const results = await Promise.all(
      ids.map(async (id) => {
        const [confirm, cancel] = await Promise.all([act(seller, id, 'confirm'), act(chef, id, 'cancel')]);
        return { id, confirm: confirm.statusCode, cancel: cancel.statusCode };
      }),
    );
    for (const r of results) {
      expect([r.confirm, r.cancel].sort()).toEqual([200, 409]);
      const [row] = await queryRows<{ status: string }>(
        ctx.database.db,
        sql`SELECT status FROM orders WHERE id = ${r.id}`,
      );
      expect(row!.status).toBe(r.confirm === 200 ? 'confirmed' : 'cancelled');
      expect((await historyCount(r.id, 'confirmed')) + (await historyCount(r.id, 'cancelled'))).toBe(1);
    }
    const cancelled = results.filter((r) => r.cancel === 200).length;
    expect(Number(await stock(product))).toBe(90 + cancelled);
  });
});

describe('cancel', () => {
  it('takes no body, an empty object, or a reason', async () => {
    const product = await createProduct(ctx.database.db, supplierId);
    const bare = await place(product, 1);
    const none = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/orders/${bare}/cancel`,
      headers: chef.headers,
    });
    expect(none.statusCode, none.body).toBe(200);
    expect(none.json().cancel_reason).toBeNull();
    expect((await act(chef, await place(product, 1), 'cancel', {})).statusCode).toBe(200);
    const reasoned = await act(chef, await place(product, 1), 'cancel', { reason: 'Fel dag' });
    expect(reasoned.json().cancel_reason).toBe('Fel dag');
    const unknown = await act(chef, await place(product, 1), 'cancel', { why: 'x' });
    expect(unknown.statusCode).toBe(400);
  });
});

describe('compare-and-set', () => {
  it('changes nothing when the order is no longer in the status the change starts from', async () => {
    const product = await createProduct(ctx.database.db, supplierId);
    const id = await place(product, 1);
    const change = (from: 'placed' | 'confirmed') =>
      ctx.database.db.transaction((tx) =>
        updateStatus(tx, { id, from, to: 'dispatched', stamp: 'dispatchedAt', at: new Date(), values: {} }),
      );
    expect(await change('confirmed')).toBeUndefined();
    const [row] = await queryRows<{ status: string; dispatched_at: Date | null }>(
      ctx.database.db,
      sql`SELECT status, dispatched_at FROM orders WHERE id = ${id}`,
    );
    expect(row).toEqual({ status: 'placed', dispatched_at: null });
  });
});

describe('stock returned on cancel', () => {
  it('returns nothing for a line whose product was not tracked when the order was placed', async () => {
    const product = await createProduct(ctx.database.db, supplierId, { stockQuantity: null });
    const id = await place(product, 4);
    await queryRows(ctx.database.db, sql`UPDATE products SET stock_quantity = 10 WHERE id = ${product}`);
    expect((await act(chef, id, 'cancel')).statusCode).toBe(200);
    expect(await stock(product)).toBe('10.000');
  });

  it('returns what was taken even when the product is no longer tracked, without inventing stock', async () => {
    const product = await createProduct(ctx.database.db, supplierId, { stockQuantity: '5.000' });
    const id = await place(product, 2);
    await queryRows(ctx.database.db, sql`UPDATE products SET stock_quantity = NULL WHERE id = ${product}`);
    expect((await act(seller, id, 'cancel', { reason: 'Slut i lager' })).statusCode).toBe(200);
    expect(await stock(product)).toBeNull();
  });

  it('records per line whether stock was taken', async () => {
    const tracked = await createProduct(ctx.database.db, supplierId, { stockQuantity: '5.000' });
    const untracked = await createProduct(ctx.database.db, supplierId, { stockQuantity: null });
    const res = await placeOrder(ctx.app, chef.headers, {
      restaurant_id: restaurantId,
      supplier_id: supplierId,
      lines: [
        { product_id: tracked, quantity: 1 },
        { product_id: untracked, quantity: 1 },
      ],
    });
    const rows = await queryRows<{ product_id: string; stock_taken: boolean }>(
      ctx.database.db,
      sql`SELECT product_id, stock_taken FROM order_lines WHERE order_id = ${res.json<{ id: string }>().id} ORDER BY line_no`,
    );
    expect(rows).toEqual([
      { product_id: tracked, stock_taken: true },
      { product_id: untracked, stock_taken: false },
    ]);
  });
});
