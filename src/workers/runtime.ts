import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';
import { BullmqProducer, startBullmqWorkers } from '../core/bullmq.js';
import type { Config } from '../core/config.js';
import type { Database } from '../core/db.types.js';
import { InlineQueue, startCronRunner } from '../core/inline-queue.js';
import type { JobRegistry, QueueName } from '../core/jobs.js';
import { type JobMetricSources, registerConnectorMetrics, registerJobMetrics } from '../core/metrics.js';
import type { OutboxService } from '../domain/outbox/outbox.service.js';
import { createJobServices } from '../services.js';
import { deliverySettlement, startOutboxRelay } from './outbox-relay.js';
import { createJobRegistry } from './registry.js';

export interface JobRuntime {
  registry: JobRegistry;
  /** Set in embedded mode: the in-process queue (for inspection). */
  inline: InlineQueue | undefined;
  /** Set with Redis: the BullMQ producer (for inspection). */
  producer: BullmqProducer | undefined;
  /** Publishes outbox events now rather than at the next poll. */
  wakeRelay(): void;
  /** Stops the relay and the schedules, finishes running jobs, then disconnects. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  config: Config;
  registry: JobRegistry;
  outbox: OutboxService;
  log: FastifyBaseLogger;
  /** The Prometheus registry the job metrics join (the worker's own, or the API's in embedded mode). */
  metrics: Registry;
  /** BullMQ mode only: the queues this process consumes (default: all). */
  queues?: readonly QueueName[];
}

/**
 * Runs the registry's jobs, its schedules and the outbox relay: on BullMQ when REDIS_URL is set, otherwise on
 * the in-process queue with the same processors, retries and cron schedules (embedded mode).
 */
export async function startJobRuntime(options: RuntimeOptions): Promise<JobRuntime> {
  const { config, registry, outbox, log } = options;
  let depth: JobMetricSources['queueDepth'] = () => Promise.resolve(undefined);
  // The connector jobs observe these; registered here too so a worker exports them before its first sync.
  registerConnectorMetrics(options.metrics);
  const metrics = registerJobMetrics(options.metrics, {
    queueDepth: () => depth(),
    outboxBacklog: () => outbox.backlog().catch(() => undefined),
  });
  const relayOptions = {
    outbox,
    registry,
    log,
    pollIntervalMs: config.jobs.outbox.pollIntervalMs,
    batchSize: config.jobs.outbox.batchSize,
    retryMaxMs: config.jobs.outbox.retryMaxMs,
    leaseMs: config.jobs.outbox.deliveries.leaseMs,
    redeliveries: metrics.outboxRedeliveries,
  };
  const settlement = deliverySettlement(outbox);

  if (!config.redisUrl) {
    const queue = new InlineQueue(registry, {
      concurrency: config.jobs.concurrency,
      log,
      metrics,
      settlement,
    });
    depth = () => Promise.resolve({ inline: queue.counts() });
    const cron = startCronRunner(registry.schedules, config.jobs.timezone, queue, log);
    const relay = startOutboxRelay({ ...relayOptions, sink: queue });
    return {
      registry,
      inline: queue,
      producer: undefined,
      wakeRelay: () => {
        relay.wake();
      },
      async close() {
        cron.stop();
        await relay.stop();
        await queue.close();
      },
    };
  }

  const bullmq = { redisUrl: config.redisUrl, prefix: config.jobs.queuePrefix, registry, log };
  const producer = new BullmqProducer(bullmq);
  try {
    await producer.waitUntilReachable(30_000);
    const queues = options.queues ?? registry.queues();
    const { removed } = await producer.registerSchedules(queues, config.jobs.timezone);
    if (removed.length > 0) log.info({ removed }, 'removed job schedulers no longer declared');
    depth = () => producer.queueDepth();
    const workers = startBullmqWorkers({
      ...bullmq,
      queues,
      concurrency: config.jobs.concurrency,
      metrics,
      settlement,
    });
    const relay = startOutboxRelay({ ...relayOptions, sink: producer });
    return {
      registry,
      inline: undefined,
      producer,
      wakeRelay: () => {
        relay.wake();
      },
      async close() {
        await relay.stop();
        await workers.close();
        await producer.close();
      },
    };
  } catch (err) {
    await producer.close();
    throw err;
  }
}

/** The API's jobs when REDIS_URL is unset (embedded mode): services, registry and the in-process runtime. */
export async function startEmbeddedJobs(deps: {
  config: Config;
  db: Database;
  log: FastifyBaseLogger;
  metrics: Registry;
}): Promise<JobRuntime> {
  const services = await createJobServices({ config: deps.config, db: deps.db, metrics: deps.metrics });
  const runtime = await startJobRuntime({
    config: deps.config,
    registry: createJobRegistry(services, deps.config.jobs.timezone, {
      retentionSchedule: deps.config.retention.scheduleEnabled,
    }),
    outbox: services.outbox,
    log: deps.log,
    metrics: deps.metrics,
  });
  return {
    ...runtime,
    async close() {
      await runtime.close();
      await services.close();
    },
  };
}
