import type { Response as LightMyRequestResponse } from 'light-my-request';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';

/**
 * Broken-object-level-authorization matrix: two suppliers and two restaurants, each with an owner, plus a
 * staff member and an admin. Every org endpoint is called by every caller against every org.
 */
let ctx: TestContext;
const users: Record<string, TestUser> = {};
const orgs: Record<string, string> = {};

beforeAll(async () => {
  ctx = await createTestContext();
  const db = ctx.database.db;
  users.admin = await createUser(db, ctx.config, 'ADMIN');
  users.s1owner = await createUser(db, ctx.config, 'SUPPLIER');
  users.s1staff = await createUser(db, ctx.config, 'SUPPLIER');
  users.s2owner = await createUser(db, ctx.config, 'SUPPLIER');
  users.r1owner = await createUser(db, ctx.config, 'RESTAURANT');
  users.r2owner = await createUser(db, ctx.config, 'RESTAURANT');
  orgs.s1 = await createOrg(db, 'supplier', 'Grossist Ett AB', [
    { user: users.s1owner, role: 'owner' },
    { user: users.s1staff, role: 'staff' },
  ]);
  orgs.s2 = await createOrg(db, 'supplier', 'Grossist Två AB', [{ user: users.s2owner, role: 'owner' }]);
  orgs.r1 = await createOrg(db, 'restaurant', 'Krog Ett AB', [{ user: users.r1owner, role: 'owner' }]);
  orgs.r2 = await createOrg(db, 'restaurant', 'Krog Två AB', [{ user: users.r2owner, role: 'owner' }]);
});
afterAll(() => ctx.close());

type Method = 'GET' | 'PATCH' | 'DELETE' | 'POST' | 'PUT';
interface Call {
  name: string;
  method: Method;
  path: (org: string) => string;
  body?: () => Record<string, unknown>;
}

const supplierCalls: Call[] = [
  { name: 'read', method: 'GET', path: (id) => `/api/v1/suppliers/${id}` },
  {
    name: 'update',
    method: 'PATCH',
    path: (id) => `/api/v1/suppliers/${id}`,
    body: () => ({ city: 'Malmö' }),
  },
  { name: 'list members', method: 'GET', path: (id) => `/api/v1/suppliers/${id}/members` },
  {
    name: 'add member',
    method: 'POST',
    path: (id) => `/api/v1/suppliers/${id}/members`,
    body: () => ({ email: `new-${randomUUID()}@x.se`, member_role: 'staff' }),
  },
  {
    name: 'remove member',
    method: 'DELETE',
    path: (id) => `/api/v1/suppliers/${id}/members/${users.s2owner!.id}`,
  },
  { name: 'read pricing mode', method: 'GET', path: (id) => `/api/v1/suppliers/${id}/pricing` },
  {
    name: 'set pricing mode',
    method: 'PUT',
    path: (id) => `/api/v1/suppliers/${id}/pricing`,
    body: () => ({ mode: 'auto' }),
  },
  { name: 'list pricing rules', method: 'GET', path: (id) => `/api/v1/suppliers/${id}/pricing/rules` },
  {
    name: 'create pricing rule',
    method: 'POST',
    path: (id) => `/api/v1/suppliers/${id}/pricing/rules`,
    body: () => ({
      category: 'Grönt',
      min_price_cents: 100,
      max_price_cents: 200,
      max_daily_change_bp: 100,
      max_weekly_change_bp: 200,
      stock: { max_discount_bp: 100 },
    }),
  },
  { name: 'list price proposals', method: 'GET', path: (id) => `/api/v1/suppliers/${id}/pricing/proposals` },
  {
    name: 'roll prices back',
    method: 'POST',
    path: (id) => `/api/v1/suppliers/${id}/pricing/rollback`,
    body: () => ({}),
  },
  { name: 'list price agreements', method: 'GET', path: (id) => `/api/v1/suppliers/${id}/price-agreements` },
];
const restaurantCalls: Call[] = [
  { name: 'read', method: 'GET', path: (id) => `/api/v1/restaurants/${id}` },
  {
    name: 'update',
    method: 'PATCH',
    path: (id) => `/api/v1/restaurants/${id}`,
    body: () => ({ city: 'Malmö' }),
  },
  { name: 'list members', method: 'GET', path: (id) => `/api/v1/restaurants/${id}/members` },
  {
    name: 'add member',
    method: 'POST',
    path: (id) => `/api/v1/restaurants/${id}/members`,
    body: () => ({ email: `new-${randomUUID()}@x.se`, member_role: 'staff' }),
  },
  {
    name: 'remove member',
    method: 'DELETE',
    path: (id) => `/api/v1/restaurants/${id}/members/${users.r2owner!.id}`,
  },
  {
    name: 'list price agreements',
    method: 'GET',
    path: (id) => `/api/v1/restaurants/${id}/price-agreements`,
  },
];
/** Supplier connector routes (spec §11): the restaurant is named in the query or body, not the path. */
const consent = {
  text_version: 'v-any',
  session_only: true,
  credentials_not_stored: true,
  delegated_retrieval: true,
};
const integrationCalls: Call[] = [
  {
    name: 'connect a supplier account',
    method: 'POST',
    path: () => '/api/v1/integrations/menigo/connect',
    body: () => ({ consent, username: 'kock@krog.se', password: 'hemligt' }),
  },
  {
    name: 'complete a one-time-code challenge',
    method: 'POST',
    path: () => `/api/v1/integrations/menigo/connect/${randomUUID()}`,
    body: () => ({ code: '123456' }),
  },
  {
    name: 'read a connection status',
    method: 'GET',
    path: (id) => `/api/v1/integrations/martin_servera/status?restaurant_id=${id}`,
  },
  { name: 'request a sync', method: 'POST', path: () => '/api/v1/integrations/menigo/sync' },
  {
    name: 'prefill a portal cart',
    method: 'POST',
    path: () => '/api/v1/integrations/menigo/cart/prefill',
    body: () => ({ lines: [{ article: 'M100001', quantity: 1 }] }),
  },
  {
    name: 'disconnect',
    method: 'DELETE',
    path: (id) => `/api/v1/integrations/martin_servera?restaurant_id=${id}`,
  },
];

async function call(user: TestUser, c: Call, org: string): Promise<LightMyRequestResponse> {
  // Integration calls carry the restaurant in the body when they have one (a query string otherwise).
  const body = integrationCalls.includes(c) && c.method === 'POST' ? { restaurant_id: org } : undefined;
  return ctx.app.inject({
    method: c.method,
    url: c.path(org),
    headers: user.headers,
    ...(c.body || body ? { payload: { ...body, ...c.body?.() } } : {}),
  });
}

/** The body a caller gets for an id that does not exist, with that id swapped for the probed one. */
async function notFoundBody(user: TestUser, c: Call, probed: string) {
  const ghost = randomUUID();
  const res = await call(user, c, ghost);
  expect(res.statusCode).toBe(404);
  const { timestamp: _t, request_id: _r, ...rest } = res.json();
  return JSON.parse(JSON.stringify(rest).replaceAll(ghost, probed));
}

describe('another tenant answers 404 exactly like a missing resource', () => {
  const cases: [string, Call, string, string][] = [
    ...supplierCalls
      .filter((c) => c.name !== 'read')
      .map((c): [string, Call, string, string] => ['s1owner', c, 's2', `supplier ${c.name}`]),
    ...restaurantCalls.map((c): [string, Call, string, string] => [
      'r1owner',
      c,
      'r2',
      `restaurant ${c.name}`,
    ]),
    ...integrationCalls.map((c): [string, Call, string, string] => ['r1owner', c, 'r2', c.name]),
  ];

  it.each(cases)('%s → %s of %s', async (who, c, target) => {
    const user = users[who]!;
    const res = await call(user, c, orgs[target]!);
    expect(res.statusCode).toBe(404);
    const { timestamp: _t, request_id: _r, ...rest } = res.json();
    expect(rest).toEqual(await notFoundBody(user, c, orgs[target]!));
  });
});

describe('role guard: a wrong role is 403', () => {
  it.each([
    ['r1owner', 'PATCH', (): string => `/api/v1/suppliers/${orgs.s1}`],
    ['s1owner', 'GET', (): string => `/api/v1/restaurants/${orgs.r1}`],
    ['s1owner', 'GET', (): string => '/api/v1/restaurants'],
    ['s1owner', 'POST', (): string => '/api/v1/suppliers'],
    ['r1owner', 'DELETE', (): string => `/api/v1/restaurants/${orgs.r1}`],
    ['s1owner', 'GET', (): string => '/api/v1/admin/accounts'],
    ['r1owner', 'GET', (): string => '/api/v1/admin/audit'],
    ['s1owner', 'POST', (): string => '/api/v1/integrations/menigo/sync'],
    ['s1owner', 'GET', (): string => `/api/v1/integrations/menigo/status?restaurant_id=${orgs.r1}`],
    ['admin', 'POST', (): string => '/api/v1/integrations/menigo/cart/prefill'],
  ] as const)('%s %s', async (who, method, url) => {
    const res = await ctx.app.inject({
      method,
      url: url(),
      headers: users[who]!.headers,
      ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
  });
});

describe('own tenant', () => {
  it('staff can read but not manage their supplier', async () => {
    expect((await call(users.s1staff!, supplierCalls[2]!, orgs.s1!)).statusCode).toBe(200);
    const res = await call(users.s1staff!, supplierCalls[1]!, orgs.s1!);
    expect(res.statusCode).toBe(403);
  });

  it('owners manage their own organisation', async () => {
    expect((await call(users.s1owner!, supplierCalls[1]!, orgs.s1!)).statusCode).toBe(200);
    expect((await call(users.r1owner!, restaurantCalls[1]!, orgs.r1!)).statusCode).toBe(200);
  });

  it('restaurant lists show only the caller’s own restaurants; admins see all', async () => {
    const mine = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/restaurants',
      headers: users.r1owner!.headers,
    });
    expect(mine.json().data.map((r: { id: string }) => r.id)).toEqual([orgs.r1]);
    expect(mine.json().pagination).toEqual({ limit: 50, offset: 0, total: 1 });
    const all = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/restaurants',
      headers: users.admin!.headers,
    });
    expect(all.json().pagination.total).toBe(2);
  });

  it('suppliers are listable by every signed-in account', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/suppliers',
      headers: users.r2owner!.headers,
    });
    expect(res.json().pagination.total).toBe(2);
  });

  it('admins reach everything', async () => {
    for (const c of restaurantCalls.slice(0, 3))
      expect((await call(users.admin!, c, orgs.r2!)).statusCode).toBeLessThan(300);
  });
});
