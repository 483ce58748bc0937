import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/core/config.js';
import { openPostgres } from '../src/core/database.js';
import { createLocalStore } from '../src/core/storage/local-store.js';
import { retentionSettings, runRetention } from '../src/domain/privacy/retention.service.js';
import { BENCH_SECRET, benchDatabase, load, machine, saveResult, startApi } from './lib.js';
import { placementRequest, seedOrderFixtures } from './orders.js';

/**
 * npm run bench:retention — order placement latency with and without a hard-delete run of ROWS expired audit
 * rows going on beside it: the run must not block placement (bounded batches, SKIP LOCKED, short transactions).
 * Env: BENCH_DURATION (default 20 s per phase), BENCH_RETENTION_ROWS (default 100000), BENCH_CONNECTIONS (8).
 */
const DATABASE = 'iris_bench_retention';
const DURATION = Number(process.env.BENCH_DURATION ?? 20);
const ROWS = Number(process.env.BENCH_RETENTION_ROWS ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);

export async function runRetentionBench(): Promise<unknown> {
  const { url, client } = await benchDatabase(DATABASE);
  const fixtures = await seedOrderFixtures(client);
  const { base, server } = await startApi({ DATABASE_URL: url, DATABASE_URL_DIRECT: url });
  const config = parseConfig({ APP_SECRET: BENCH_SECRET });
  const handle = await openPostgres(url, config.database.pool);
  // Its own empty store: the bench database references no files, so it must never sweep a real one.
  const filesDir = await mkdtemp(join(tmpdir(), 'iris-bench-files-'));
  const placement = () =>
    load({
      url: `${base}/api/v1/orders`,
      method: 'POST',
      connections: CONNECTIONS,
      duration: DURATION,
      requests: [placementRequest(fixtures)],
    });
  try {
    await client.query(
      `INSERT INTO audit_log (action, created_at)
       SELECT 'bench.expired', now() - interval '400 days' FROM generate_series(1, $1::int)`,
      [ROWS],
    );
    await client.query('VACUUM ANALYZE audit_log');
    const baseline = await placement();
    console.log('placement alone:', baseline);

    const started = performance.now();
    const [during, run] = await Promise.all([
      placement(),
      runRetention(handle.db, {
        dryRun: false,
        trigger: 'bench',
        ...retentionSettings(config),
        appSecret: BENCH_SECRET,
        store: createLocalStore(filesDir),
      }).then((r) => ({ r, seconds: (performance.now() - started) / 1000 })),
    ]);
    const deleted = run.r.status === 'completed' ? run.r.outcomes.reduce((n, o) => n + o.rows, 0) : 0;
    console.log('placement during the hard-delete run:', during);
    console.log(`hard-delete run: ${String(deleted)} rows in ${run.seconds.toFixed(1)} s`);
    const out = {
      machine: machine(),
      rows: ROWS,
      batch_size: config.retention.batchSize,
      connections: CONNECTIONS,
      duration_s: DURATION,
      baseline,
      during,
      run: { deleted, seconds: Math.round(run.seconds * 10) / 10 },
    };
    console.log(`saved ${saveResult('retention', out)}`);
    return out;
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await handle.close();
    await client.end();
    await rm(filesDir, { recursive: true, force: true });
  }
}
