import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createUser, orgNumber, type TestUser } from '../helpers/identity.js';

let ctx: TestContext;
let admin: TestUser;
let owner: TestUser;

beforeAll(async () => {
  ctx = await createTestContext();
  admin = await createUser(ctx.database.db, ctx.config, 'ADMIN');
  owner = await createUser(ctx.database.db, ctx.config, 'SUPPLIER');
});
afterAll(() => ctx.close());

const post = (user: TestUser, url: string, payload: unknown) =>
  ctx.app.inject({ method: 'POST', url, headers: user.headers, payload: payload as object });

async function auditCount(action: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    ctx.database.db,
    sql`SELECT count(*)::int AS n FROM audit_log WHERE action = ${action}`,
  );
  return row!.n;
}

describe('suppliers', () => {
  let supplierId: string;
  const number = orgNumber();

  it('are created by admins with a normalised organisationsnummer, and audited', async () => {
    const dashed = `${number.slice(0, 6)}-${number.slice(6)}`;
    const res = await post(admin, '/api/v1/suppliers', {
      legal_name: 'Fisk & Skaldjur AB',
      org_number: dashed,
      postal_code: '411 05',
      city: 'Göteborg',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      legal_name: 'Fisk & Skaldjur AB',
      org_number: number,
      default_currency: 'SEK',
      payment_terms_days: 30,
      country: 'SE',
      vat_number: `SE${number}01`,
      bankgiro: null,
    });
    supplierId = res.json().id;
    expect(await auditCount('supplier.create')).toBe(1);
  });

  it.each([
    [{ legal_name: 'X AB', org_number: '5560000002' }, 'org_number'],
    [{ legal_name: 'X AB', org_number: '123' }, 'org_number'],
    [{ legal_name: '', org_number: orgNumber() }, 'legal_name'],
    [{ legal_name: 'X AB', org_number: orgNumber(), postal_code: 'SW1A 1AA' }, 'postal_code'],
    [{ legal_name: 'X AB', org_number: orgNumber(), default_currency: 'kronor' }, 'default_currency'],
    [{ legal_name: 'X AB', org_number: orgNumber(), payment_terms_days: 400 }, 'payment_terms_days'],
    [{ legal_name: 'X AB', org_number: orgNumber(), owner_id: 'me' }, 'owner_id'],
    [{ legal_name: 'X AB', org_number: orgNumber(), bankgiro: '5678-1236' }, 'bankgiro'],
    [{ legal_name: 'X AB', org_number: orgNumber(), vat_number: 'SE556000000101' }, 'vat_number'],
  ])('reject invalid input %o at %s, writing nothing', async (payload, path) => {
    const before = await queryRows<{ n: number }>(
      ctx.database.db,
      sql`SELECT count(*)::int AS n FROM suppliers`,
    );
    const res = await post(admin, '/api/v1/suppliers', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path)).toContain(path);
    const after = await queryRows<{ n: number }>(
      ctx.database.db,
      sql`SELECT count(*)::int AS n FROM suppliers`,
    );
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('refuse a second live organisation with the same number (409)', async () => {
    const res = await post(admin, '/api/v1/suppliers', { legal_name: 'Kopia AB', org_number: number });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('ORGANISATION_NUMBER_TAKEN');
  });

  it('get members; an owner manages them; the last owner stays', async () => {
    const added = await post(admin, `/api/v1/suppliers/${supplierId}/members`, {
      email: owner.email,
      member_role: 'owner',
    });
    expect(added.statusCode).toBe(201);
    const staff = await post(owner, `/api/v1/suppliers/${supplierId}/members`, {
      email: 'Ny.Saljare@fisk.se',
      member_role: 'staff',
    });
    expect(staff.statusCode).toBe(201);
    expect(staff.json()).toMatchObject({ email: 'ny.saljare@fisk.se', member_role: 'staff' });
    const list = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/suppliers/${supplierId}/members`,
      headers: owner.headers,
    });
    expect(list.json().data).toHaveLength(2);

    const demote = await post(owner, `/api/v1/suppliers/${supplierId}/members`, {
      email: owner.email,
      member_role: 'staff',
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().code).toBe('LAST_OWNER');
    const removeSelf = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/suppliers/${supplierId}/members/${owner.id}`,
      headers: owner.headers,
    });
    expect(removeSelf.statusCode).toBe(409);

    const removeStaff = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/suppliers/${supplierId}/members/${staff.json().account_id}`,
      headers: owner.headers,
    });
    expect(removeStaff.statusCode).toBe(204);
    const again = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/suppliers/${supplierId}/members/${staff.json().account_id}`,
      headers: owner.headers,
    });
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('MEMBERSHIP_NOT_FOUND');
    expect(await auditCount('supplier.member.add')).toBe(2);
    expect(await auditCount('supplier.member.remove')).toBe(1);
  });

  it('refuse a member whose account role does not fit (422)', async () => {
    const chef = await createUser(ctx.database.db, ctx.config, 'RESTAURANT');
    const res = await post(admin, `/api/v1/suppliers/${supplierId}/members`, {
      email: chef.email,
      member_role: 'staff',
    });
    expect(res.statusCode).toBe(422);
  });

  it('show the membership in /me', async () => {
    const me = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: owner.headers });
    expect(me.json().memberships).toEqual([
      { org_type: 'supplier', org_id: supplierId, legal_name: 'Fisk & Skaldjur AB', member_role: 'owner' },
    ]);
  });

  it('update with strict bodies and reject an empty patch', async () => {
    const ok = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/suppliers/${supplierId}`,
      headers: owner.headers,
      payload: { contact_phone: '+46 31 123 45 67', payment_terms_days: 15 },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ contact_phone: '+46 31 123 45 67', payment_terms_days: 15 });
    const empty = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/suppliers/${supplierId}`,
      headers: owner.headers,
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
    const unknown = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/suppliers/${supplierId}`,
      headers: owner.headers,
      payload: { role: 'ADMIN' },
    });
    expect(unknown.statusCode).toBe(400);
  });

  it('paginate with limits enforced', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/suppliers?limit=1&offset=0',
      headers: owner.headers,
    });
    expect(res.json().pagination).toMatchObject({ limit: 1, offset: 0 });
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/suppliers?limit=201', headers: owner.headers }))
        .statusCode,
    ).toBe(400);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/suppliers?offset=-1', headers: owner.headers }))
        .statusCode,
    ).toBe(400);
  });

  it('are soft-deleted by admins, then gone for everyone, and the number is free again', async () => {
    const del = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/v1/suppliers/${supplierId}`,
      headers: admin.headers,
    });
    expect(del.statusCode).toBe(204);
    const get = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/suppliers/${supplierId}`,
      headers: admin.headers,
    });
    expect(get.statusCode).toBe(404);
    expect(get.json().code).toBe('SUPPLIER_NOT_FOUND');
    const [row] = await queryRows<{ deleted_at: string | null }>(
      ctx.database.db,
      sql`SELECT deleted_at FROM suppliers WHERE id = ${supplierId}`,
    );
    expect(row!.deleted_at).not.toBeNull();
    expect(
      (await post(admin, '/api/v1/suppliers', { legal_name: 'Ny Fisk AB', org_number: number })).statusCode,
    ).toBe(201);
    expect(
      (
        await ctx.app.inject({
          method: 'DELETE',
          url: `/api/v1/suppliers/${supplierId}`,
          headers: admin.headers,
        })
      ).statusCode,
    ).toBe(404);
  });
});

describe('invoice details', () => {
  it('keep a supplier’s VAT number in step with its organisation number and take a checked bankgiro', async () => {
    const first = orgNumber();
    const created = await post(admin, '/api/v1/suppliers', { legal_name: 'Bank AB', org_number: first });
    const id = created.json().id as string;
    const second = orgNumber();
    const patched = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/suppliers/${id}`,
      headers: admin.headers,
      payload: { org_number: second, bankgiro: '5678-1230' },
    });
    expect(patched.json()).toMatchObject({ vat_number: `SE${second}01`, bankgiro: '56781230' });
  });

  it('take a restaurant’s VAT number in the Swedish form only', async () => {
    const number = orgNumber();
    const bad = await post(admin, '/api/v1/restaurants', {
      legal_name: 'Krog AB',
      org_number: number,
      vat_number: '556000000101',
    });
    expect(bad.statusCode).toBe(400);
    const good = await post(admin, '/api/v1/restaurants', {
      legal_name: 'Krog AB',
      org_number: number,
      vat_number: `SE${number}01`,
    });
    expect(good.json().vat_number).toBe(`SE${number}01`);
  });
});

describe('restaurants', () => {
  it('carry a delivery address', async () => {
    const res = await post(admin, '/api/v1/restaurants', {
      legal_name: 'Krogen Ankaret AB',
      org_number: orgNumber(),
      delivery_address_line: 'Hamngatan 2',
      delivery_postal_code: '21120',
      delivery_city: 'Malmö',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ delivery_address_line: 'Hamngatan 2', delivery_city: 'Malmö' });
    expect(res.json()).not.toHaveProperty('default_currency');
  });
});

describe('admin', () => {
  it('changes roles, audited, and refuses to demote the last admin', async () => {
    const target = await createUser(ctx.database.db, ctx.config, 'RESTAURANT');
    // The target's account is now cached by its first request; the role change must still apply at once.
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: target.headers })).json().role,
    ).toBe('RESTAURANT');
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/accounts/${target.id}`,
      headers: admin.headers,
      payload: { role: 'SUPPLIER' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().role).toBe('SUPPLIER');
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: target.headers })).json().role,
    ).toBe('SUPPLIER');
    const audit = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/admin/audit?action=account.role_change&actor=${admin.id}`,
      headers: admin.headers,
    });
    expect(audit.json().data[0]).toMatchObject({
      action: 'account.role_change',
      resource_id: target.id,
      details: { from: 'RESTAURANT', to: 'SUPPLIER' },
    });
    expect(audit.json().data[0].request_id).toEqual(expect.any(String));

    const self = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/accounts/${admin.id}`,
      headers: admin.headers,
      payload: { role: 'RESTAURANT' },
    });
    expect(self.statusCode).toBe(409);
    const ghost = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/accounts/00000000-0000-4000-8000-000000000000',
      headers: admin.headers,
      payload: { role: 'ADMIN' },
    });
    expect(ghost.statusCode).toBe(404);
    const bad = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/accounts/${target.id}`,
      headers: admin.headers,
      payload: { role: 'ROOT' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('lists accounts filtered by role and e-mail', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/admin/accounts?role=ADMIN',
      headers: admin.headers,
    });
    expect(res.json().data.every((a: { role: string }) => a.role === 'ADMIN')).toBe(true);
    const byEmail = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/admin/accounts?email=${encodeURIComponent(owner.email.slice(0, 12))}`,
      headers: admin.headers,
    });
    expect(byEmail.json().data.map((a: { id: string }) => a.id)).toContain(owner.id);
  });

  it('audits every admin request, reads included', async () => {
    const requestId = `audit-probe-${Date.now()}`;
    await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/admin/accounts',
      headers: { ...admin.headers, 'x-request-id': requestId },
    });
    // The access record is written after the response is sent; wait for it rather than guess.
    const rows = async () =>
      queryRows<{ action: string; details: { route: string; status: number } }>(
        ctx.database.db,
        sql`SELECT action, details FROM audit_log WHERE request_id = ${requestId}`,
      );
    for (let i = 0; i < 50 && (await rows()).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await rows()).toEqual([
      {
        action: 'admin.request',
        details: expect.objectContaining({ route: '/api/v1/admin/accounts', status: 200 }),
      },
    ]);
  });

  it('validates the audit time window', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/admin/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(400);
    const window = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/admin/audit?from=2020-01-01T00:00:00Z&to=2099-01-01T00:00:00Z&limit=2`,
      headers: admin.headers,
    });
    expect(window.statusCode).toBe(200);
    expect(window.json().data).toHaveLength(2);
  });
});
