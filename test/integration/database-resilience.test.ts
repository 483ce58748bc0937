import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { openPostgres, type DatabaseHandle } from '../../src/core/database.js';
import { queryRows } from '../../src/db/rows.js';
import { testConfig } from '../helpers/app.js';
import { adminQuery, createDatabase, dropDatabase } from '../helpers/pg-admin.js';

/** An app whose test route queries through the app's own pool, so pool failures reach a request. */
async function appWithProbe(
  url: string,
  extra: Record<string, string> = {},
): Promise<{ app: App; database: DatabaseHandle }> {
  const config = testConfig({ DATABASE_URL: url, DB_CONNECT_TIMEOUT_MS: '500', ...extra });
  const database = await openPostgres(url, config.database.pool);
  const app = await buildApp(config, { database });
  app.get('/__test/db', async () => {
    const [row] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM accounts`);
    return { accounts: row?.n };
  });
  await app.ready();
  return { app, database };
}

describe('database outages', () => {
  let scratch: { name: string; url: string };
  let ctx: { app: App; database: DatabaseHandle };

  beforeAll(async () => {
    scratch = await createDatabase(inject('templateDatabase'));
    ctx = await appWithProbe(scratch.url, { DB_POOL_CHECK_AFTER_IDLE_MS: '1' });
  });
  afterAll(async () => {
    await ctx.app.close();
    await ctx.database.close();
    await dropDatabase(scratch.name);
  });

  it('recovers when the server drops every pooled connection', async () => {
    // Warm several connections so there are idle ones to kill.
    await Promise.all(Array.from({ length: 5 }, () => ctx.app.inject({ method: 'GET', url: '/__test/db' })));
    const killed = await adminQuery<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'iris-api'`,
      [scratch.name],
    );
    expect(killed.rows[0]!.n).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) {
      const res = await ctx.app.inject({ method: 'GET', url: '/__test/db' });
      expect(res.statusCode).toBe(200);
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('answers 503 in the envelope while the database is unreachable, without crashing', async () => {
    const down = await appWithProbe('postgres://postgres@127.0.0.1:1/nowhere');
    try {
      const res = await down.app.inject({ method: 'GET', url: '/__test/db' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        code: 'DATABASE_UNAVAILABLE',
        error: 'ServiceUnavailableError',
        status: 503,
      });
      expect(res.body).not.toContain('127.0.0.1');
      const ready = await down.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks.database).toEqual({ ok: false, detail: 'unreachable' });
      expect(ready.json().checks.migrations.ok).toBe(false);
    } finally {
      await down.app.close();
      await down.database.close();
    }
  });
});
