import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createIrisClient,
  type ErrorCode,
  type ErrorEnvelope,
  type IrisClient,
} from '../../clients/typescript/src/index.js';
import { errorEnvelope } from '../../src/api/contract.js';
import { invoiceDto, orderDto } from '../../src/domain/orders/orders.schemas.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, type TestUser } from '../helpers/identity.js';
import { createProduct } from '../helpers/orders.js';

/**
 * The generated client (clients/typescript) against the API listening on a real port: a restaurant and a
 * supplier sign in and take an order from search to invoice. `npm run typecheck` checks this file too, so
 * the calls below compile only while the document and the client agree.
 */
const PASSWORD = 'flow-password-1';
let ctx: TestContext;
let baseUrl: string;
let productId: string;
let restaurantId: string;
let supplierId: string;

async function signIn(email: string): Promise<IrisClient> {
  const anonymous = createIrisClient({ baseUrl });
  const { data, error } = await anonymous.POST('/auth/dev/login', { body: { email, password: PASSWORD } });
  if (error) throw new Error(`login failed: ${error.code}`);
  return createIrisClient({ baseUrl, token: data.access_token });
}

async function accountId(client: IrisClient): Promise<string> {
  const { data, error } = await client.GET('/api/v1/me');
  if (error) throw new Error(error.message);
  return data.id;
}

beforeAll(async () => {
  const hash = bcrypt.hashSync(PASSWORD, 4);
  ctx = await createTestContext({
    DEV_USERS: `chef@flow.iris:${hash},seller@flow.iris:SUPPLIER:${hash}`,
    RATE_LIMIT_AUTH_MAX: '1000',
  });
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
});
afterAll(() => ctx.close());

describe('the typed client', () => {
  it('signs in, searches, orders with an Idempotency-Key, and follows the order to its invoice', async () => {
    const chef = await signIn('chef@flow.iris');
    const seller = await signIn('seller@flow.iris');
    const member = async (client: IrisClient) => ({ id: await accountId(client) }) as TestUser;
    restaurantId = await createOrg(ctx.database.db, 'restaurant', 'Flödeskrogen AB', [
      { user: await member(chef), role: 'owner' },
    ]);
    supplierId = await createOrg(ctx.database.db, 'supplier', 'Flödesgrossisten AB', [
      { user: await member(seller), role: 'owner' },
    ]);
    productId = await createProduct(ctx.database.db, supplierId, {
      name: 'Flödesost lagrad 1 kg',
      category: 'Ost',
      stockQuantity: '10.000',
    });

    const search = await chef.GET('/api/v1/products', { params: { query: { q: 'flödesost' } } });
    expect(search.error).toBeUndefined();
    expect(search.data?.data.map((p) => p.id)).toContain(productId);

    const body = {
      restaurant_id: restaurantId,
      supplier_id: supplierId,
      lines: [{ product_id: productId, quantity: 2 }],
    };
    const key = randomUUID();
    const placed = await chef.POST('/api/v1/orders', {
      params: { header: { 'idempotency-key': key } },
      body,
    });
    expect(placed.response.status).toBe(201);
    const order = orderDto.parse(placed.data);
    const replay = await chef.POST('/api/v1/orders', {
      params: { header: { 'idempotency-key': key } },
      body,
    });
    expect(replay.response.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.data?.id).toBe(order.id);

    for (const step of ['confirm', 'dispatch', 'deliver'] as const) {
      const res = await seller.POST(`/api/v1/orders/{id}/${step}`, { params: { path: { id: order.id } } });
      expect(res.error, step).toBeUndefined();
      expect(res.data?.status).toBe(
        step === 'confirm' ? 'confirmed' : step === 'dispatch' ? 'dispatched' : 'delivered',
      );
    }

    const invoice = await chef.GET('/api/v1/invoices/{order_id}', {
      params: { path: { order_id: order.id } },
    });
    expect(invoice.error).toBeUndefined();
    expect(invoiceDto.parse(invoice.data).order_id).toBe(order.id);
  });

  it('types the error envelope, including the fields particular to a code', async () => {
    const chef = await signIn('chef@flow.iris');
    const { data, error, response } = await chef.POST('/api/v1/orders', {
      params: { header: { 'idempotency-key': randomUUID() } },
      body: {
        restaurant_id: restaurantId,
        supplier_id: supplierId,
        lines: [{ product_id: productId, quantity: 999 }],
      },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(409);
    const envelope: ErrorEnvelope | undefined = error;
    expect(errorEnvelope.parse(envelope)).toBeTruthy();
    if (error?.code !== 'INSUFFICIENT_INVENTORY')
      throw new Error(`expected a stock error, got ${error?.code}`);
    // @ts-expect-error — codes are a closed union, so a misspelt code does not compile.
    const misspelt: ErrorCode = 'INSUFFICIENT_STOCK';
    expect(misspelt).not.toBe(error.code);
    expect(error.available?.[0]).toEqual({ product_id: productId, requested: '999.000', available: '8.000' });
  });

  it('types a 401 for a missing token', async () => {
    const { error, response } = await createIrisClient({ baseUrl }).GET('/api/v1/orders');
    expect(response.status).toBe(401);
    expect(error?.code).toBe('UNAUTHENTICATED');
  });
});
