import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../src/core/config.js';
import { buildJobRegistry, defineJob, type JobDefinition } from '../../src/core/jobs.js';
import { queryRows } from '../../src/db/rows.js';
import { createOutboxService } from '../../src/domain/outbox/outbox.service.js';
import { createJobServices } from '../../src/services.js';
import { createJobRegistry, EVENT_ROUTES, SCHEDULES } from '../../src/workers/registry.js';
import { type JobRuntime, startJobRuntime } from '../../src/workers/runtime.js';
import { createTestContext, type TestContext, testConfig } from '../helpers/app.js';
import { createUser } from '../helpers/identity.js';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.js';

const log = pino({ level: 'silent' });
let ctx: TestContext;
let config: Config;
const prefix = uniquePrefix('runtime');

beforeAll(async () => {
  ctx = await createTestContext();
  config = testConfig({
    DATABASE_URL: ctx.databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    JOB_QUEUE_PREFIX: prefix,
    OUTBOX_POLL_INTERVAL_MS: '1000',
  });
});
afterAll(async () => {
  await ctx.close();
  await dropPrefix(TEST_REDIS_URL, prefix);
});

const start = async (registry = realRegistry(), metrics = new Registry()) =>
  startJobRuntime({
    config,
    registry,
    outbox: createOutboxService({ db: ctx.database.db, deliveries: config.jobs.outbox.deliveries }),
    log,
    metrics,
  });

const mockServices = () => ({
  deliveries: { dispatchEvent: vi.fn(), pruneStaleDevices: vi.fn() },
  idempotency: { run: vi.fn(), purgeExpired: vi.fn() },
  popularity: { refresh: vi.fn() },
  catalogWrites: { prune: vi.fn() },
  invoiceExtraction: { extract: vi.fn() },
  forecastTraining: { refresh: vi.fn() },
  paymentSync: { sync: vi.fn(), reconcile: vi.fn(), executeRefund: vi.fn(), createIntentNow: vi.fn() },
  connectors: { sync: vi.fn(), nightly: vi.fn(), watchDom: vi.fn(), pullInvoices: vi.fn() },
  privacy: { runRetention: vi.fn() },
  pricing: { refresh: vi.fn() },
  outbox: { purgeCompleted: vi.fn() },
});

function realRegistry() {
  return createJobRegistry(mockServices(), config.jobs.timezone);
}

describe('the hard-delete schedule', () => {
  it('runs daily unless a serverless scheduler owns it (RETENTION_SCHEDULE_ENABLED=false)', () => {
    const services = mockServices();
    const on = createJobRegistry(services, 'Europe/Stockholm');
    expect(on.schedules.map((s) => s.job)).toContain('retention.hard-delete');
    const off = createJobRegistry(services, 'Europe/Stockholm', { retentionSchedule: false });
    expect(off.schedules.map((s) => s.job)).not.toContain('retention.hard-delete');
    expect(off.get('retention.hard-delete')).toBeDefined();
  });
});

describe('schedules', () => {
  it('are registered idempotently across restarts, in JOB_TIMEZONE', async () => {
    for (let restart = 0; restart < 3; restart++) {
      const runtime = await start();
      const queue = runtime.producer!.raw('maintenance');
      const schedulers = await queue.getJobSchedulers();
      const maintenance = SCHEDULES.filter((s) => realRegistry().get(s.job)?.queue === 'maintenance');
      expect(maintenance.map((s) => s.job)).toEqual(
        expect.arrayContaining(['device-tokens.prune', 'idempotency-keys.purge', 'retention.hard-delete']),
      );
      expect([...schedulers].sort((a, b) => a.key.localeCompare(b.key))).toEqual(
        [...maintenance]
          .sort((a, b) => a.job.localeCompare(b.job))
          .map((s) => expect.objectContaining({ key: s.job, pattern: s.cron, tz: 'Europe/Stockholm' })),
      );
      // One upcoming run per schedule, not one per start.
      expect(await queue.getJobCounts('delayed')).toEqual({ delayed: maintenance.length });
      await runtime.close();
    }
  });

  it('drop schedulers that are no longer declared', async () => {
    const seed = await start();
    await seed.producer!.raw('maintenance').upsertJobScheduler('legacy.cleanup', { pattern: '0 * * * *' });
    await seed.close();
    const runtime = await start();
    const keys = (await runtime.producer!.raw('maintenance').getJobSchedulers()).map((s) => s.key);
    expect([...keys].sort()).toEqual(
      SCHEDULES.filter((s) => realRegistry().get(s.job)?.queue === 'maintenance')
        .map((s) => s.job)
        .sort(),
    );
    await runtime.close();
  });
});

describe('registry', () => {
  const job = (name: string, queue: 'notifications' | 'maintenance' = 'maintenance') =>
    defineJob({
      name,
      queue,
      payload: z.object({}),
      attempts: 1,
      backoff: { type: 'exponential', delay: 1 },
      process: async () => undefined,
    });

  it('maps every scheduled and event-routed job of the app to a processor', () => {
    const registry = realRegistry();
    for (const s of SCHEDULES) expect(registry.get(s.job)).toBeDefined();
    for (const names of Object.values(EVENT_ROUTES))
      for (const n of names) expect(registry.get(n)).toBeDefined();
  });

  it.each([
    [[job('a')], [{ job: 'b', cron: '* * * * *' }], {}, /"b" is scheduled but has no processor/],
    [[job('a')], [], { 'order.placed': ['b'] }, /"b" is enqueued for "order.placed" but has no processor/],
    [[job('a')], [{ job: 'a', cron: 'every tuesday' }], {}, /invalid cron pattern/],
    [[job('a'), job('a')], [], {}, /"a" has two processors/],
    [[job('a'), job('b')], [], { 'order.placed': ['a', 'b'] }, /two jobs to one queue/],
  ])('refuses an incomplete setup at start-up (%#)', (definitions, schedules, routes, message) => {
    expect(() => buildJobRegistry(definitions, schedules, routes, 'Europe/Stockholm')).toThrow(message);
  });
});

describe('BullMQ retries', () => {
  let runtime: JobRuntime;
  let metrics: Registry;
  const calls: Record<string, number> = {};
  let release: () => void = () => undefined;
  const count = (name: string) => {
    calls[name] = (calls[name] ?? 0) + 1;
    return calls[name];
  };
  /** A test job counting its attempts; `run` gets the attempt number and the payload. */
  const testJob = (
    name: string,
    queue: 'notifications' | 'maintenance',
    retry: { attempts: number; delay: number },
    run: (attempt: number, payload: { failures?: number }) => Promise<void>,
  ) =>
    defineJob({
      name,
      queue,
      payload: z.strictObject({ failures: z.number().optional() }),
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.delay },
      process: (payload) => run(count(name), payload),
    });
  const definitions: JobDefinition[] = [
    testJob('test.flaky', 'notifications', { attempts: 5, delay: 20 }, async (attempt, { failures = 0 }) => {
      if (attempt <= failures) throw new Error('not yet');
    }),
    testJob('test.broken', 'notifications', { attempts: 3, delay: 10 }, () =>
      Promise.reject(new Error('always broken')),
    ),
    testJob('test.patient', 'maintenance', { attempts: 2, delay: 3_600_000 }, () =>
      Promise.reject(new Error('wait an hour')),
    ),
    testJob(
      'test.slow',
      'maintenance',
      { attempts: 1, delay: 1 },
      () => new Promise<void>((resolve) => (release = resolve)),
    ),
  ];

  beforeAll(async () => {
    metrics = new Registry();
    runtime = await start(buildJobRegistry(definitions, [], {}, 'Europe/Stockholm'), metrics);
  });

  const job = (name: string, id: string) =>
    runtime
      .producer!.raw(name === 'test.patient' || name === 'test.slow' ? 'maintenance' : 'notifications')
      .getJob(id);

  it('retries with exponential backoff until the job succeeds', async () => {
    await runtime.producer!.enqueue([{ name: 'test.flaky', data: { failures: 2 }, jobId: 'flaky-1' }]);
    await vi.waitFor(
      async () => {
        expect(await (await job('test.flaky', 'flaky-1'))?.getState()).toBe('completed');
      },
      {
        timeout: 10_000,
        interval: 20,
      },
    );
    expect(calls['test.flaky']).toBe(3);
    const text = await metrics.getSingleMetricAsString('iris_job_completed_total');
    expect(text).not.toContain('outcome="failure"');
    expect(text).toContain('iris_job_completed_total{job="test.flaky",outcome="retry"} 2');
    expect(text).toContain('iris_job_completed_total{job="test.flaky",outcome="success"} 1');
  });

  it('stops after the bounded attempts and keeps the failed job for inspection', async () => {
    await runtime.producer!.enqueue([{ name: 'test.broken', data: {}, jobId: 'broken-1' }]);
    await vi.waitFor(
      async () => {
        expect(await (await job('test.broken', 'broken-1'))?.getState()).toBe('failed');
      },
      {
        timeout: 10_000,
        interval: 20,
      },
    );
    const failed = await job('test.broken', 'broken-1');
    expect([failed?.attemptsMade, failed?.failedReason, calls['test.broken']]).toEqual([
      3,
      'always broken',
      3,
    ]);
    expect(failed?.opts.backoff).toEqual({ type: 'exponential', delay: 10 });
  });

  it('waits out the backoff between attempts instead of retrying at once', async () => {
    await runtime.producer!.enqueue([{ name: 'test.patient', data: {}, jobId: 'patient-1' }]);
    await vi.waitFor(
      async () => {
        expect(await (await job('test.patient', 'patient-1'))?.getState()).toBe('delayed');
      },
      {
        timeout: 10_000,
        interval: 20,
      },
    );
    expect(calls['test.patient']).toBe(1);
  });

  it('fails a payload that does not parse at once, without retries', async () => {
    await runtime.producer!.enqueue([{ name: 'test.flaky', data: { failures: 'many' }, jobId: 'flaky-bad' }]);
    await vi.waitFor(
      async () => {
        expect(await (await job('test.flaky', 'flaky-bad'))?.getState()).toBe('failed');
      },
      {
        timeout: 10_000,
        interval: 20,
      },
    );
    expect((await job('test.flaky', 'flaky-bad'))?.attemptsMade).toBe(1);
    expect((await job('test.flaky', 'flaky-bad'))?.failedReason).toMatch(/Invalid payload/);
  });

  it('finishes the running job on close before disconnecting', async () => {
    await runtime.producer!.enqueue([{ name: 'test.slow', data: {}, jobId: 'slow-1' }]);
    await vi.waitFor(
      () => {
        expect(calls['test.slow']).toBe(1);
      },
      { timeout: 10_000, interval: 20 },
    );
    let closed = false;
    const closing = runtime.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    await closing;
    const inspect = await start(buildJobRegistry(definitions, [], {}, 'Europe/Stockholm'));
    expect(await (await inspect.producer!.raw('maintenance').getJob('slow-1'))?.getState()).toBe('completed');
    await inspect.close();
  });
});

describe('device-tokens.prune', () => {
  it('soft-deletes tokens not seen for DEVICE_TOKEN_STALE_DAYS and keeps fresh ones', async () => {
    const user = await createUser(ctx.database.db, config, 'RESTAURANT');
    await ctx.database.db.execute(sql`INSERT INTO device_tokens (account_id, token, platform, last_seen_at)
      VALUES (${user.id}, 'stale-token', 'ios', now() - interval '300 days'), (${user.id}, 'fresh-token', 'web', now())`);
    const services = await createJobServices({ config, db: ctx.database.db });
    const registry = createJobRegistry(services, config.jobs.timezone);
    await registry.get('device-tokens.prune')!.process({}, { jobId: 'x', attempt: 1, log });
    const live = await queryRows<{ token: string }>(
      ctx.database.db,
      sql`SELECT token FROM device_tokens WHERE account_id = ${user.id} AND deleted_at IS NULL`,
    );
    expect(live.map((r) => r.token)).toEqual(['fresh-token']);
    await services.close();
  });
});
