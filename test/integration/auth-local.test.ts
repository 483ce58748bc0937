import bcrypt from 'bcryptjs';
import { SignJWT, generateKeyPair } from 'jose';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { issueServiceToken } from '../../src/core/security.js';
import { queryRows } from '../../src/db/rows.js';
import { createTestContext, TEST_SECRET, testConfig, type TestContext } from '../helpers/app.js';
import { createUser } from '../helpers/identity.js';

const PASSWORD = 'correct horse battery staple';
const hash = bcrypt.hashSync(PASSWORD, 4);
let ctx: TestContext;

const secret = new TextEncoder().encode(TEST_SECRET);
const claims = (overrides: Record<string, unknown> = {}) => ({ iss: 'iris', aud: 'iris-api', ...overrides });

async function hs256(
  payload: Record<string, unknown>,
  options: { exp?: number; iat?: number; nbf?: number; key?: Uint8Array } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(options.iat ?? now)
    .setExpirationTime(options.exp ?? now + 600);
  if (options.nbf) jwt.setNotBefore(options.nbf);
  return jwt.sign(options.key ?? secret);
}

const me = (authorization?: string) =>
  ctx.app.inject({
    method: 'GET',
    url: '/api/v1/me',
    headers: authorization === undefined ? {} : { authorization },
  });

beforeAll(async () => {
  ctx = await createTestContext({
    DEV_USERS: `chef@test.iris:${hash},boss@test.iris:ADMIN:${hash}`,
    RATE_LIMIT_AUTH_MAX: '1000',
  });
});
afterAll(() => ctx.close());

async function auditActions(): Promise<string[]> {
  const rows = await queryRows<{ action: string }>(
    ctx.database.db,
    sql`SELECT action FROM audit_log ORDER BY created_at`,
  );
  return rows.map((r) => r.action);
}

describe('POST /auth/dev/login', () => {
  it('issues a bearer token that /me accepts, creating the account with the DEV_USERS role', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/auth/dev/login',
      payload: { email: 'Boss@Test.Iris', password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    const who = await me(`Bearer ${body.access_token}`);
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({ email: 'boss@test.iris', role: 'ADMIN', memberships: [] });
    expect(who.json().last_login_at).not.toBeNull();
  });

  it('defaults the role to RESTAURANT', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/auth/dev/login',
      payload: { email: 'chef@test.iris', password: PASSWORD },
    });
    expect((await me(`Bearer ${res.json().access_token}`)).json().role).toBe('RESTAURANT');
  });

  it('answers 401 alike for a wrong password and an unknown e-mail, and audits both', async () => {
    const wrong = await ctx.app.inject({
      method: 'POST',
      url: '/auth/dev/login',
      payload: { email: 'chef@test.iris', password: 'nope' },
    });
    const unknown = await ctx.app.inject({
      method: 'POST',
      url: '/auth/dev/login',
      payload: { email: 'ghost@test.iris', password: PASSWORD },
    });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', message: 'Wrong e-mail or password' });
    }
    const actions = await auditActions();
    expect(actions.filter((a) => a === 'auth.login.failure')).toHaveLength(2);
    expect(actions).toContain('auth.login.success');
  });

  it('never stores the hash or password anywhere', async () => {
    const dump = await queryRows<{ row: string }>(
      ctx.database.db,
      sql`SELECT row_to_json(a)::text AS row FROM accounts a`,
    );
    const audit = await queryRows<{ row: string }>(
      ctx.database.db,
      sql`SELECT row_to_json(l)::text AS row FROM audit_log l`,
    );
    for (const { row } of [...dump, ...audit]) {
      expect(row).not.toContain('$2');
      expect(row).not.toContain(PASSWORD);
    }
  });

  it('rejects bodies with unknown fields or a malformed e-mail', async () => {
    const extra = await ctx.app.inject({
      method: 'POST',
      url: '/auth/dev/login',
      payload: { email: 'chef@test.iris', password: PASSWORD, role: 'ADMIN' },
    });
    expect(extra.statusCode).toBe(400);
    const bad = await ctx.app.inject({
      method: 'POST',
      url: '/auth/dev/login',
      payload: { email: 'not-an-email', password: PASSWORD },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toBe('email');
  });

  it('does not exist in clerk mode or in production', async () => {
    for (const env of [
      { AUTH_PROVIDER: 'clerk', CLERK_JWT_KEY: 'unused', CLERK_ISSUERS: 'https://clerk.test' },
      {
        NODE_ENV: 'production',
        REDIS_URL: 'redis://127.0.0.1:1',
        AUTH_PROVIDER: 'local',
        ALLOW_LOCAL_AUTH_IN_PRODUCTION: 'true',
        PAYMENTS_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: 'sk_test_unused',
        STRIPE_WEBHOOK_SECRET: 'whsec_unused',
        STORAGE_LOCAL_DIR: '/tmp/iris-test-files',
      },
    ]) {
      const pem = (await generateKeyPair('RS256', { extractable: true })).publicKey;
      const { exportSPKI } = await import('jose');
      const overrides = {
        DATABASE_URL: ctx.databaseUrl,
        ...env,
        ...(env.CLERK_JWT_KEY ? { CLERK_JWT_KEY: await exportSPKI(pem) } : {}),
      };
      const app = await buildApp(testConfig(overrides));
      try {
        const res = await app.inject({
          method: 'POST',
          url: '/auth/dev/login',
          payload: { email: 'chef@test.iris', password: PASSWORD },
        });
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe('ROUTE_NOT_FOUND');
      } finally {
        await app.close();
      }
    }
  });
});

describe('token verification (local mode)', () => {
  let accountId: string;
  beforeAll(async () => {
    accountId = (await createUser(ctx.database.db, ctx.config, 'RESTAURANT')).id;
  });

  it('accepts a well-formed token', async () => {
    expect((await me(`Bearer ${await hs256(claims({ sub: accountId }))}`)).statusCode).toBe(200);
  });

  const cases: [string, () => Promise<string>][] = [
    ['missing header', async () => ''],
    ['wrong scheme', async () => `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['not a JWT', async () => 'Bearer not-a-token'],
    [
      'alg none',
      async () => {
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        const body = Buffer.from(JSON.stringify(claims({ sub: 'x', exp: 9_999_999_999 }))).toString(
          'base64url',
        );
        return `Bearer ${header}.${body}.`;
      },
    ],
    [
      'RS256 token in local mode',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        const token = await new SignJWT(claims({ sub: accountId }))
          .setProtectedHeader({ alg: 'RS256' })
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey);
        return `Bearer ${token}`;
      },
    ],
    ['expired', async () => `Bearer ${await hs256(claims({ sub: accountId }), { iat: 1_000, exp: 2_000 })}`],
    [
      'not yet valid',
      async () =>
        `Bearer ${await hs256(claims({ sub: accountId }), { nbf: Math.floor(Date.now() / 1000) + 600 })}`,
    ],
    [
      'issued in the future (beyond the 5 s skew)',
      async () => {
        const now = Math.floor(Date.now() / 1000);
        return `Bearer ${await hs256(claims({ sub: accountId }), { iat: now + 60, exp: now + 600 })}`;
      },
    ],
    ['wrong issuer', async () => `Bearer ${await hs256(claims({ sub: accountId, iss: 'evil' }))}`],
    ['wrong audience', async () => `Bearer ${await hs256(claims({ sub: accountId, aud: 'other-api' }))}`],
    [
      'wrong key',
      async () =>
        `Bearer ${await hs256(claims({ sub: accountId }), { key: new TextEncoder().encode('x'.repeat(40)) })}`,
    ],
    [
      'tampered payload',
      async () => {
        const [h, , sig] = (await hs256(claims({ sub: accountId }))).split('.');
        const forged = Buffer.from(
          JSON.stringify(claims({ sub: accountId, role: 'ADMIN', exp: 9_999_999_999 })),
        ).toString('base64url');
        return `Bearer ${h}.${forged}.${sig}`;
      },
    ],
    [
      'jku header',
      async () => {
        const now = Math.floor(Date.now() / 1000);
        const token = await new SignJWT(claims({ sub: accountId }))
          .setProtectedHeader({ alg: 'HS256', jku: 'http://127.0.0.1:9/jwks' })
          .setIssuedAt(now)
          .setExpirationTime(now + 60)
          .sign(secret);
        return `Bearer ${token}`;
      },
    ],
    [
      'unknown account',
      async () => `Bearer ${await hs256(claims({ sub: '00000000-0000-4000-8000-000000000000' }))}`,
    ],
  ];

  it.each(cases)('rejects %s with 401 in the envelope', async (_name, make) => {
    const header = await make();
    const res = await me(header === '' ? undefined : header);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'AuthenticationError', code: 'UNAUTHENTICATED', status: 401 });
  });

  it('takes the role from the account row, not from claims', async () => {
    const token = await hs256(claims({ sub: accountId, role: 'ADMIN' }));
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/admin/accounts',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(403);
  });

  it('accepts service tokens, which carry no user and cannot call user endpoints', async () => {
    const token = await issueServiceToken(ctx.config.auth, 'connector-worker', ['integrations'], 60);
    const res = await me(`Bearer ${token}`);
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/Service tokens/);
  });
});
