import pg from 'pg';
import { parseConfig } from '../src/core/config.js';
import { maintenancePool, openPostgres } from '../src/core/database.js';
import { loadMigrations, migrateUp } from '../src/db/migrator.js';
import {
  arrangeShopper,
  countByStatus,
  retryFailedPlacements,
  startLoad,
  unacceptable,
  waitForService,
} from '../test/helpers/failover-load.js';
import { ADMIN_URL, BENCH_SECRET, dbUrl, machine, saveResult, startApi } from './lib.js';

/**
 * The database-drop scenario against the running API (docs/benchmarks.md): 16 clients place orders, list orders
 * and search products while every API connection to the database is terminated five times, one second apart.
 * Reports the answers by status, the time from the last termination until service resumed (10 successes in a
 * row), whether the process stayed up, and whether every failed placement was accepted on retry with its key.
 */
const DATABASE = 'iris_bench_failover';
const CLIENTS = 16;
const ROUNDS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function admin(text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client(ADMIN_URL);
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DATABASE}`);
  const url = dbUrl(DATABASE);
  const fixtures = await openPostgres(url, maintenancePool(2), undefined, 'iris-bench');
  await migrateUp(fixtures.db, loadMigrations());
  const shopper = await arrangeShopper(fixtures.db, parseConfig({ APP_SECRET: BENCH_SECRET }));
  const { base, server } = await startApi({
    DATABASE_URL: url,
    DATABASE_URL_DIRECT: url,
    DB_STATEMENT_TIMEOUT_MS: '5000',
  });
  try {
    const load = startLoad(base, shopper, CLIENTS, 15_000);
    await sleep(3_000);
    let lastKill = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await admin(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'iris-api'`,
        [DATABASE],
      );
      lastKill = Date.now();
      await sleep(1_000);
    }
    const resumedAt = await waitForService(base, shopper, 10, 60_000, () => server.child.exitCode === null);
    await sleep(2_000);
    await load.stop();
    const answers = load.answers;
    const failed = answers.filter((a) => a.op === 'place' && a.status >= 500);
    const retried = await retryFailedPlacements(base, shopper, failed);
    const result = {
      machine: machine(),
      clients: CLIENTS,
      terminations: ROUNDS,
      requests: answers.length,
      by_status: countByStatus(answers),
      unacceptable: unacceptable(answers).length,
      hung: load.hung,
      recovery_ms_after_last_termination: Math.max(0, resumedAt - lastKill),
      failed_placements: failed.length,
      retried: { placed: retried.placed, replayed: retried.replayed, stuck: retried.stuck.length },
      process_up: server.child.exitCode === null,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`saved ${saveResult('failover', result)}\n`);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await fixtures.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
