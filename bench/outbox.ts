import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { parseConfig } from '../src/core/config.js';
import { openPostgres } from '../src/core/database.js';
import { buildJobRegistry, defineJob, type QueueName } from '../src/core/jobs.js';
import { createOutboxService } from '../src/domain/outbox/outbox.service.js';
import { startJobRuntime } from '../src/workers/runtime.js';
import { dropPrefix } from '../test/helpers/redis.js';
import { BENCH_SECRET, benchDatabase, machine, saveResult } from './lib.js';

/**
 * npm run bench:outbox — the job path from the outbox to a finished job, in one process: EVENTS `order.placed`
 * events written at once, each routed to two no-op jobs (notifications, payments) on BullMQ with Redis, so what is
 * measured is the outbox's own cost (claim, hand-off, delivery rows, completion records), not a processor's.
 * Phase `recovery` (skipped with BENCH_OUTBOX_RECOVERY=0): the queue's keys are deleted as if Redis had lost its
 * data, and every delivery is handed off again by the lease sweep. Prints wall time, jobs/s, this process's CPU
 * per job (PostgreSQL's and Redis's own CPU not included) and the load average.
 * Env: BENCH_EVENTS (2000), BENCH_REDIS_URL, WORKER_CONCURRENCY (5).
 */
const DATABASE = 'iris_bench_outbox';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RECOVERY = process.env.BENCH_OUTBOX_RECOVERY !== '0';
const QUEUES: QueueName[] = ['notifications', 'payments'];

const noop = (name: string, queue: QueueName) =>
  defineJob({
    name,
    queue,
    payload: z.object({ event_id: z.string() }),
    attempts: 3,
    backoff: { type: 'exponential', delay: 1_000 },
    process: () => Promise.resolve(),
  });

export async function runOutboxBench(): Promise<unknown> {
  const { url, client } = await benchDatabase(DATABASE);
  const prefix = `iris-bench-outbox-${randomUUID().slice(0, 8)}`;
  // The default lease while jobs run; a short one for the recovery, so its sweep starts at once.
  const configure = (leaseMs: number) =>
    parseConfig({
      APP_SECRET: BENCH_SECRET,
      DATABASE_URL: url,
      REDIS_URL,
      JOB_QUEUE_PREFIX: prefix,
      OUTBOX_POLL_INTERVAL_MS: '100',
      OUTBOX_DELIVERY_LEASE_MS: String(leaseMs),
      LOG_LEVEL: 'silent',
    });
  const config = configure(600_000);
  const handle = await openPostgres(url, config.database.pool);
  const registry = buildJobRegistry(
    [noop('bench.notify', 'notifications'), noop('bench.pay', 'payments')],
    [],
    { 'order.placed': ['bench.notify', 'bench.pay'] },
    config.jobs.timezone,
  );
  const start = (cfg: typeof config) =>
    startJobRuntime({
      config: cfg,
      registry,
      outbox: createOutboxService({ db: handle.db, deliveries: cfg.jobs.outbox.deliveries }),
      log: pino({ level: 'silent' }),
      metrics: new Registry(),
    });
  let runtime = await start(config);
  const completed = async () => {
    const producer = runtime.producer!;
    let total = 0;
    for (const q of QUEUES) total += (await producer.raw(q).getJobCounts('completed')).completed ?? 0;
    return total;
  };
  const measure = async (label: string, jobs: number, start: () => Promise<void>) => {
    const load = loadavg()[0]!;
    const cpu = process.cpuUsage();
    const began = performance.now();
    await start();
    while ((await completed()) < jobs) await new Promise((r) => setTimeout(r, 20));
    const seconds = (performance.now() - began) / 1000;
    const used = process.cpuUsage(cpu);
    const result = {
      jobs,
      seconds: Math.round(seconds * 100) / 100,
      jobs_per_s: Math.round(jobs / seconds),
      cpu_us_per_job: Math.round((used.user + used.system) / jobs),
      loadavg_1m: [Math.round(load * 100) / 100, Math.round(loadavg()[0]! * 100) / 100],
    };
    console.log(`${label}:`, result);
    return result;
  };
  try {
    await client.query('TRUNCATE outbox_events CASCADE');
    const handOff = await measure('publish and run', EVENTS * 2, async () => {
      await client.query(
        `INSERT INTO outbox_events (event_type, aggregate_type, aggregate_id, payload)
         SELECT 'order.placed', 'order', gen_random_uuid(), '{}'::jsonb FROM generate_series(1, $1::int)`,
        [EVENTS],
      );
      runtime.wakeRelay();
    });
    let recovery: unknown = 'skipped';
    if (RECOVERY) {
      // Redis loses every key; the deliveries' records say the jobs had not finished.
      await runtime.close();
      await dropPrefix(REDIS_URL, prefix);
      await client.query(`UPDATE outbox_deliveries SET status = 'handed_off', settled_at = NULL,
        lease_expires_at = now()`);
      recovery = await measure('recovery after Redis lost its data', EVENTS * 2, async () => {
        runtime = await start(configure(1_000));
      });
    }
    const out = {
      machine: machine(),
      events: EVENTS,
      concurrency: config.jobs.concurrency,
      handOff,
      recovery,
    };
    console.log(`saved ${saveResult('outbox', out)}`);
    return out;
  } finally {
    await runtime.close();
    await handle.close();
    await client.end();
    await dropPrefix(REDIS_URL, prefix);
  }
}
