import { sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { issueServiceToken } from '../../src/core/security.js';
import { queryRows } from '../../src/db/rows.js';
import { findAccountById, insertAccount } from '../../src/domain/accounts/accounts.repository.js';
import { createTestContext, TEST_SECRET, testConfig, type TestContext } from '../helpers/app.js';
import { startFakeJwks, type FakeJwks } from '../helpers/fake-jwks.js';

const ISSUER = 'https://clerk.iris.test';
const AZP = 'https://app.iris.test';
let jwks: FakeJwks;
let hostile: FakeJwks;
let ctx: TestContext;

const session = (overrides: Record<string, unknown> = {}) => ({
  sub: 'user_2abc',
  iss: ISSUER,
  azp: AZP,
  email: 'New.Chef@Krog.se',
  name: 'Ny Kock',
  ...overrides,
});

const me = (app: App, token: string) =>
  app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  jwks = await startFakeJwks();
  hostile = await startFakeJwks();
  ctx = await createTestContext({
    AUTH_PROVIDER: 'clerk',
    CLERK_JWKS_URL: jwks.url,
    CLERK_ISSUERS: `${ISSUER},https://other.clerk.test`,
    CLERK_AUTHORIZED_PARTIES: AZP,
  });
});
afterAll(async () => {
  await ctx.close();
  await jwks.close();
  await hostile.close();
});

describe('clerk mode', () => {
  it('creates the account on first sight by external_id, with the default role, then finds it again', async () => {
    const first = await me(ctx.app, await jwks.sign(session()));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      email: 'new.chef@krog.se',
      role: 'RESTAURANT',
      display_name: 'Ny Kock',
    });
    const again = await me(ctx.app, await jwks.sign(session({ email: 'changed@krog.se' })));
    expect(again.json().id).toBe(first.json().id);
    expect(jwks.hits()).toBeGreaterThan(0);
  });

  it('never takes the role from token claims', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/admin/accounts',
      headers: { authorization: `Bearer ${await jwks.sign(session({ role: 'ADMIN', org_role: 'admin' }))}` },
    });
    expect(res.statusCode).toBe(403);
  });

  it('links an account an admin pre-created by e-mail, keeping its role', async () => {
    const pre = await insertAccount(ctx.database.db, { email: 'pre@krog.se', role: 'SUPPLIER' });
    const res = await me(
      ctx.app,
      await jwks.sign(session({ sub: 'user_pre', email: 'PRE@krog.se', email_verified: true })),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: pre.id, role: 'SUPPLIER' });
    expect((await findAccountById(ctx.database.db, pre.id))?.externalId).toBe('user_pre');
  });

  it.each([
    ['no email_verified claim', {}],
    ['email_verified: false', { email_verified: false }],
  ])('never links an existing account to a token with %s, and audits the refusal', async (_label, claim) => {
    const admin = await insertAccount(ctx.database.db, {
      email: `admin-${Object.keys(claim).length}@iris.local`,
      role: 'ADMIN',
    });
    const res = await me(
      ctx.app,
      await jwks.sign(
        session({ sub: `user_squatter_${Object.keys(claim).length}`, email: admin.email, ...claim }),
      ),
    );
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'EMAIL_NOT_VERIFIED', status: 403 });
    expect((await findAccountById(ctx.database.db, admin.id))?.externalId).toBeNull();
    const rows = await queryRows<{ details: Record<string, unknown> }>(
      ctx.database.db,
      sql`SELECT details FROM audit_log WHERE action = 'auth.clerk.link_refused' AND resource_id = ${admin.id}`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.details).toMatchObject({ reason: 'email_not_verified' });
  });

  it('asks for an email claim when an unknown user has none', async () => {
    const res = await me(ctx.app, await jwks.sign(session({ sub: 'user_noemail', email: undefined })));
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/email/);
  });

  const rejections: [string, () => Promise<string>][] = [
    [
      'an HS256 user token',
      async () =>
        new SignJWT(session())
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(TEST_SECRET)),
    ],
    ['an expired token', async () => jwks.sign(session(), { exp: Math.floor(Date.now() / 1000) - 60 })],
    [
      'a token issued in the future',
      async () => jwks.sign(session(), { iat: Math.floor(Date.now() / 1000) + 60 }),
    ],
    ['a future nbf', async () => jwks.sign(session({ nbf: Math.floor(Date.now() / 1000) + 600 }))],
    ['a wrong issuer', async () => jwks.sign(session({ iss: 'https://evil.clerk.test' }))],
    ['a wrong azp', async () => jwks.sign(session({ azp: 'https://evil.example' }))],
    ['a missing azp', async () => jwks.sign(session({ azp: undefined }))],
    ['an unknown kid', async () => jwks.sign(session(), { kid: 'rotated-away' })],
    ['a key from another issuer', async () => hostile.sign(session())],
    [
      'a tampered payload',
      async () => {
        const [h, , s] = (await jwks.sign(session())).split('.');
        return `${h}.${Buffer.from(JSON.stringify(session({ sub: 'user_admin' }))).toString('base64url')}.${s}`;
      },
    ],
  ];

  it.each(rejections)('rejects %s with 401', async (_name, make) => {
    const res = await me(ctx.app, await make());
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('UNAUTHENTICATED');
  });

  it('never fetches keys from jku, x5u or jwk headers', async () => {
    const before = hostile.hits();
    for (const header of [
      { jku: hostile.url },
      { x5u: hostile.url },
      { jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } },
    ]) {
      const res = await me(ctx.app, await hostile.sign(session(), { header }));
      expect(res.statusCode).toBe(401);
    }
    expect(hostile.hits()).toBe(before);
  });

  it('still accepts service tokens', async () => {
    const token = await issueServiceToken(ctx.config.auth, 'sync-worker', ['integrations'], 60);
    const res = await me(ctx.app, token);
    expect(res.statusCode).toBe(403); // authenticated as a service, which has no /me
  });

  it('answers 503, not 401, while the key server is unreachable', async () => {
    const down = await buildApp(
      testConfig({
        DATABASE_URL: ctx.databaseUrl,
        AUTH_PROVIDER: 'clerk',
        CLERK_JWKS_URL: 'http://127.0.0.1:1/jwks.json',
        CLERK_ISSUERS: ISSUER,
      }),
    );
    try {
      const res = await me(down, await jwks.sign(session()));
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await down.close();
    }
  });

  it('refuses a second Clerk user whose e-mail matches an account linked to someone else', async () => {
    const first = await me(ctx.app, await jwks.sign(session({ sub: 'user_owner', email: 'owner@krog.se' })));
    expect(first.statusCode).toBe(200);
    const intruder = await me(
      ctx.app,
      await jwks.sign(session({ sub: 'user_intruder', email: 'owner@krog.se' })),
    );
    expect(intruder.statusCode).toBe(401);
    expect(intruder.json().code).toBe('UNAUTHENTICATED');
  });

  it('gives concurrent first requests of a new user one account, and a racing second user the 401', async () => {
    const token = await jwks.sign(session({ sub: 'user_racer', email: 'racer@krog.se' }));
    const answers = await Promise.all(Array.from({ length: 8 }, () => me(ctx.app, token)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array.from({ length: 8 }, () => 200));
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);

    const rivals = await Promise.all(
      ['user_rival_a', 'user_rival_b'].map(async (sub) =>
        me(ctx.app, await jwks.sign(session({ sub, email: 'rival@krog.se' }))),
      ),
    );
    expect(rivals.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    expect(rivals.find((r) => r.statusCode === 401)?.json().code).toBe('UNAUTHENTICATED');
    const accounts = await queryRows<{ n: number }>(
      ctx.database.db,
      sql`SELECT count(*)::int AS n FROM accounts WHERE email IN ('racer@krog.se', 'rival@krog.se')`,
    );
    expect(accounts).toEqual([{ n: 2 }]);
  });

  it('verifies without any network with CLERK_JWT_KEY', async () => {
    const app = await buildApp(
      testConfig({
        DATABASE_URL: ctx.databaseUrl,
        AUTH_PROVIDER: 'clerk',
        CLERK_JWT_KEY: jwks.publicPem,
        CLERK_ISSUERS: ISSUER,
      }),
    );
    try {
      const hitsBefore = jwks.hits();
      const res = await me(app, await jwks.sign(session({ sub: 'user_pem', email: 'pem@krog.se' })));
      expect(res.statusCode).toBe(200);
      expect(jwks.hits()).toBe(hitsBefore);
    } finally {
      await app.close();
    }
  });
});
