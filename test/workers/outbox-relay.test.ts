import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { startWorkerProcess, type WorkerProcess } from '../../src/workers/worker-process.js';
import { createTestContext, type TestContext, testConfig } from '../helpers/app.js';
import { createOrg, createUser } from '../helpers/identity.js';
import { orderPlaced, writeOutbox } from '../helpers/jobs.js';
import { type OwnRedis, ownRedis, uniquePrefix } from '../helpers/redis.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * The worker process on a Redis of the test's own, which the test stops and starts again: events written while
 * Redis is away wait in the outbox with their retry state, and every event reaches the receiver exactly once.
 */
let ctx: TestContext;
let redis: OwnRedis;
let receiver: WebhookReceiver;
let worker: WorkerProcess;
let supplierId: string;
let restaurantId: string;

const outboxRows = (ids: string[]) =>
  queryRows<{ id: string; published_at: Date | null; attempts: number; last_error: string | null }>(
    ctx.database.db,
    sql`SELECT id, published_at, attempts, last_error FROM outbox_events WHERE id IN ${sql.raw(`('${ids.join("','")}')`)}`,
  );

const receivedIds = () => receiver.received.map((r) => String(r.headers['iris-event-id']));
const countOf = (id: string) => receivedIds().filter((x) => x === id).length;

beforeAll(async () => {
  redis = await ownRedis();
  await redis.start();
  receiver = await startWebhookReceiver();
  ctx = await createTestContext({ WEBHOOK_ALLOW_INSECURE_TARGETS: 'true' });
  const owner = await createUser(ctx.database.db, ctx.config, 'SUPPLIER');
  supplierId = await createOrg(ctx.database.db, 'supplier', 'Relä AB', [{ user: owner, role: 'owner' }]);
  restaurantId = await createOrg(ctx.database.db, 'restaurant', 'Krog AB');
  const hook = await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/suppliers/${supplierId}/webhooks`,
    headers: owner.headers,
    payload: { url: receiver.url() },
  });
  expect(hook.statusCode).toBe(201);
  worker = await startWorkerProcess(
    testConfig({
      DATABASE_URL: ctx.databaseUrl,
      REDIS_URL: redis.url,
      JOB_QUEUE_PREFIX: uniquePrefix('relay'),
      WORKER_METRICS_PORT: '0',
      HOST: '127.0.0.1',
      OUTBOX_POLL_INTERVAL_MS: '50',
      OUTBOX_RETRY_MAX_MS: '400',
      WEBHOOK_ALLOW_INSECURE_TARGETS: 'true',
    }),
    { log: pino({ level: 'silent' }) },
  );
});
afterAll(async () => {
  await worker.close();
  await ctx.close();
  await receiver.close();
  await redis.stop();
});

describe('outbox relay', () => {
  let firstBatch: string[];

  it('publishes committed events as jobs, and the worker delivers each once', async () => {
    firstBatch = await writeOutbox(
      ctx.database.db,
      Array.from({ length: 5 }, () => orderPlaced(supplierId, restaurantId)),
    );
    await vi.waitFor(
      () => {
        expect(receivedIds()).toEqual(expect.arrayContaining(firstBatch));
      },
      {
        timeout: 20_000,
        interval: 50,
      },
    );
    const rows = await outboxRows(firstBatch);
    expect(rows.every((r) => r.published_at !== null && r.attempts === 0)).toBe(true);
  });

  it('collapses a repeated hand-off of the same event (outbox id = job id)', async () => {
    const [id] = firstBatch;
    const queue = worker.runtime.producer!.raw('notifications');
    // The webhook arrives before the job has recorded its outcome and finished.
    const before = await vi.waitFor(
      async () => {
        const job = await queue.getJob(id!);
        expect(job?.finishedOn).toBeDefined();
        return job;
      },
      { timeout: 10_000, interval: 20 },
    );
    await ctx.database.db.execute(sql`UPDATE outbox_events SET published_at = NULL WHERE id = ${id}`);
    await vi.waitFor(
      async () => {
        expect((await outboxRows([id!]))[0]!.published_at).not.toBeNull();
      },
      {
        timeout: 10_000,
        interval: 50,
      },
    );
    const after = await queue.getJob(id!);
    expect([after?.finishedOn, after?.attemptsMade]).toEqual([before!.finishedOn, before!.attemptsMade]);
    expect(await queue.getJobCounts('waiting', 'active', 'delayed')).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
    });
    expect(countOf(id!)).toBe(1);
  });

  it('keeps events while Redis is down, retrying with backoff, and delivers them once it is back', async () => {
    await redis.stop();
    const whileDown = await writeOutbox(
      ctx.database.db,
      Array.from({ length: 5 }, () => orderPlaced(supplierId, restaurantId)),
    );
    await vi.waitFor(
      async () => {
        const rows = await outboxRows(whileDown);
        expect(rows.every((r) => r.published_at === null && r.attempts >= 2 && r.last_error !== null)).toBe(
          true,
        );
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(receivedIds()).not.toEqual(expect.arrayContaining([whileDown[0]]));
    await redis.start();
    await vi.waitFor(
      () => {
        expect(receivedIds()).toEqual(expect.arrayContaining(whileDown));
      },
      {
        timeout: 30_000,
        interval: 50,
      },
    );
    const rows = await outboxRows(whileDown);
    expect(rows.every((r) => r.published_at !== null)).toBe(true);
    for (const id of [...firstBatch, ...whileDown]) expect(countOf(id)).toBe(1);
    // The receiver records a POST before Iris has read its answer and marked the delivery sent.
    await vi.waitFor(
      async () => {
        const [sent] = await queryRows<{ n: number }>(
          ctx.database.db,
          sql`SELECT count(*)::int AS n FROM notification_deliveries WHERE status = 'sent'`,
        );
        expect(sent!.n).toBe(10);
      },
      { timeout: 10_000, interval: 50 },
    );
  });
});
