import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../src/core/config.js';
import { buildJobRegistry, defineJob, type JobRegistry, type QueueName } from '../../src/core/jobs.js';
import { queryRows } from '../../src/db/rows.js';
import { createOutboxService } from '../../src/domain/outbox/outbox.service.js';
import { type JobRuntime, startJobRuntime } from '../../src/workers/runtime.js';
import { createTestContext, type TestContext, testConfig } from '../helpers/app.js';
import { orderPlaced, statusChanged, writeOutbox } from '../helpers/jobs.js';
import { type OwnRedis, ownRedis, uniquePrefix } from '../helpers/redis.js';

/**
 * The outbox row stays owed until its jobs have completed (issue #10): on a Redis of the test's own, which the
 * test restarts without persistence or flushes, a job the queue lost is handed off again once its lease runs
 * out, runs once, and is never handed off again; what completed or failed for good is left alone.
 */
const log = pino({ level: 'silent' });
const LEASE_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let ctx: TestContext;
let redis: OwnRedis;
const prefix = uniquePrefix('redelivery');
const runs = new Map<string, number>();
const broken = new Set<string>();
const ran = (job: string, eventId: string) => runs.get(`${job}:${eventId}`) ?? 0;

const testJob = (name: string, queue: QueueName, retry: { attempts: number; delay: number }) =>
  defineJob({
    name,
    queue,
    payload: z.object({ event_id: z.uuid() }),
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.delay },
    async process({ event_id: eventId }) {
      runs.set(`${name}:${eventId}`, ran(name, eventId) + 1);
      if (broken.has(name)) throw new Error(`${name} is broken`);
    },
  });

const twoJobs = buildJobRegistry(
  [
    testJob('test.notify', 'notifications', { attempts: 2, delay: 10 }),
    testJob('test.pay', 'payments', { attempts: 2, delay: 10 }),
  ],
  [],
  { 'order.placed': ['test.notify', 'test.pay'], 'order.status_changed': ['test.notify'] },
  'Europe/Stockholm',
);

const config = (redisUrl: string | undefined): Config =>
  testConfig({
    DATABASE_URL: ctx.databaseUrl,
    REDIS_URL: redisUrl ?? '',
    JOB_QUEUE_PREFIX: prefix,
    OUTBOX_POLL_INTERVAL_MS: '50',
    OUTBOX_RETRY_MAX_MS: '400',
    OUTBOX_DELIVERY_LEASE_MS: String(LEASE_MS),
  });

async function start(options: { queues?: QueueName[]; registry?: JobRegistry; redis?: boolean } = {}) {
  const metrics = new Registry();
  const cfg = config(options.redis === false ? undefined : redis.url);
  const runtime: JobRuntime = await startJobRuntime({
    config: cfg,
    registry: options.registry ?? twoJobs,
    outbox: createOutboxService({ db: ctx.database.db, deliveries: cfg.jobs.outbox.deliveries }),
    log,
    metrics,
    ...(options.queues ? { queues: options.queues } : {}),
  });
  const redeliveries = () => metrics.getSingleMetricAsString('iris_outbox_redeliveries_total');
  return { runtime, metrics, redeliveries };
}

interface DeliveryRow {
  job_name: string;
  status: string;
  redeliveries: number;
  last_error: string | null;
}
const deliveries = async (eventId: string) =>
  Object.fromEntries(
    (
      await queryRows<DeliveryRow>(
        ctx.database.db,
        sql`SELECT job_name, status, redeliveries, last_error FROM outbox_deliveries
            WHERE event_id = ${eventId} ORDER BY job_name`,
      )
    ).map((r) => [r.job_name, r]),
  );

async function onRedis<T>(run: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    return await run(client);
  } finally {
    client.disconnect();
  }
}
// The test's own redis-server: flushing it touches nobody else's keys.
const flushRedis = () => onRedis((client) => client.flushall());
const redisKeys = () => onRedis((client) => client.dbsize());

const waitFor = (check: () => Promise<void> | void) => vi.waitFor(check, { timeout: 15_000, interval: 25 });

beforeAll(async () => {
  redis = await ownRedis();
  await redis.start();
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx.close();
  await redis.stop();
});

describe('outbox deliveries on Redis', () => {
  it('hands a job lost with Redis off again after its lease; it runs once and is never handed off again', async () => {
    // Nothing consumes the queues yet: the jobs wait in Redis.
    const idle = await start({ queues: [] });
    const [eventId] = await writeOutbox(ctx.database.db, [
      orderPlaced(crypto.randomUUID(), crypto.randomUUID()),
    ]);
    const id = eventId!;
    idle.runtime.wakeRelay();
    await waitFor(async () => {
      expect(Object.keys(await deliveries(id))).toEqual(['test.notify', 'test.pay']);
    });
    // Leases run out while the jobs wait: the queue still has them, so they are leased again, not re-added.
    await sleep(LEASE_MS * 4);
    const notifications = idle.runtime.producer!.raw('notifications');
    expect(await notifications.getJobState(id)).toBe('waiting');
    expect(Object.values(await deliveries(id)).map((d) => [d.status, d.redeliveries])).toEqual([
      ['handed_off', 0],
      ['handed_off', 0],
    ]);
    expect(await idle.redeliveries()).not.toContain('job=');
    await idle.runtime.close();

    // Redis restarts without persistence: both jobs are gone from the queue.
    await redis.stop();
    await redis.start();
    expect(await redisKeys()).toBe(0);
    const working = await start();

    await waitFor(async () => {
      expect(await deliveries(id)).toEqual({
        'test.notify': expect.objectContaining({ status: 'completed', redeliveries: 1 }),
        'test.pay': expect.objectContaining({ status: 'completed', redeliveries: 1 }),
      });
    });
    expect([ran('test.notify', id), ran('test.pay', id)]).toEqual([1, 1]);
    const counted = await working.redeliveries();
    expect(counted).toContain('iris_outbox_redeliveries_total{job="test.notify"} 1');
    expect(counted).toContain('iris_outbox_redeliveries_total{job="test.pay"} 1');

    // Completed: losing Redis again hands nothing off.
    await flushRedis();
    await sleep(LEASE_MS * 4);
    expect([ran('test.notify', id), ran('test.pay', id)]).toEqual([1, 1]);
    expect(Object.values(await deliveries(id)).map((d) => [d.status, d.redeliveries])).toEqual([
      ['completed', 1],
      ['completed', 1],
    ]);
    await working.runtime.close();
  });

  it('re-enqueues only the job of an event that had not completed', async () => {
    const notificationsOnly = await start({ queues: ['notifications'] });
    const [eventId] = await writeOutbox(ctx.database.db, [
      orderPlaced(crypto.randomUUID(), crypto.randomUUID()),
    ]);
    const id = eventId!;
    notificationsOnly.runtime.wakeRelay();
    await waitFor(async () => {
      expect(await deliveries(id)).toEqual({
        'test.notify': expect.objectContaining({ status: 'completed', redeliveries: 0 }),
        'test.pay': expect.objectContaining({ status: 'handed_off', redeliveries: 0 }),
      });
    });
    await notificationsOnly.runtime.close();
    await flushRedis();

    const all = await start();
    await waitFor(async () => {
      expect(await deliveries(id)).toEqual({
        'test.notify': expect.objectContaining({ status: 'completed', redeliveries: 0 }),
        'test.pay': expect.objectContaining({ status: 'completed', redeliveries: 1 }),
      });
    });
    expect([ran('test.notify', id), ran('test.pay', id)]).toEqual([1, 1]);
    const counted = await all.redeliveries();
    expect(counted).toContain('iris_outbox_redeliveries_total{job="test.pay"} 1');
    expect(counted).not.toContain('job="test.notify"');
    await all.runtime.close();
  });

  it('records a job that failed for good as failed and never hands it off again', async () => {
    const all = await start();
    broken.add('test.notify');
    try {
      const [eventId] = await writeOutbox(ctx.database.db, [
        statusChanged(crypto.randomUUID(), crypto.randomUUID(), 'confirmed'),
      ]);
      const id = eventId!;
      all.runtime.wakeRelay();
      await waitFor(async () => {
        expect(await deliveries(id)).toEqual({
          'test.notify': expect.objectContaining({
            status: 'failed',
            redeliveries: 0,
            last_error: 'test.notify is broken',
          }),
        });
      });
      expect(ran('test.notify', id)).toBe(2);
      await flushRedis();
      await sleep(LEASE_MS * 4);
      expect(ran('test.notify', id)).toBe(2);
      expect((await deliveries(id))['test.notify']?.status).toBe('failed');
    } finally {
      broken.delete('test.notify');
      await all.runtime.close();
    }
  });

  it('settles from the queue a completion whose record was lost, without running the job again', async () => {
    const all = await start();
    const [eventId] = await writeOutbox(ctx.database.db, [
      statusChanged(crypto.randomUUID(), crypto.randomUUID(), 'dispatched'),
    ]);
    const id = eventId!;
    all.runtime.wakeRelay();
    await waitFor(async () => {
      expect((await deliveries(id))['test.notify']?.status).toBe('completed');
    });
    // As if the database had been unreachable when the job finished.
    await ctx.database.db.execute(sql`UPDATE outbox_deliveries
      SET status = 'handed_off', settled_at = NULL, lease_expires_at = now() WHERE event_id = ${id}`);
    await waitFor(async () => {
      expect((await deliveries(id))['test.notify']).toMatchObject({ status: 'completed', redeliveries: 0 });
    });
    expect(ran('test.notify', id)).toBe(1);
    await all.runtime.close();
  });
});

describe('outbox deliveries on the in-process queue (embedded mode)', () => {
  it('hands jobs lost with the process off again after their lease', async () => {
    // The first attempt fails and waits an hour for its retry, which the process takes with it when it stops.
    const patient = buildJobRegistry(
      [testJob('test.patient', 'notifications', { attempts: 3, delay: 3_600_000 })],
      [],
      { 'order.placed': ['test.patient'] },
      'Europe/Stockholm',
    );
    const first = await start({ registry: patient, redis: false });
    expect(first.runtime.inline).toBeDefined();
    broken.add('test.patient');
    const [eventId] = await writeOutbox(ctx.database.db, [
      orderPlaced(crypto.randomUUID(), crypto.randomUUID()),
    ]);
    const id = eventId!;
    first.runtime.wakeRelay();
    await waitFor(() => {
      expect(first.runtime.inline!.get(id, 'test.patient')?.state).toBe('delayed');
    });
    await first.runtime.close();
    broken.delete('test.patient');

    const second = await start({ registry: patient, redis: false });
    await waitFor(async () => {
      expect((await deliveries(id))['test.patient']).toMatchObject({ status: 'completed', redeliveries: 1 });
    });
    expect(ran('test.patient', id)).toBe(2);
    expect(second.runtime.inline!.get(id, 'test.patient')?.state).toBe('completed');
    expect(await second.redeliveries()).toContain('iris_outbox_redeliveries_total{job="test.patient"} 1');
    await second.runtime.close();
  });
});

describe('outbox delivery records', () => {
  const outbox = () =>
    createOutboxService({ db: ctx.database.db, deliveries: { leaseMs: LEASE_MS, retentionDays: 7 } });

  it('let a completion win over a failure, never the other way round', async () => {
    const [eventId] = await writeOutbox(ctx.database.db, [
      orderPlaced(crypto.randomUUID(), crypto.randomUUID()),
    ]);
    const key = { eventId: eventId!, jobName: 'test.notify' };
    await outbox().settle(key, { status: 'failed', error: 'gave up' });
    expect((await deliveries(key.eventId))['test.notify']?.status).toBe('failed');
    await outbox().settle(key, { status: 'completed' });
    expect((await deliveries(key.eventId))['test.notify']).toMatchObject({
      status: 'completed',
      last_error: null,
    });
    await outbox().settle(key, { status: 'failed', error: 'late' });
    expect((await deliveries(key.eventId))['test.notify']?.status).toBe('completed');
  });

  it('are purged once completed longer ago than the retention; failed and open ones stay', async () => {
    const [eventId] = await writeOutbox(ctx.database.db, [
      orderPlaced(crypto.randomUUID(), crypto.randomUUID()),
    ]);
    const id = eventId!;
    await outbox().settle({ eventId: id, jobName: 'old.completed' }, { status: 'completed' });
    await outbox().settle({ eventId: id, jobName: 'new.completed' }, { status: 'completed' });
    await outbox().settle({ eventId: id, jobName: 'old.failed' }, { status: 'failed', error: 'dead' });
    await ctx.database.db.execute(sql`UPDATE outbox_deliveries SET settled_at = now() - interval '8 days'
      WHERE event_id = ${id} AND job_name LIKE 'old.%'`);
    expect(await outbox().purgeCompleted()).toBe(1);
    expect(Object.keys(await deliveries(id))).toEqual(['new.completed', 'old.failed']);
  });
});
