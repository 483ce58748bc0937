import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../../src/app.js';
import type { Config } from '../../src/core/config.js';
import { type DatabaseHandle, openEmbedded } from '../../src/core/database.js';
import { generateProduct, prng } from '../../src/db/catalog-generator.js';
import { prepareEmbedded } from '../../src/db/embedded.js';
import { queryRows } from '../../src/db/rows.js';
import { testConfig } from '../helpers/app.js';
import { freePort, type Spawned, startProcess, waitForHttp } from '../helpers/process.js';

/**
 * Issue #10, item 7: on the embedded database (real PGlite, no DATABASE_URL) a search right after a bulk import
 * never answered and took /healthz and Ctrl-C with it. The engine runs statements synchronously on the thread that
 * calls it, cannot time out or cancel one, and has no autovacuum, so a bulk import left the planner without
 * statistics. Now it runs on its own thread with a bound per statement, and tables are analyzed after writes.
 */
const silent = { warn: () => undefined };

function embeddedConfig(dir: string, overrides: Record<string, string> = {}): Config {
  return testConfig({ DATABASE_URL: undefined, EMBEDDED_DB_DIR: join(dir, 'pgdata'), ...overrides });
}

async function login(app: App, email: string): Promise<{ authorization: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/auth/dev/login',
    payload: { email, password: 'iris-demo' },
  });
  return { authorization: `Bearer ${res.json<{ access_token: string }>().access_token}` };
}

/** The PostgreSQL error code of a failure (Drizzle wraps the driver's error as its cause). */
function codeOf(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

async function rowEstimate(database: DatabaseHandle, table: string): Promise<number> {
  const [row] = await queryRows<{ reltuples: number }>(
    database.db,
    sql`SELECT reltuples::float8 AS reltuples FROM pg_class WHERE relname = ${table}`,
  );
  return row?.reltuples ?? Number.NaN;
}

describe('the embedded database after a bulk import', () => {
  let dir: string;
  let database: DatabaseHandle;
  let app: App;
  let chef: { authorization: string };
  let supplier: { authorization: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iris-embedded-search-'));
    const config = embeddedConfig(dir);
    ({ database } = await prepareEmbedded(config, silent));
    app = await buildApp(config, { database });
    await app.ready();
    chef = await login(app, 'chef@iris.local');
    supplier = await login(app, 'supplier@iris.local');
  });
  afterAll(async () => {
    await app.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const search = async (q: string) => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/products?q=${encodeURIComponent(q)}&limit=3`,
      headers: chef,
    });
    expect(res.statusCode).toBe(200);
    return res.json<{ data: { name: string }[]; pagination: { total: number } }>();
  };

  it('has statistics on the seeded catalog before the first search', async () => {
    expect(await rowEstimate(database, 'products')).toBe(300);
    expect(await rowEstimate(database, 'product_prices')).toBe(300);
  });

  it('answers the sequence of the report: searches, a 501-row import, then "kycklingfil"', async () => {
    for (const q of ['kyckl', 'kycklingfile', 'kyklingfile']) await search(q);
    const me = (await app.inject({ method: 'GET', url: '/api/v1/me', headers: supplier })).json<{
      memberships: { org_id: string }[];
    }>();
    const random = prng(501);
    const products = Array.from({ length: 501 }, (_, i) => {
      const p = generateProduct(random, 2, i + 1);
      return {
        sku: p.sku,
        gtin: p.gtin,
        name: i === 0 ? 'Kycklingfilé majsfödd 2,5 kg' : p.name,
        brand: p.brand,
        category: p.category,
        unit: p.unit,
        pack_size: Number(p.packSize),
        price_cents: p.priceCents,
        vat_category: p.vatCategory,
      };
    });
    const runsBefore = database.stats?.connectionErrors ?? 0;
    const imported = await app.inject({
      method: 'POST',
      url: '/api/v1/products/bulk',
      headers: supplier,
      payload: { supplier_id: me.memberships[0]?.org_id, products },
    });
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toMatchObject({ created: 501, updated: 0 });

    // The import's commit queued an ANALYZE ahead of the next statement: the search is planned on 801 rows.
    const found = await search('kycklingfil');
    expect(await rowEstimate(database, 'products')).toBe(801);
    expect(found.data.map((p) => p.name)).toContain('Kycklingfilé majsfödd 2,5 kg');
    expect(database.stats?.connectionErrors).toBe(runsBefore);
  });
});

describe('a runaway statement on the embedded database', () => {
  let dir: string;
  let database: DatabaseHandle;
  let app: App;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iris-embedded-runaway-'));
    const config = embeddedConfig(dir, { DB_STATEMENT_TIMEOUT_MS: '2000' });
    ({ database } = await prepareEmbedded(config, silent));
    app = await buildApp(config, { database });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is stopped at its bound while /healthz answers; queued work and committed data survive', async () => {
    const chef = await login(app, 'chef@iris.local');
    const runaway = queryRows(database.db, sql`SELECT pg_sleep(600)`).then(() => 'finished', codeOf);
    // Queued behind the runaway: runs on the restarted database.
    const queued = app.inject({ method: 'GET', url: '/api/v1/products?q=kyckling&limit=2', headers: chef });
    const live = await app.inject({ method: 'GET', url: '/healthz' });
    expect(live.statusCode).toBe(200);

    expect(await runaway).toBe('57014');
    const page = await queued;
    expect(page.statusCode).toBe(200);
    expect(page.json<{ pagination: { total: number } }>().pagination.total).toBeGreaterThan(0);
    expect(database.stats).toMatchObject({ queryTimeouts: 1, connectionErrors: 1 });
    expect(await rowEstimate(database, 'products')).toBe(300);
    const metrics = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer metrics-token-for-tests' },
    });
    expect(metrics.body).toMatch(/^iris_db_query_timeouts_total 1$/m);
  });

  it('fails a transaction whose statement ran over the bound, and keeps nothing of it', async () => {
    const before = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM suppliers`);
    const failed = await database.db
      .transaction(async (tx) => {
        await tx.execute(
          sql`INSERT INTO suppliers (legal_name, org_number, vat_number) VALUES ('Halv AB', '5560000027', 'SE556000002701')`,
        );
        await tx.execute(sql`SELECT pg_sleep(600)`);
        await tx.execute(sql`SELECT 1`);
      })
      .then(() => 'committed', codeOf);
    expect(failed).toBe('57014');
    const after = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM suppliers`);
    expect(after).toEqual(before);
  });
});

describe('Ctrl-C while an embedded statement runs', () => {
  let server: Spawned;
  let dir: string;

  beforeAll(async () => {
    const port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'iris-embedded-sigint-'));
    server = startProcess('test/fixtures/embedded-runaway-fixture.ts', {
      PORT: String(port),
      EMBEDDED_DB_DIR: join(dir, 'pgdata'),
    });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 120_000, server);
    while (!server.output().includes('runaway statement started')) {
      if (server.child.exitCode !== null) throw new Error(server.output());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
  afterAll(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('shuts down gracefully with exit code 0 although the statement has no bound', async () => {
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/shutting down/);
  });
});

describe('the embedded database opened without a folder', () => {
  it('runs in-process for the OpenAPI export and answers queries', async () => {
    const database = await openEmbedded(undefined);
    expect(await queryRows(database.db, sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    await database.close();
    // initdb of a fresh PGlite takes 20–30 s on a loaded 2-core machine.
  }, 120_000);
});
