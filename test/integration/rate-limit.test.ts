import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueServiceToken } from '../../src/core/security.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createUser, type TestUser } from '../helpers/identity.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const hash = bcrypt.hashSync('pw', 4);

describe('rate limits (in memory)', () => {
  let ctx: TestContext;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    ctx = await createTestContext({
      RATE_LIMIT_MAX: '3',
      RATE_LIMIT_AUTH_MAX: '2',
      RATE_LIMIT_SEARCH_MAX: '5',
      INTERNAL_CIDRS: '10.20.0.0/16',
      DEV_USERS: `a@test.iris:${hash}`,
    });
    alice = await createUser(ctx.database.db, ctx.config, 'RESTAURANT');
    bob = await createUser(ctx.database.db, ctx.config, 'RESTAURANT');
  });
  afterAll(() => ctx.close());

  const me = (headers: Record<string, string>, remoteAddress = '192.0.2.10') =>
    ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers, remoteAddress });

  it('answers 429 in the envelope with Retry-After once an account spends its budget, per account', async () => {
    const first = await me(alice.headers);
    expect(first.statusCode).toBe(200);
    // The IETF fields (draft-ietf-httpapi-ratelimit-headers) beside X-RateLimit-*.
    expect(first.headers['ratelimit-policy']).toBe('"default";q=3;w=60');
    expect(first.headers.ratelimit).toMatch(/^"default";r=2;t=([1-9]|[1-5]\d|60)$/);
    for (let i = 0; i < 2; i++) expect((await me(alice.headers)).statusCode).toBe(200);
    const limited = await me(alice.headers);
    expect(limited.headers.ratelimit).toMatch(/^"default";r=0;t=\d+$/);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: 'RateLimitError', code: 'RATE_LIMITED', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['x-ratelimit-limit']).toBe('3');
    // Bob, from the same address, has his own budget.
    expect((await me(bob.headers)).statusCode).toBe(200);
  });

  it('gives product search a budget of its own, per account, that neither spends nor is spent by other requests', async () => {
    const carol = await createUser(ctx.database.db, ctx.config, 'RESTAURANT');
    const search = (user: TestUser, q: string) =>
      ctx.app.inject({ method: 'GET', url: `/api/v1/products?q=${q}`, headers: user.headers });
    // Typing "mjolk": a request per keystroke, more than the general budget of 3.
    for (const q of ['m', 'mj', 'mjo', 'mjol', 'mjolk'])
      expect((await search(carol, q)).statusCode).toBe(200);
    const limited = await search(carol, 'mjolk');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['x-ratelimit-limit']).toBe('5');
    // The general budget is untouched, and another account searches on.
    expect((await me(carol.headers)).statusCode).toBe(200);
    expect((await search(bob, 'mjolk')).statusCode).toBe(200);
  });

  it('never throttles service tokens or internal addresses', async () => {
    const token = await issueServiceToken(ctx.config.auth, 'connector-worker', ['integrations'], 60);
    for (let i = 0; i < 8; i++) expect((await me({ authorization: `Bearer ${token}` })).statusCode).toBe(403);
    for (let i = 0; i < 8; i++) expect((await me({}, '10.20.3.4')).statusCode).toBe(401);
  });

  it('is stricter on /auth/*, keyed by address', async () => {
    const login = () =>
      ctx.app.inject({
        method: 'POST',
        url: '/auth/dev/login',
        remoteAddress: '198.51.100.7',
        payload: { email: 'a@test.iris', password: 'wrong' },
      });
    expect((await login()).statusCode).toBe(401);
    expect((await login()).statusCode).toBe(401);
    const limited = await login();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['ratelimit-policy']).toBe('"auth";q=2;w=60');
  });

  it('never limits health probes', async () => {
    for (let i = 0; i < 6; i++) {
      expect(
        (await ctx.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '192.0.2.99' })).statusCode,
      ).toBe(200);
    }
  });
});

describe('rate limits in Redis', () => {
  let first: TestContext;
  let second: TestContext;

  beforeAll(async () => {
    first = await createTestContext({ REDIS_URL, RATE_LIMIT_MAX: '4' });
    second = await createTestContext({ REDIS_URL, RATE_LIMIT_MAX: '4', DATABASE_URL: first.databaseUrl });
  });
  afterAll(async () => {
    await second.close().catch(() => undefined);
    await first.close();
  });

  it('share one budget across API instances', async () => {
    const user = await createUser(first.database.db, first.config, 'SUPPLIER');
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) {
      codes.push(
        (await first.app.inject({ method: 'GET', url: '/api/v1/me', headers: user.headers })).statusCode,
      );
      codes.push(
        (await second.app.inject({ method: 'GET', url: '/api/v1/me', headers: user.headers })).statusCode,
      );
    }
    expect(codes).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('reports Redis in readiness', async () => {
    const res = await first.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.json()).toMatchObject({ ready: true, status: 'ready', checks: { redis: { ok: true } } });
    const metrics = await first.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer metrics-token-for-tests' },
    });
    expect(metrics.body).toMatch(/^iris_redis_up 1$/m);
  });
});

describe('rate limits with Redis down', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_MAX: '2' });
  });
  afterAll(() => ctx.close());

  it('fail open, count the failure, and report Redis degraded while staying ready', async () => {
    const user = await createUser(ctx.database.db, ctx.config, 'RESTAURANT');
    for (let i = 0; i < 5; i++) {
      expect(
        (await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: user.headers })).statusCode,
      ).toBe(200);
    }
    const metrics = await ctx.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer metrics-token-for-tests' },
    });
    const failures = /iris_rate_limit_store_failures_total (\d+)/.exec(metrics.body);
    expect(Number(failures?.[1])).toBeGreaterThanOrEqual(5);
    expect(metrics.body).toMatch(/^iris_redis_up 0$/m);
    const ready = await ctx.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      ready: true,
      status: 'degraded',
      checks: { database: { ok: true }, migrations: { ok: true }, redis: { ok: false, degraded: true } },
    });
  });
});
