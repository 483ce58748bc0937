import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { createTestContext, TEST_SECRET, type TestContext } from '../helpers/app.js';
import { createOrg } from '../helpers/identity.js';
import { orderPlaced, writeOutbox } from '../helpers/jobs.js';
import { adminQuery } from '../helpers/pg-admin.js';
import { freePort, type Spawned, startProcess, waitForHttp } from '../helpers/process.js';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The worker process keeps running while its database connections are terminated, and catches up after. */
describe('the worker process when its database connections drop', () => {
  let ctx: TestContext;
  let worker: Spawned;
  let base: string;
  const prefix = uniquePrefix('worker-failover');

  beforeAll(async () => {
    ctx = await createTestContext();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    worker = startProcess('src/worker.ts', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      APP_SECRET: TEST_SECRET,
      DATABASE_URL: ctx.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      JOB_QUEUE_PREFIX: prefix,
      METRICS_TOKEN: 'worker-metrics-token-123',
      HOST: '127.0.0.1',
      WORKER_METRICS_PORT: String(port),
      OUTBOX_POLL_INTERVAL_MS: '20',
      OUTBOX_BATCH_SIZE: '5',
      DB_CONNECT_TIMEOUT_MS: '1000',
    });
    await waitForHttp(`${base}/healthz`, 60_000, worker);
  });
  afterAll(async () => {
    if (worker.child.exitCode === null) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    await ctx.close();
    await dropPrefix(TEST_REDIS_URL, prefix);
  });

  it(
    'stays up and publishes every outbox event once the database answers again',
    { timeout: 120_000 },
    async () => {
      const db = ctx.database.db;
      const supplierId = await createOrg(db, 'supplier', 'Worker Failover AB');
      const restaurantId = await createOrg(db, 'restaurant', 'Worker Failover Bistro AB');
      let written = 0;
      for (let round = 0; round < 6; round++) {
        await writeOutbox(
          db,
          Array.from({ length: 40 }, () => orderPlaced(supplierId, restaurantId)),
        );
        written += 40;
        await sleep(100);
        await adminQuery(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'iris-worker'`,
          [new URL(ctx.databaseUrl).pathname.slice(1)],
        );
      }

      let pending = written;
      for (let i = 0; i < 300 && pending > 0; i++) {
        expect(worker.child.exitCode, worker.output()).toBeNull();
        await sleep(200);
        const [row] = await queryRows<{ n: number }>(
          db,
          sql`SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL`,
        );
        pending = row!.n;
      }
      expect(pending).toBe(0);
      expect(worker.child.exitCode, worker.output()).toBeNull();

      const metrics = await (
        await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer worker-metrics-token-123' } })
      ).text();
      expect(metrics).toMatch(/iris_process_faults_total\{kind="uncaught_exception"\} 0/);
      expect(metrics).toMatch(/iris_db_connection_errors_total [1-9]/);
    },
  );
});
