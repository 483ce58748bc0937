import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { type DatabaseHandle, maintenancePool, openPostgres } from '../../src/core/database.js';
import { loadMigrations, migrateUp } from '../../src/db/migrator.js';
import { TEST_SECRET, testConfig } from '../helpers/app.js';
import {
  arrangeShopper,
  countByStatus,
  retryFailedPlacements,
  type Shopper,
  startLoad,
  unacceptable,
  waitForService,
} from '../helpers/failover-load.js';
import { type OwnPostgres, ownPostgres, postgresBinaries } from '../helpers/own-postgres.js';
import { adminQuery, createDatabase, dropDatabase } from '../helpers/pg-admin.js';
import { freePort, type Spawned, startProcess, waitForHttp } from '../helpers/process.js';

/**
 * The API as a real process under concurrent load while its database connections die (issue: a connection
 * error on a checked-out client used to end the process). Every answer must be a 2xx or a 503/409 in the
 * envelope, nothing may hang past the statement timeout, service must resume on its own, and placements that
 * failed must be accepted on retry with the same Idempotency-Key without waiting for the 90 s lock.
 */

const CLIENTS = 16;
const STATEMENT_TIMEOUT_MS = 5_000;
const HANG_MS = STATEMENT_TIMEOUT_MS + 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startApi(databaseUrl: string): Promise<{ api: Spawned; base: string }> {
  const port = await freePort();
  const api = startProcess('src/main.ts', {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    APP_SECRET: TEST_SECRET,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    RATE_LIMIT_MAX: '1000000',
    // The load is one shopper in a tight loop; the per-user search budget is not what this test measures.
    RATE_LIMIT_SEARCH_MAX: '1000000',
    ORDER_RATE_LIMIT_PER_RESTAURANT: '0',
    METRICS_TOKEN: 'failover-metrics-token',
    DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    DB_CONNECT_TIMEOUT_MS: '1000',
    SHUTDOWN_GRACE_MS: '2000',
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/readyz`, 60_000, api);
  return { api, base };
}

async function metric(base: string, name: string): Promise<string> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer failover-metrics-token' } });
  const text = await res.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .join('\n');
}

/** Runs load, calls `disrupt` while it runs, then checks every answer, the recovery and the failed keys. */
async function survivesUnderLoad(
  base: string,
  api: Spawned,
  shopper: Shopper,
  disrupt: () => Promise<void>,
): Promise<void> {
  const load = startLoad(base, shopper, CLIENTS, HANG_MS);
  await sleep(500);
  await disrupt();
  await waitForService(base, shopper, 10, 60_000, () => api.child.exitCode === null).catch((err: unknown) => {
    throw new Error(`${String(err)}\n${api.output().slice(-3000)}`);
  });
  await sleep(300);
  await load.stop();

  expect(api.child.exitCode, api.output()).toBeNull();
  expect(load.hung).toBe(0);
  const answers = load.answers;
  expect(unacceptable(answers), JSON.stringify(countByStatus(answers))).toEqual([]);
  expect(
    answers.some((a) => a.status >= 500),
    JSON.stringify(countByStatus(answers)),
  ).toBe(true);

  // Service resumed: a fresh round of every operation succeeds.
  const after = startLoad(base, shopper, 4, HANG_MS);
  await sleep(500);
  await after.stop();
  expect(after.answers.length).toBeGreaterThan(0);
  expect(after.answers.filter((a) => a.status >= 300)).toEqual([]);

  // A placement that failed with the connection is accepted on retry: its claim was released.
  const failed = answers.filter((a) => a.op === 'place' && a.status >= 500);
  const retried = await retryFailedPlacements(base, shopper, failed);
  expect(retried.stuck).toEqual([]);

  expect(await metric(base, 'iris_process_faults_total')).toMatch(
    /iris_process_faults_total\{kind="uncaught_exception"\} 0/,
  );
  expect(await metric(base, 'iris_db_connection_errors_total ')).not.toMatch(/ 0$/);
  expect(api.child.exitCode).toBeNull();
}

describe('a dropped database connection under load', () => {
  let database: { name: string; url: string };
  let fixtures: DatabaseHandle;
  let shopper: Shopper;
  let api: Spawned;
  let base: string;

  beforeAll(async () => {
    database = await createDatabase(inject('templateDatabase'));
    fixtures = await openPostgres(database.url, maintenancePool(2), undefined, 'iris-test');
    shopper = await arrangeShopper(fixtures.db, testConfig());
    ({ api, base } = await startApi(database.url));
  });
  afterAll(async () => {
    if (api.child.exitCode === null) {
      api.child.kill('SIGKILL');
      await api.exited;
    }
    await fixtures.close();
    await dropDatabase(database.name);
  });

  it('keeps the API up when its backends are terminated several times', { timeout: 120_000 }, async () => {
    await survivesUnderLoad(base, api, shopper, async () => {
      for (let round = 0; round < 4; round++) {
        // Only this test's database, only the API's connections.
        await adminQuery(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'iris-api'`,
          [database.name],
        );
        await sleep(400);
      }
    });
  });
});

const bin = postgresBinaries();

describe.skipIf(!bin)('a database stopped and started under load (own PostgreSQL cluster)', () => {
  let cluster: OwnPostgres;
  let fixtures: DatabaseHandle;
  let shopper: Shopper;
  let api: Spawned;
  let base: string;

  beforeAll(async () => {
    cluster = await ownPostgres(bin!);
    await cluster.query('CREATE DATABASE iris_failover');
    const url = cluster.url('iris_failover');
    fixtures = await openPostgres(url, maintenancePool(2), undefined, 'iris-test');
    await migrateUp(fixtures.db, loadMigrations());
    shopper = await arrangeShopper(fixtures.db, testConfig());
    ({ api, base } = await startApi(url));
  });
  afterAll(async () => {
    // beforeAll may have failed part-way: close what exists.
    const started = api as Spawned | undefined;
    if (started?.child.exitCode === null) {
      started.child.kill('SIGKILL');
      await started.exited;
    }
    await (fixtures as DatabaseHandle | undefined)?.close().catch(() => undefined);
    (cluster as OwnPostgres | undefined)?.destroy();
  });

  it('answers 503 while the server is down and resumes when it is back', { timeout: 120_000 }, async () => {
    await survivesUnderLoad(base, api, shopper, async () => {
      for (let round = 0; round < 2; round++) {
        cluster.stop();
        await sleep(1_000);
        cluster.start();
        await sleep(500);
      }
    });
  });
});

if (!bin) {
  describe('a database stopped and started under load', () => {
    it.skip('needs the PostgreSQL server binaries (initdb, pg_ctl under /usr/lib/postgresql/*/bin)', () =>
      undefined);
  });
}
