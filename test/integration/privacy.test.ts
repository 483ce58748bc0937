import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { PERSONAL_DATA_REGISTRY } from '../../src/domain/privacy/personal-data.registry.js';
import { pseudonymFor } from '../../src/domain/privacy/erasure.service.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';

let ctx: TestContext;
let admin: TestUser;
let supplierId: string;
let seller: TestUser;
let productId: string;

const db = () => ctx.database.db;
const one = async <T>(query: ReturnType<typeof sql>) => (await queryRows<T>(db(), query))[0];

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await createUser(db(), ctx.config, 'ADMIN');
  seller = await createUser(db(), ctx.config, 'SUPPLIER');
  supplierId = await createOrg(db(), 'supplier', 'Grossisten AB', [{ user: seller, role: 'owner' }]);

  productId = await createProduct(db(), supplierId, { priceCents: 12_345, stockQuantity: '100000.000' });
});
afterAll(() => ctx.close());

const erase = (id: string, by: TestUser = admin) =>
  ctx.app.inject({ method: 'DELETE', url: `/api/v1/admin/users/${id}/gdpr-erase`, headers: by.headers });
const act = (user: TestUser, id: string, action: string) =>
  ctx.app.inject({
    method: 'POST',
    url: `/api/v1/orders/${id}/${action}`,
    headers: user.headers,
    payload: {},
  });

/** A chef who owns a restaurant with a co-owner, has a device token and places orders driven to `invoiced`. */
async function chefWithHistory() {
  const chef = await createUser(db(), ctx.config, 'RESTAURANT', 'chef');
  const coOwner = await createUser(db(), ctx.config, 'RESTAURANT', 'co');
  const restaurant = await createOrg(db(), 'restaurant', 'Krogen AB', [
    { user: chef, role: 'owner' },
    { user: coOwner, role: 'owner' },
  ]);
  const token = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/me/devices',
    headers: chef.headers,
    payload: { token: `push-${chef.id}`, platform: 'ios' },
  });
  expect(token.statusCode).toBeLessThan(300);
  const orderIds: string[] = [];
  for (const quantity of [3, 7]) {
    const placed = await placeOrder(ctx.app, chef.headers, {
      restaurant_id: restaurant,
      supplier_id: supplierId,
      note: 'Ring Anna Svensson på 070-123 45 67 vid leverans',
      lines: [{ product_id: productId, quantity }],
    });
    expect(placed.statusCode).toBe(201);
    const id = placed.json<{ id: string }>().id;
    for (const step of ['confirm', 'dispatch', 'deliver', 'invoice']) {
      expect((await act(admin, id, step)).statusCode).toBe(200);
    }
    orderIds.push(id);
  }
  return { chef, restaurant, orderIds };
}

const books = (orderIds: string[]) =>
  queryRows<Record<string, unknown>>(
    db(),
    sql`SELECT o.id, o.subtotal_cents, o.tax_cents, o.total_cents, o.status, o.restaurant_id, o.supplier_id,
               (SELECT json_agg(json_build_object('q', l.quantity, 'net', l.net_cents,
                                                  'rate', l.vat_rate_bp) ORDER BY l.line_no)
                  FROM order_lines l WHERE l.order_id = o.id) AS lines
          FROM orders o WHERE o.id IN ${orderIds} ORDER BY o.id`,
  );

describe('GDPR erasure', () => {
  it('erases the person, keeps the books to the öre, and answers 404 afterwards', async () => {
    const { chef, orderIds } = await chefWithHistory();
    const invoicesBefore = await Promise.all(
      orderIds.map(async (id) => {
        const r = await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/invoices/${id}`,
          headers: admin.headers,
        });
        return r.json<Record<string, unknown>>();
      }),
    );
    const booksBefore = await books(orderIds);

    const res = await erase(chef.id);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ pseudonym: string; erased_at: string; counts: Record<string, number> }>();
    expect(body.pseudonym).toBe(pseudonymFor(ctx.config.auth.appSecret, chef.id));
    expect(new Date(body.erased_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(body.counts).toMatchObject({ accounts: 1, restaurant_members: 1, device_tokens: 1, orders: 2 });

    // Identity gone, replaced by the pseudonym; no trace of the e-mail anywhere in the person's rows.
    const account = await one<{ email: string; external_id: string | null; deleted: boolean }>(
      sql`SELECT email, external_id, deleted_at IS NOT NULL AS deleted FROM accounts WHERE id = ${chef.id}`,
    );
    expect(account).toEqual({ email: `${body.pseudonym}@erased.invalid`, external_id: null, deleted: true });
    const leftovers = await one<{ members: number; tokens: number; keys: number; notes: number }>(
      sql`SELECT (SELECT count(*)::int FROM restaurant_members WHERE account_id = ${chef.id}) AS members,
                 (SELECT count(*)::int FROM device_tokens WHERE account_id = ${chef.id}) AS tokens,
                 (SELECT count(*)::int FROM idempotency_keys WHERE account_id = ${chef.id}) AS keys,
                 (SELECT count(*)::int FROM orders WHERE placed_by = ${chef.id} AND note IS NOT NULL) AS notes`,
    );
    expect(leftovers).toEqual({ members: 0, tokens: 0, keys: 0, notes: 0 });

    // Books: every amount, rate and line identical; invoices read the same.
    expect(await books(orderIds)).toEqual(booksBefore);
    const invoicesAfter = await Promise.all(
      orderIds.map(async (id) => {
        const r = await ctx.app.inject({
          method: 'GET',
          url: `/api/v1/invoices/${id}`,
          headers: admin.headers,
        });
        return r.json<Record<string, unknown>>();
      }),
    );
    expect(invoicesAfter).toEqual(invoicesBefore);

    // Proof, deletion log and audit row with the request id.
    const proof = await one<{ pseudonym: string; requested_by: string }>(
      sql`SELECT pseudonym, requested_by FROM gdpr_erasures WHERE account_id = ${chef.id}`,
    );
    expect(proof).toEqual({ pseudonym: body.pseudonym, requested_by: admin.id });
    const logged = await queryRows<{ table_name: string; action: string; row_count: number }>(
      db(),
      sql`SELECT table_name, action, row_count FROM deletion_log WHERE run_id = ${chef.id} ORDER BY table_name`,
    );
    expect(logged).toContainEqual({ table_name: 'device_tokens', action: 'delete', row_count: 1 });
    const audit = await one<{ request_id: string }>(
      sql`SELECT request_id FROM audit_log WHERE action = 'gdpr.erase' AND resource_id = ${chef.id}`,
    );
    expect(audit?.request_id).toBe(res.headers['x-request-id']);

    // Already erased: 404, twice, and nothing changes; the old token no longer works.
    expect((await erase(chef.id)).statusCode).toBe(404);
    expect((await erase(chef.id)).json<{ code: string }>().code).toBe('ACCOUNT_NOT_FOUND');
    const me = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: chef.headers });
    expect(me.statusCode).toBe(401);
  });

  it('refuses the last owner of an organisation with orders in progress (409), then erases after a handover', async () => {
    const owner = await createUser(db(), ctx.config, 'RESTAURANT', 'owner');
    const restaurant = await createOrg(db(), 'restaurant', 'Ensam Ägare AB', [
      { user: owner, role: 'owner' },
    ]);
    const placed = await placeOrder(ctx.app, owner.headers, {
      restaurant_id: restaurant,
      supplier_id: supplierId,
      lines: [{ product_id: productId, quantity: 1 }],
    });
    expect(placed.statusCode).toBe(201);

    const refused = await erase(owner.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ code: string }>().code).toBe('ERASURE_BLOCKED');
    // Nothing half-done.
    const still = await one<{ email: string; members: number }>(
      sql`SELECT email, (SELECT count(*)::int FROM restaurant_members WHERE account_id = ${owner.id}) AS members
            FROM accounts WHERE id = ${owner.id}`,
    );
    expect(still).toEqual({ email: owner.email, members: 1 });

    const heir = await createUser(db(), ctx.config, 'RESTAURANT', 'heir');
    await createOrg(db(), 'restaurant', 'Annan AB', []);
    await ctx.database.db.execute(
      sql`INSERT INTO restaurant_members (account_id, org_id, member_role) VALUES (${heir.id}, ${restaurant}, 'owner')`,
    );
    expect((await erase(owner.id)).statusCode).toBe(200);
  });

  it('refuses to erase the last administrator and answers 404 for an unknown account', async () => {
    const soleAdminCtx = await createTestContext();
    try {
      const only = await createUser(soleAdminCtx.database.db, soleAdminCtx.config, 'ADMIN');
      const r = await soleAdminCtx.app.inject({
        method: 'DELETE',
        url: `/api/v1/admin/users/${only.id}/gdpr-erase`,
        headers: only.headers,
      });
      expect(r.statusCode).toBe(409);
    } finally {
      await soleAdminCtx.close();
    }
    expect((await erase('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('is for administrators only, and validates the id', async () => {
    const chef = await createUser(db(), ctx.config, 'RESTAURANT');
    expect((await erase(chef.id, chef)).statusCode).toBe(403);
    expect((await erase(chef.id, seller)).statusCode).toBe(403);
    const bad = await ctx.app.inject({
      method: 'DELETE',
      url: '/api/v1/admin/users/not-a-uuid/gdpr-erase',
      headers: admin.headers,
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('data export', () => {
  it('holds every registered personal datum of the person, for the person and for an admin', async () => {
    const { chef } = await chefWithHistory();
    const mine = await ctx.app.inject({ method: 'GET', url: '/api/v1/me/export', headers: chef.headers });
    expect(mine.statusCode).toBe(200);
    const data = mine.json<{
      account_id: string;
      tables: { table: string; rows: Record<string, unknown>[] }[];
    }>();
    expect(data.account_id).toBe(chef.id);

    const expected = PERSONAL_DATA_REGISTRY.filter((e) => e.subject && e.personal.length > 0).map(
      (e) => e.table,
    );
    expect(data.tables.map((t) => t.table)).toEqual(expected);
    const rowsOf = (table: string) => data.tables.find((t) => t.table === table)?.rows ?? [];
    expect(rowsOf('accounts')[0]).toMatchObject({ id: chef.id, email: chef.email });
    expect(rowsOf('orders')).toHaveLength(2);
    expect(rowsOf('device_tokens')[0]).toMatchObject({ token: `push-${chef.id}` });
    expect(rowsOf('restaurant_members')).toHaveLength(1);
    // Every registered personal column is present in each exported row.
    for (const entry of PERSONAL_DATA_REGISTRY) {
      for (const row of rowsOf(entry.table))
        expect(Object.keys(row)).toEqual(expect.arrayContaining([...entry.personal]));
    }

    const byAdmin = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/admin/users/${chef.id}/export`,
      headers: admin.headers,
    });
    expect(byAdmin.statusCode).toBe(200);
    // The same data, but for the audit trail, which now also holds the person's own export.
    const withoutAudit = (tables: { table: string }[]) => tables.filter((t) => t.table !== 'audit_log');
    expect(withoutAudit(byAdmin.json<{ tables: { table: string }[] }>().tables)).toEqual(
      withoutAudit(data.tables),
    );

    const other = await createUser(db(), ctx.config, 'RESTAURANT');
    const forbidden = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/admin/users/${chef.id}/export`,
      headers: other.headers,
    });
    expect(forbidden.statusCode).toBe(403);
    expect((await erase(chef.id)).statusCode).toBe(200);
    const afterErase = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/admin/users/${chef.id}/export`,
      headers: admin.headers,
    });
    expect(afterErase.statusCode).toBe(404);
  });
});

describe('retention settings', () => {
  const put = (payload: unknown, user: TestUser = admin) =>
    ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/retention',
      headers: user.headers,
      payload: payload as object,
    });

  it('lists the seeded defaults', async () => {
    const r = await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/retention', headers: admin.headers });
    expect(r.statusCode).toBe(200);
    const days = Object.fromEntries(
      r
        .json<{ data: { kind: string; retention_days: number }[] }>()
        .data.map((p) => [p.kind, p.retention_days]),
    );
    expect(days).toEqual({ audit_log: 365, financial_records: 2557, soft_deleted: 30 });
  });

  it('changes a period with an audit row, and refuses bookkeeping below 7 years without changing anything', async () => {
    const ok = await put({ policies: [{ kind: 'soft_deleted', retention_days: 45 }] });
    expect(ok.statusCode).toBe(200);
    const audit = await one<{ details: { from_days: number; to_days: number } }>(
      sql`SELECT details FROM audit_log WHERE action = 'retention.policy_changed' ORDER BY created_at DESC LIMIT 1`,
    );
    expect(audit?.details).toMatchObject({ from_days: 30, to_days: 45 });

    const refused = await put({
      policies: [
        { kind: 'soft_deleted', retention_days: 60 },
        { kind: 'financial_records', retention_days: 365 },
      ],
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json<{ code: string }>().code).toBe('RETENTION_BELOW_MINIMUM');
    const kept = await one<{ days: number }>(
      sql`SELECT retention_days AS days FROM retention_policies WHERE kind = 'soft_deleted'`,
    );
    expect(kept?.days).toBe(45);
    expect((await put({ policies: [{ kind: 'soft_deleted', retention_days: 30 }] })).statusCode).toBe(200);
  });

  it('answers 400 for bad bodies and 403 for non-admins', async () => {
    expect((await put({ policies: [] })).statusCode).toBe(400);
    expect((await put({ policies: [{ kind: 'forever', retention_days: 3 }] })).statusCode).toBe(400);
    expect((await put({ policies: [{ kind: 'audit_log', retention_days: 0 }] })).statusCode).toBe(400);
    expect(
      (
        await put({
          policies: [
            { kind: 'audit_log', retention_days: 400 },
            { kind: 'audit_log', retention_days: 500 },
          ],
        })
      ).statusCode,
    ).toBe(400);
    expect((await put({ policies: [{ kind: 'audit_log', retention_days: 400 }] }, seller)).statusCode).toBe(
      403,
    );
  });
});
