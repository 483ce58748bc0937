import { execFile } from 'node:child_process';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalStore } from '../../src/core/storage/local-store.js';
import type { ObjectStore, StoredObject } from '../../src/core/storage/storage.js';
import { queryRows } from '../../src/db/rows.js';
import { runRetention, type RetentionRun } from '../../src/domain/privacy/retention.service.js';
import { handler } from '../../src/functions/hard-delete.js';
import { createTestContext, TEST_SECRET, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct, placeOrder } from '../helpers/orders.js';

const run = promisify(execFile);
let ctx: TestContext;
let admin: TestUser;
let chef: TestUser;
let restaurantId: string;
let supplierId: string;
let filesDir: string;
let store: ObjectStore;

const db = () => ctx.database.db;
const scalar = async (query: ReturnType<typeof sql>) =>
  (await queryRows<{ n: number }>(db(), query))[0]?.n ?? Number.NaN;
const retention = (overrides: { dryRun?: boolean; batchSize?: number; maxBatches?: number } = {}) =>
  runRetention(db(), {
    dryRun: false,
    trigger: 'test',
    batchSize: 1000,
    maxBatches: 1000,
    appSecret: TEST_SECRET,
    store,
    fileGraceHours: 24,
    ...overrides,
  });
const rowsOf = (r: RetentionRun, table: string) =>
  r.status === 'completed' ? r.outcomes.filter((o) => o.table === table).reduce((n, o) => n + o.rows, 0) : -1;

/** Audit rows written `days` ago (inserts are allowed; only UPDATE/DELETE are guarded). */
const auditAged = (days: number, count = 1, action = `test.aged.${days}`) =>
  db().execute(
    sql`INSERT INTO audit_log (action, created_at)
        SELECT ${action}, now() - make_interval(days => ${days}) FROM generate_series(1, ${count})`,
  );

/** Makes a stored file look untouched for `days`. */
const ageFile = (file: StoredObject, days: number) => {
  const then = new Date(Date.now() - days * 86_400_000);
  return utimes(join(filesDir, ...file.key.split('/')), then, then);
};

/** A supplier-invoice row naming a stored file, as the upload writes it. */
const invoiceNaming = (file: StoredObject, at: { createdDaysAgo?: number; deleted?: boolean } = {}) =>
  db().execute(
    sql`INSERT INTO supplier_invoices (owner_kind, owner_org_id, restaurant_id, file_key, file_sha256, file_size,
                                       format, content_type, created_at, deleted_at)
        VALUES ('restaurant', ${restaurantId}, ${restaurantId}, ${file.key}, ${file.sha256}, ${file.size}, 'pdf',
                'application/pdf', now() - make_interval(days => ${at.createdDaysAgo ?? 0}),
                ${at.deleted ? sql`now()` : sql`NULL`})`,
  );

beforeAll(async () => {
  filesDir = await mkdtemp(join(tmpdir(), 'iris-retention-files-'));
  store = createLocalStore(filesDir);
  ctx = await createTestContext();
  admin = await createUser(db(), ctx.config, 'ADMIN');
  chef = await createUser(db(), ctx.config, 'RESTAURANT');
  restaurantId = await createOrg(db(), 'restaurant', 'Krogen AB', [{ user: chef, role: 'owner' }]);
  supplierId = await createOrg(db(), 'supplier', 'Grossisten AB', []);
});
afterAll(async () => {
  await ctx.close();
  await rm(filesDir, { recursive: true, force: true });
});

describe('the hard-delete run', () => {
  it('deletes audit rows a day past retention and keeps those a day short of it, in logged batches', async () => {
    await auditAged(366, 25, 'test.old');
    await auditAged(364, 3, 'test.young');
    const r = await retention({ batchSize: 10 });
    expect(rowsOf(r, 'audit_log')).toBe(25);
    expect(await scalar(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.old'`)).toBe(0);
    expect(await scalar(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.young'`)).toBe(3);
    const batches = await queryRows<{ row_count: number }>(
      db(),
      sql`SELECT row_count FROM deletion_log WHERE table_name = 'audit_log' AND run_id = ${r.status === 'completed' ? r.run_id : ''}
          ORDER BY created_at`,
    );
    expect(batches.map((b) => b.row_count).sort((a, b) => b - a)).toEqual([10, 10, 5]);
  });

  it('stops at maxBatches and says more is left for the next run', async () => {
    await auditAged(450, 15, 'test.more');
    const first = await retention({ batchSize: 10, maxBatches: 1 });
    const outcome =
      first.status === 'completed' ? first.outcomes.find((o) => o.table === 'audit_log') : undefined;
    expect(outcome).toMatchObject({ rows: 10, more: true });
    expect(rowsOf(await retention(), 'audit_log')).toBeGreaterThanOrEqual(5);
    expect(await scalar(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.more'`)).toBe(0);
  });

  it('keeps the audit trail append-only outside the run, and for young rows even inside it', async () => {
    await auditAged(400, 1, 'test.guard.old');
    await auditAged(10, 1, 'test.guard.young');
    await expect(db().execute(sql`DELETE FROM audit_log WHERE action = 'test.guard.old'`)).rejects.toThrow();
    await expect(
      db().transaction(async (tx) => {
        await tx.execute(sql`SELECT set_config('iris.retention_purge', 'on', true)`);
        await tx.execute(sql`DELETE FROM audit_log WHERE action = 'test.guard.young'`);
      }),
    ).rejects.toThrow();
    await expect(
      db().execute(sql`UPDATE audit_log SET action = 'x' WHERE action = 'test.guard.old'`),
    ).rejects.toThrow();
    await expect(db().execute(sql`DELETE FROM deletion_log`)).rejects.toThrow();
  });

  it('hard-deletes soft-deleted rows past retention unless an order still points at them', async () => {
    const gone = await createProduct(db(), supplierId);
    const young = await createProduct(db(), supplierId);
    const ordered = await createProduct(db(), supplierId, { stockQuantity: '10.000' });
    const placed = await placeOrder(ctx.app, chef.headers, {
      restaurant_id: restaurantId,
      supplier_id: supplierId,
      lines: [{ product_id: ordered, quantity: 1 }],
    });
    expect(placed.statusCode).toBe(201);
    await db().execute(
      sql`UPDATE products SET deleted_at = now() - interval '31 days' WHERE id IN (${gone}, ${ordered})`,
    );
    await db().execute(sql`UPDATE products SET deleted_at = now() - interval '29 days' WHERE id = ${young}`);

    await retention();
    const left = await queryRows<{ id: string }>(
      db(),
      sql`SELECT id FROM products WHERE id IN (${gone}, ${young}, ${ordered}) ORDER BY id`,
    );
    expect(left.map((r) => r.id).sort()).toEqual([young, ordered].sort());
  });

  it('erases (does not delete) soft-deleted accounts past retention, so the books keep one party', async () => {
    const leaver = await createUser(db(), ctx.config, 'RESTAURANT', 'leaver');
    const recent = await createUser(db(), ctx.config, 'RESTAURANT', 'recent');
    await db().execute(
      sql`UPDATE accounts SET deleted_at = now() - interval '31 days' WHERE id = ${leaver.id}`,
    );
    await db().execute(
      sql`UPDATE accounts SET deleted_at = now() - interval '29 days' WHERE id = ${recent.id}`,
    );
    const r = await retention();
    expect(rowsOf(r, 'accounts')).toBe(1);
    const rows = await queryRows<{ id: string; email: string }>(
      db(),
      sql`SELECT id, email FROM accounts WHERE id IN (${leaver.id}, ${recent.id})`,
    );
    expect(rows.find((a) => a.id === leaver.id)?.email).toMatch(/^erased-[0-9a-f]+@erased\.invalid$/);
    expect(rows.find((a) => a.id === recent.id)?.email).toBe(recent.email);
    // A second run finds nothing more to do for it.
    expect(rowsOf(await retention(), 'accounts')).toBe(0);
  });

  it('leaves a soft-deleted account the erasure refuses (last owner with an open order) for a later run', async () => {
    const owner = await createUser(db(), ctx.config, 'RESTAURANT', 'owner');
    const restaurant = await createOrg(db(), 'restaurant', 'Öppen Order AB', [
      { user: owner, role: 'owner' },
    ]);
    const product = await createProduct(db(), supplierId, { stockQuantity: '10.000' });
    const placed = await placeOrder(ctx.app, owner.headers, {
      restaurant_id: restaurant,
      supplier_id: supplierId,
      lines: [{ product_id: product, quantity: 1 }],
    });
    expect(placed.statusCode).toBe(201);
    await db().execute(
      sql`UPDATE accounts SET deleted_at = now() - interval '40 days' WHERE id = ${owner.id}`,
    );
    await retention();
    const [row] = await queryRows<{ email: string }>(
      db(),
      sql`SELECT email FROM accounts WHERE id = ${owner.id}`,
    );
    expect(row?.email).toBe(owner.email);
  });

  it('deletes finished orders only after the bookkeeping period from the end of their year', async () => {
    const product = await createProduct(db(), supplierId, { stockQuantity: '100.000' });
    const order = async (status: 'invoiced' | 'delivered') => {
      const placed = await placeOrder(ctx.app, chef.headers, {
        restaurant_id: restaurantId,
        supplier_id: supplierId,
        lines: [{ product_id: product, quantity: 1 }],
      });
      const id = placed.json<{ id: string }>().id;
      const steps =
        status === 'invoiced'
          ? ['confirm', 'dispatch', 'deliver', 'invoice']
          : ['confirm', 'dispatch', 'deliver'];
      for (const step of steps) {
        const r = await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/orders/${id}/${step}`,
          headers: admin.headers,
          payload: {},
        });
        expect(r.statusCode).toBe(200);
      }
      await db().execute(sql`UPDATE orders SET placed_at = '2018-06-01T10:00:00Z' WHERE id = ${id}`);
      return id;
    };
    const finished = await order('invoiced');
    const unfinished = await order('delivered');
    // Days from the end of 2018 (Stockholm) until now: the period ends a day after / a day before now.
    const days = await scalar(
      sql`SELECT (now() AT TIME ZONE 'Europe/Stockholm')::date - date '2019-01-01' AS n`,
    );
    const setDays = (n: number) =>
      db().execute(sql`UPDATE retention_policies SET retention_days = ${n} WHERE kind = 'financial_records'`);
    const exists = async (id: string) =>
      (await scalar(sql`SELECT count(*)::int AS n FROM orders WHERE id = ${id}`)) === 1;

    await setDays(days + 1);
    await retention();
    expect(await exists(finished)).toBe(true);

    await setDays(days - 1);
    await retention();
    expect(await exists(finished)).toBe(false);
    expect(await scalar(sql`SELECT count(*)::int AS n FROM order_lines WHERE order_id = ${finished}`)).toBe(
      0,
    );
    expect(await exists(unfinished)).toBe(true);
    await setDays(2557);
  });

  it('changes nothing in a dry run, and reports what a real run then deletes', async () => {
    await auditAged(500, 7, 'test.dry');
    const before = await scalar(sql`SELECT count(*)::int AS n FROM audit_log`);
    const logBefore = await scalar(sql`SELECT count(*)::int AS n FROM deletion_log`);
    const dry = await retention({ dryRun: true });
    expect(dry.status).toBe('completed');
    expect(await scalar(sql`SELECT count(*)::int AS n FROM audit_log`)).toBe(before);
    expect(await scalar(sql`SELECT count(*)::int AS n FROM deletion_log`)).toBe(logBefore);
    const real = await retention();
    expect(rowsOf(real, 'audit_log')).toBe(rowsOf(dry, 'audit_log'));
    expect(rowsOf(dry, 'audit_log')).toBeGreaterThanOrEqual(7);
  });

  it('never runs twice at once: a held lease skips the run, an expired one is taken over', async () => {
    await db().execute(
      sql`UPDATE hard_delete_lease SET holder = gen_random_uuid(), leased_until = now() + interval '1 minute'`,
    );
    await auditAged(600, 2, 'test.lease');
    expect((await retention()).status).toBe('skipped');
    expect(await scalar(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.lease'`)).toBe(2);

    await db().execute(sql`UPDATE hard_delete_lease SET leased_until = now() - interval '1 second'`);
    const [a, b] = await Promise.all([retention(), retention()]);
    expect([a.status, b.status].sort()).toEqual(['completed', 'skipped'].sort());
    expect(await scalar(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.lease'`)).toBe(0);
    expect(await scalar(sql`SELECT count(*)::int AS n FROM hard_delete_lease WHERE holder IS NOT NULL`)).toBe(
      0,
    );
  });
});

describe('stored files no row references', () => {
  it('go once past the grace period; named, young and soft-deleted-but-named files stay; logged', async () => {
    const named = await store.put(Buffer.from('%PDF named by an invoice'));
    const softNamed = await store.put(Buffer.from('%PDF named by a soft-deleted invoice'));
    const orphan = await store.put(Buffer.from('%PDF whose row never committed'));
    const young = await store.put(Buffer.from('%PDF of an upload in flight'));
    await invoiceNaming(named);
    await invoiceNaming(softNamed, { deleted: true });
    for (const f of [named, softNamed, orphan]) await ageFile(f, 2);

    const dry = await retention({ dryRun: true });
    expect(rowsOf(dry, 'stored_files')).toBe(1);
    expect(await store.exists(orphan.key)).toBe(true);

    const r = await retention();
    expect(rowsOf(r, 'stored_files')).toBe(1);
    expect(await store.exists(orphan.key)).toBe(false);
    for (const f of [named, softNamed, young]) expect(await store.exists(f.key)).toBe(true);
    const logged = await queryRows<{ rule: string; row_count: number }>(
      db(),
      sql`SELECT rule, row_count FROM deletion_log
           WHERE table_name = 'stored_files' AND run_id = ${r.status === 'completed' ? r.run_id : ''}`,
    );
    expect(logged).toEqual([{ rule: 'unreferenced_file', row_count: 1 }]);
  });

  it('a file put again is renewed and survives, though no row names it yet', async () => {
    const bytes = Buffer.from('%PDF uploaded again while its old copy waited to be swept');
    const file = await store.put(bytes);
    await ageFile(file, 5);
    await store.put(bytes);
    await retention();
    expect(await store.exists(file.key)).toBe(true);
  });

  it('follows its invoice out in the same run once the bookkeeping period is over', async () => {
    const file = await store.put(Buffer.from('%PDF of an invoice from nine years ago'));
    await invoiceNaming(file, { createdDaysAgo: 9 * 366 });
    await ageFile(file, 9 * 366);
    const r = await retention();
    expect(rowsOf(r, 'supplier_invoices')).toBeGreaterThanOrEqual(1);
    expect(rowsOf(r, 'stored_files')).toBe(1);
    expect(await store.exists(file.key)).toBe(false);
  });

  it('stops at maxBatches with the rest left for the next run', async () => {
    const files = await Promise.all([1, 2, 3].map((i) => store.put(Buffer.from(`%PDF stray ${i}`))));
    for (const f of files) await ageFile(f, 3);
    const first = await retention({ batchSize: 1, maxBatches: 1 });
    const sweep = first.status === 'completed' ? first.outcomes.find((o) => o.table === 'stored_files') : undefined;
    // One object examined (older named files of the tests above may be the one): at most one removed.
    expect(sweep?.more).toBe(true);
    expect(sweep?.rows).toBeLessThanOrEqual(1);
    const left = await Promise.all(files.map((f) => store.exists(f.key)));
    expect(left.filter(Boolean).length).toBeGreaterThanOrEqual(2);
    await retention();
    for (const f of files) expect(await store.exists(f.key)).toBe(false);
  });
});

describe('the serverless handler and the CLI', () => {
  it('runs with the Lambda signature from the environment', async () => {
    await auditAged(700, 2, 'test.lambda');
    const saved = {
      url: process.env.DATABASE_URL,
      secret: process.env.APP_SECRET,
      files: process.env.STORAGE_LOCAL_DIR,
    };
    process.env.DATABASE_URL = ctx.databaseUrl;
    process.env.APP_SECRET = TEST_SECRET;
    process.env.STORAGE_LOCAL_DIR = filesDir;
    try {
      const result = await handler({ dryRun: false }, { awsRequestId: 'test' });
      expect(result.status).toBe('completed');
      expect(rowsOf(result, 'audit_log')).toBeGreaterThanOrEqual(2);
    } finally {
      process.env.DATABASE_URL = saved.url;
      process.env.APP_SECRET = saved.secret;
      process.env.STORAGE_LOCAL_DIR = saved.files;
    }
    const trigger = await queryRows<{ trigger: string }>(
      db(),
      sql`SELECT trigger FROM deletion_log WHERE table_name = 'audit_log' ORDER BY created_at DESC LIMIT 1`,
    );
    expect(trigger[0]?.trigger).toBe('function');
  });

  it('npm run hard-delete -- --dry-run prints the report and changes nothing', async () => {
    await auditAged(800, 4, 'test.cli');
    const { stdout } = await run('npx', ['tsx', 'src/cli/hard-delete.ts', '--dry-run'], {
      env: {
        ...process.env,
        DATABASE_URL: ctx.databaseUrl,
        APP_SECRET: TEST_SECRET,
        STORAGE_LOCAL_DIR: filesDir,
        LOG_LEVEL: 'silent',
      },
      timeout: 60_000,
    });
    const report = JSON.parse(stdout) as RetentionRun;
    expect(report.status === 'completed' && report.dry_run).toBe(true);
    expect(rowsOf(report, 'audit_log')).toBeGreaterThanOrEqual(4);
    expect(await scalar(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.cli'`)).toBe(4);
  });
});
