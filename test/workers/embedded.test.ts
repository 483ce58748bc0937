import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InlineQueue, startCronRunner } from '../../src/core/inline-queue.js';
import { buildJobRegistry, defineJob, type JobRequest } from '../../src/core/jobs.js';
import { queryRows } from '../../src/db/rows.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser } from '../helpers/identity.js';
import { orderPlaced, verifySignature, writeOutbox } from '../helpers/jobs.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const log = pino({ level: 'silent' });

describe('embedded mode (no REDIS_URL)', () => {
  let ctx: TestContext;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    ctx = await createTestContext({
      JOBS_INLINE: 'true',
      OUTBOX_POLL_INTERVAL_MS: '50',
      WEBHOOK_ALLOW_INSECURE_TARGETS: 'true',
    });
  });
  afterAll(async () => {
    await ctx.close();
    await receiver.close();
  });

  it('runs the relay and the same processors inside the API process', async () => {
    expect(ctx.app.jobs?.inline).toBeDefined();
    const owner = await createUser(ctx.database.db, ctx.config, 'SUPPLIER');
    const supplierId = await createOrg(ctx.database.db, 'supplier', 'Inbäddad AB', [
      { user: owner, role: 'owner' },
    ]);
    const restaurantId = await createOrg(ctx.database.db, 'restaurant', 'Lokal AB');
    const created = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/suppliers/${supplierId}/webhooks`,
      headers: owner.headers,
      payload: { url: receiver.url() },
    });
    const [eventId] = await writeOutbox(ctx.database.db, [orderPlaced(supplierId, restaurantId)]);
    ctx.app.jobs!.wakeRelay();
    await vi.waitFor(
      () => {
        expect(receiver.received).toHaveLength(1);
      },
      { timeout: 10_000, interval: 20 },
    );
    const [hook] = receiver.received;
    expect(verifySignature(String(hook!.headers['iris-signature']), hook!.body, created.json().secret)).toBe(
      true,
    );
    const [row] = await queryRows<{ published_at: Date | null }>(
      ctx.database.db,
      sql`SELECT published_at FROM outbox_events WHERE id = ${eventId}`,
    );
    expect(row!.published_at).not.toBeNull();
    // The receiver records the POST before the job has read the answer and finished.
    await vi.waitFor(() => {
      expect(ctx.app.jobs!.inline!.get(eventId!)?.state).toBe('completed');
    });

    const metrics = await ctx.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer metrics-token-for-tests' },
    });
    expect(metrics.body).toContain(
      'iris_job_completed_total{job="notifications.dispatch",outcome="success"} 1',
    );
    expect(metrics.body).toContain('iris_outbox_pending_events 0');
    // order.placed starts notifications.dispatch and payments.sync (a no-op for an invoice order).
    expect(metrics.body).toContain('iris_queue_depth{queue="inline",state="completed"} 2');
  });
});

describe('the in-process queue', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const attempts: number[] = [];
  const registry = buildJobRegistry(
    [
      defineJob({
        name: 'test.flaky',
        queue: 'notifications',
        payload: z.object({ failures: z.number() }),
        attempts: 4,
        backoff: { type: 'exponential', delay: 100 },
        async process({ failures }, { attempt }) {
          attempts.push(attempt);
          if (attempt <= failures) throw new Error(`attempt ${attempt} failed`);
        },
      }),
    ],
    [{ job: 'test.flaky', cron: '30 3 * * *' }],
    {},
    'Europe/Stockholm',
  );

  it('retries with the same exponential backoff as BullMQ, up to the attempt bound', async () => {
    vi.useFakeTimers();
    attempts.length = 0;
    const queue = new InlineQueue(registry, { concurrency: 2, log, metrics: undefined });
    await queue.enqueue([{ name: 'test.flaky', data: { failures: 2 }, jobId: 'a' }]);
    await vi.advanceTimersByTimeAsync(0);
    expect([attempts, queue.get('a')?.state]).toEqual([[1], 'delayed']);
    await vi.advanceTimersByTimeAsync(99);
    expect(attempts).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(199);
    expect(attempts).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(1);
    expect([attempts, queue.get('a')?.state]).toEqual([[1, 2, 3], 'completed']);

    await queue.enqueue([{ name: 'test.flaky', data: { failures: 9 }, jobId: 'b' }]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(queue.failed().map((j) => [j.id, j.attemptsMade, j.failedReason])).toEqual([
      ['b', 4, 'attempt 4 failed'],
    ]);
    await queue.close();
  });

  it('collapses duplicate job ids and fails unparsable payloads without retrying', async () => {
    attempts.length = 0;
    const queue = new InlineQueue(registry, { concurrency: 1, log, metrics: undefined });
    await queue.enqueue([
      { name: 'test.flaky', data: { failures: 0 }, jobId: 'same' },
      { name: 'test.flaky', data: { failures: 0 }, jobId: 'same' },
      { name: 'test.flaky', data: { failures: 'x' }, jobId: 'bad' },
      { name: 'test.unknown', data: {}, jobId: 'nobody' },
    ]);
    await vi.waitFor(() => {
      expect(queue.counts()).toMatchObject({ completed: 1, failed: 2 });
    });
    await queue.enqueue([{ name: 'test.flaky', data: { failures: 0 }, jobId: 'same' }]);
    expect(attempts).toEqual([1]);
    expect(queue.get('bad')?.failedReason).toMatch(/Invalid payload/);
    expect(queue.get('nobody')?.failedReason).toMatch(/No processor/);
    await queue.close();
    await expect(queue.enqueue([{ name: 'test.flaky', data: { failures: 0 } }])).rejects.toThrow(/closed/);
  });

  it('keeps job ids unique per queue, so one event id starts a job in each of its queues', async () => {
    const ran: string[] = [];
    const job = (name: string, queue: 'notifications' | 'payments') =>
      defineJob({
        name,
        queue,
        payload: z.object({}),
        attempts: 1,
        backoff: { type: 'exponential', delay: 1 },
        async process() {
          ran.push(name);
        },
      });
    const fanOut = buildJobRegistry(
      [job('test.notify', 'notifications'), job('test.pay', 'payments')],
      [],
      {},
      'Europe/Stockholm',
    );
    const queue = new InlineQueue(fanOut, { concurrency: 1, log, metrics: undefined });
    await queue.enqueue([
      { name: 'test.notify', data: {}, jobId: 'event-1' },
      { name: 'test.pay', data: {}, jobId: 'event-1' },
      { name: 'test.pay', data: {}, jobId: 'event-1' },
    ]);
    await vi.waitFor(() => {
      expect(queue.counts().completed).toBe(2);
    });
    expect(ran.sort()).toEqual(['test.notify', 'test.pay']);
    expect(queue.get('event-1', 'test.pay')?.state).toBe('completed');
    await queue.close();
  });

  it('fires cron schedules in JOB_TIMEZONE once per occurrence', async () => {
    vi.useFakeTimers();
    // 03:29:00 in Stockholm (CET, UTC+1) on a winter day.
    vi.setSystemTime(new Date('2026-01-15T02:29:00Z'));
    const enqueued: JobRequest[] = [];
    const cron = startCronRunner(
      registry.schedules,
      'Europe/Stockholm',
      {
        enqueue: async (jobs) => {
          enqueued.push(...jobs);
        },
      },
      log,
    );
    await vi.advanceTimersByTimeAsync(59_000);
    expect(enqueued).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    const first = Date.parse('2026-01-15T02:30:00Z');
    expect(enqueued).toEqual([{ name: 'test.flaky', data: {}, jobId: `repeat:test.flaky:${first}` }]);
    await vi.advanceTimersByTimeAsync(24 * 3600 * 1000);
    expect(enqueued.map((j) => j.jobId)).toEqual([
      `repeat:test.flaky:${first}`,
      `repeat:test.flaky:${first + 24 * 3600 * 1000}`,
    ]);
    cron.stop();
  });
});
