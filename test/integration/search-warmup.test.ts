import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createHealthService } from '../../src/domain/health/health.service.js';
import { PopularSearches, SearchWarmup } from '../../src/domain/products/search-warmup.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { bulkUpsert, vegetable } from '../helpers/products.js';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.js';

/**
 * A starting instance computes the searches the fleet asks most before it reports ready. Counts travel through the
 * real Redis under this file's own prefix; the "fleet" is two apps on one database.
 */
const prefix = uniquePrefix('warmup');
let ctx: TestContext;
let chef: TestUser;
let owner: TestUser;
let redis: Redis;

beforeAll(async () => {
  ctx = await createTestContext({
    REDIS_URL: TEST_REDIS_URL,
    JOB_QUEUE_PREFIX: prefix,
    SEARCH_WARMUP_QUERIES: '50',
  });
  redis = new Redis(TEST_REDIS_URL);
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  owner = await createUser(db, ctx.config, 'SUPPLIER');
  const supplierId = await createOrg(db, 'supplier', 'Uppvärmning AB', [{ user: owner, role: 'owner' }]);
  await bulkUpsert(ctx.app, owner, supplierId, [
    { ...vegetable('UV-1', 'Palsternacka 5 kg'), price_cents: 2500 },
    { ...vegetable('UV-2', 'Jordärtskocka 2 kg'), price_cents: 2500 },
  ]);
});

afterAll(async () => {
  redis.disconnect();
  await ctx.close();
  await dropPrefix(TEST_REDIS_URL, prefix);
});

const price = (body: string, sku: string) =>
  (JSON.parse(body) as { data: { sku: string; price_cents: number }[] }).data.find((p) => p.sku === sku)
    ?.price_cents;

async function readiness(app: Awaited<ReturnType<typeof buildApp>>) {
  for (;;) {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    const body = JSON.parse(res.body) as { checks: Record<string, { ok: boolean; detail?: string }> };
    if (res.statusCode === 200) return body.checks.search_warmup;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('search warm-up', () => {
  it('computes the searches restaurants asked on other instances before the new instance is ready', async () => {
    const ask = (url: string, user: TestUser) =>
      ctx.app.inject({ method: 'GET', url, headers: user.headers });
    const rootVegetables = '/api/v1/products?q=palsternacka&in_stock=true&sort=-price_cents';
    for (let i = 0; i < 3; i += 1) expect((await ask(rootVegetables, chef)).statusCode).toBe(200);
    expect((await ask('/api/v1/products?q=jordärtskocka', chef)).statusCode).toBe(200);
    // A supplier's own view is not counted: it shows that supplier's inactive products.
    expect((await ask('/api/v1/products?q=hemligt', owner)).statusCode).toBe(200);
    await ctx.app.services.products.close(); // sends the counts now rather than in POPULAR_FLUSH_MS

    const buckets = await redis.keys(`${prefix}:search-popular:*`);
    expect(buckets).toHaveLength(1);
    const counted = await redis.zrange(buckets[0] ?? '', 0, -1, 'WITHSCORES');
    expect(counted).toHaveLength(4); // two searches, each with its count
    expect(counted[3]).toBe('3');
    expect(counted.join(' ')).not.toContain('hemligt');

    const next = await buildApp(ctx.config);
    try {
      await next.ready();
      expect(await readiness(next)).toEqual({ ok: true, detail: '2 of 2 searches' });
      // Written after the warm-up: a page the warm-up computed still shows the old price (until its TTL).
      await ctx.database.db.execute(sql`UPDATE products SET price_cents = 2600 WHERE sku = 'UV-1'`);
      const warmed = await next.inject({ method: 'GET', url: rootVegetables, headers: chef.headers });
      expect(price(warmed.body, 'UV-1')).toBe(2500);
      // A search nobody asked before is computed on demand, so it sees the write.
      const cold = await next.inject({
        method: 'GET',
        url: '/api/v1/products?q=palsternacka',
        headers: chef.headers,
      });
      expect(price(cold.body, 'UV-1')).toBe(2600);
    } finally {
      await next.close();
    }
  });

  it('skips a malformed count and stops at its time budget', async () => {
    const keyPrefix = `${prefix}:budget:`;
    let now = 10_000_000;
    const popular = new PopularSearches(redis, keyPrefix, 10, () => now);
    popular.record('{"q":"palsternacka","limit":50,"offset":0}');
    popular.record('not json');
    popular.record('{"q":"jordärtskocka","limit":50,"offset":0}');
    await popular.flush();
    const asked: string[] = [];
    const warmOne = async (search: string) => {
      asked.push(search);
      JSON.parse(search);
      now += 1_000;
    };
    const full = await new SearchWarmup(popular, { queries: 10, budgetMs: 60_000 }, () => now).run(warmOne);
    expect(full).toEqual({ state: 'done', warmed: 2, planned: 3 });
    asked.length = 0;
    const none = await new SearchWarmup(popular, { queries: 10, budgetMs: 0 }, () => now).run(warmOne);
    expect(none).toEqual({ state: 'off', warmed: 0, planned: 0 });
    expect(asked).toEqual([]);
    // Each search takes 1 s of this clock: after the first, a 0.5 s budget is spent and no other one starts.
    const short = await new SearchWarmup(popular, { queries: 10, budgetMs: 500 }, () => now).run(warmOne);
    expect(short).toEqual({ state: 'done', warmed: 1, planned: 3 });
    expect(asked).toHaveLength(1);
  });

  it('is done at its budget even when Redis never answers', async () => {
    const silent = { top: () => new Promise<string[]>(() => undefined) } as unknown as PopularSearches;
    const warmup = new SearchWarmup(silent, { queries: 10, budgetMs: 100 });
    expect(await warmup.run(async () => undefined)).toEqual({ state: 'done', warmed: 0, planned: 0 });
  });

  it('keeps only the most counted searches of an hour in Redis', async () => {
    const keyPrefix = `${prefix}:trim:`;
    const popular = new PopularSearches(redis, keyPrefix, 2, () => 20_000_000);
    for (const [search, times] of [
      ['a', 3],
      ['b', 1],
      ['c', 2],
    ] as const) {
      for (let i = 0; i < times; i += 1) popular.record(search);
    }
    await popular.flush();
    expect(await popular.top(10)).toEqual(['a', 'c']);
  });

  it('holds readiness at 503 while warming', async () => {
    const health = createHealthService({
      db: ctx.database.db,
      migrations: [],
      searchWarmup: () => ({ state: 'warming', warmed: 3, planned: 10 }),
    });
    const readiness = await health.readiness();
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.search_warmup).toEqual({ ok: false, detail: 'warming: 3 of 10 searches' });
  });
});
