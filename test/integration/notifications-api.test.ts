import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/core/secret-box.js';
import { queryRows } from '../../src/db/rows.js';
import { createTestContext, TEST_SECRET, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';

let ctx: TestContext;
let admin: TestUser;
let owner: TestUser;
let staff: TestUser;
let outsider: TestUser;
let chef: TestUser;
let supplierId: string;

const call = (user: TestUser | undefined, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  ctx.app.inject({
    method,
    url,
    ...(user ? { headers: user.headers } : {}),
    ...(payload ? { payload } : {}),
  });

const liveTokens = async (accountId: string) =>
  (
    await queryRows<{ token: string }>(
      ctx.database.db,
      sql`SELECT token FROM device_tokens WHERE account_id = ${accountId} AND deleted_at IS NULL ORDER BY token`,
    )
  ).map((r) => r.token);

beforeAll(async () => {
  ctx = await createTestContext();
  const db = ctx.database.db;
  admin = await createUser(db, ctx.config, 'ADMIN');
  owner = await createUser(db, ctx.config, 'SUPPLIER');
  staff = await createUser(db, ctx.config, 'SUPPLIER');
  outsider = await createUser(db, ctx.config, 'SUPPLIER');
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  supplierId = await createOrg(db, 'supplier', 'Webhook AB', [
    { user: owner, role: 'owner' },
    { user: staff, role: 'staff' },
  ]);
  await createOrg(db, 'supplier', 'Annan AB', [{ user: outsider, role: 'owner' }]);
});
afterAll(() => ctx.close());

describe('POST /api/v1/me/devices', () => {
  it('registers a token (201), refreshes it (200), and moves it to whoever registers it last', async () => {
    const first = await call(chef, 'POST', '/api/v1/me/devices', { token: 'fcm:chef-1', platform: 'ios' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ token: 'fcm:chef-1', platform: 'ios' });
    const again = await call(chef, 'POST', '/api/v1/me/devices', { token: 'fcm:chef-1', platform: 'ios' });
    expect(again.statusCode).toBe(200);
    const moved = await call(owner, 'POST', '/api/v1/me/devices', {
      token: 'fcm:chef-1',
      platform: 'android',
    });
    expect(moved.statusCode).toBe(200);
    expect(await liveTokens(chef.id)).toEqual([]);
    expect(await liveTokens(owner.id)).toEqual(['fcm:chef-1']);
  });

  it('needs a signed-in user: 401 without a token, in the envelope', async () => {
    const res = await call(undefined, 'POST', '/api/v1/me/devices', { token: 'x', platform: 'ios' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({
      code: 'UNAUTHENTICATED',
      status: 401,
      request_id: expect.any(String),
    });
  });

  it.each([
    [{ token: 'x', platform: 'symbian' }, 'platform'],
    [{ platform: 'ios' }, 'token'],
    [{ token: 'has space', platform: 'ios' }, 'token'],
    [{ token: 'a/b', platform: 'web' }, 'token'],
    [{ token: 'x'.repeat(4097), platform: 'web' }, 'token'],
    [{ token: 'x', platform: 'web', account_id: 'someone' }, 'account_id'],
  ])('rejects %o at %s with 400, writing nothing', async (payload, path) => {
    const before = await queryRows<{ n: number }>(
      ctx.database.db,
      sql`SELECT count(*)::int AS n FROM device_tokens`,
    );
    const res = await call(staff, 'POST', '/api/v1/me/devices', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain(path);
    const after = await queryRows<{ n: number }>(
      ctx.database.db,
      sql`SELECT count(*)::int AS n FROM device_tokens`,
    );
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});

describe('DELETE /api/v1/me/devices/:token', () => {
  it('removes the caller’s own token; someone else’s answers like a missing one', async () => {
    await call(staff, 'POST', '/api/v1/me/devices', { token: 'staff-phone', platform: 'android' });
    const foreign = await call(chef, 'DELETE', '/api/v1/me/devices/staff-phone');
    expect(foreign.statusCode).toBe(404);
    const missing = await call(chef, 'DELETE', '/api/v1/me/devices/never-registered');
    expect(missing.statusCode).toBe(404);
    expect(Object.keys(foreign.json()).sort()).toEqual(Object.keys(missing.json()).sort());
    expect(foreign.json().code).toBe('DEVICE_NOT_FOUND');
    expect((await call(staff, 'DELETE', '/api/v1/me/devices/staff-phone')).statusCode).toBe(204);
    expect(await liveTokens(staff.id)).toEqual([]);
    expect((await call(staff, 'DELETE', '/api/v1/me/devices/staff-phone')).statusCode).toBe(404);
    expect((await call(undefined, 'DELETE', '/api/v1/me/devices/staff-phone')).statusCode).toBe(401);
  });
});

describe('supplier webhooks', () => {
  const base = () => `/api/v1/suppliers/${supplierId}/webhooks`;

  it('creates an endpoint, shows the secret once and stores it only encrypted', async () => {
    const res = await call(owner, 'POST', base(), {
      url: 'https://203.0.114.10/iris',
      events: ['order.placed'],
      description: 'Our ERP',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ supplier_id: supplierId, events: ['order.placed'], active: true });
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const [row] = await queryRows<{ secret_ciphertext: string }>(
      ctx.database.db,
      sql`SELECT secret_ciphertext FROM webhook_endpoints WHERE id = ${body.id}`,
    );
    expect(row!.secret_ciphertext).not.toContain(body.secret);
    expect(createSecretBox(TEST_SECRET, 'webhook-signing-secret').open(row!.secret_ciphertext)).toBe(
      body.secret,
    );
    const list = await call(owner, 'GET', base());
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toHaveLength(1);
    expect(JSON.stringify(list.json())).not.toContain(body.secret);
    const audited = await queryRows<{ n: number }>(
      ctx.database.db,
      sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'supplier.webhook.create'`,
    );
    expect(audited[0]!.n).toBe(1);
  });

  it.each([
    ['http://203.0.114.10/hook', /https/],
    ['https://10.1.2.3/hook', /private/],
    ['https://127.0.0.1/hook', /private/],
    ['https://169.254.169.254/latest/meta-data', /private/],
    ['https://[::1]/hook', /private/],
    ['https://[fd00::1]/hook', /private/],
    ['https://localhost/hook', /resolves to a private/],
    ['https://user:pw@203.0.114.10/hook', /credentials/],
  ])('refuses %s with 422 WEBHOOK_URL_REJECTED', async (url, reason) => {
    const res = await call(owner, 'POST', base(), { url });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'WEBHOOK_URL_REJECTED', details: [{ path: 'url' }] });
    expect(res.json().message).toMatch(reason);
  });

  it.each([
    [{ url: 'not a url' }, 'url'],
    [{ url: 'ftp://203.0.114.10/x' }, 'url'],
    [{ url: 'https://203.0.114.10/x', events: ['order.exploded'] }, 'events.0'],
    [{ url: 'https://203.0.114.10/x', events: ['order.placed', 'order.placed'] }, 'events'],
    [{ url: 'https://203.0.114.10/x', secret: 'mine' }, 'secret'],
  ])('rejects %o at %s with 400', async (payload, path) => {
    const res = await call(owner, 'POST', base(), payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('are managed by owners and admins only: staff 403, other suppliers 404, restaurants 403', async () => {
    expect((await call(staff, 'GET', base())).statusCode).toBe(403);
    const foreign = await call(outsider, 'GET', base());
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('SUPPLIER_NOT_FOUND');
    expect((await call(chef, 'GET', base())).statusCode).toBe(403);
    expect((await call(undefined, 'GET', base())).statusCode).toBe(401);
    expect((await call(admin, 'GET', base())).statusCode).toBe(200);
    expect((await call(owner, 'GET', '/api/v1/suppliers/not-a-uuid/webhooks')).statusCode).toBe(400);
  });

  it('are deleted by owners; another supplier’s webhook id answers like a missing one', async () => {
    const created = await call(owner, 'POST', base(), { url: 'https://203.0.114.11/x' });
    const id = created.json().id;
    const other = await createOrg(ctx.database.db, 'supplier', 'Tredje AB', [{ user: owner, role: 'owner' }]);
    const wrongSupplier = await call(owner, 'DELETE', `/api/v1/suppliers/${other}/webhooks/${id}`);
    expect(wrongSupplier.statusCode).toBe(404);
    expect(wrongSupplier.json().code).toBe('WEBHOOK_NOT_FOUND');
    expect((await call(staff, 'DELETE', `${base()}/${id}`)).statusCode).toBe(403);
    expect((await call(owner, 'DELETE', `${base()}/${id}`)).statusCode).toBe(204);
    expect((await call(owner, 'DELETE', `${base()}/${id}`)).statusCode).toBe(404);
    expect((await call(owner, 'GET', base())).json().data.map((w: { id: string }) => w.id)).not.toContain(id);
  });

  it('allow at most 10 endpoints per supplier', async () => {
    const supplier = await createOrg(ctx.database.db, 'supplier', 'Många AB', [
      { user: owner, role: 'owner' },
    ]);
    for (let i = 0; i < 10; i++) {
      expect(
        (
          await call(owner, 'POST', `/api/v1/suppliers/${supplier}/webhooks`, {
            url: `https://203.0.114.12/${i}`,
          })
        ).statusCode,
      ).toBe(201);
    }
    const over = await call(owner, 'POST', `/api/v1/suppliers/${supplier}/webhooks`, {
      url: 'https://203.0.114.12/x',
    });
    expect(over.statusCode).toBe(409);
    expect(over.json().code).toBe('CONFLICT');
  });
});
