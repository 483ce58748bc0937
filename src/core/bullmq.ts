import { type Job, type JobsOptions, Queue, Worker } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import {
  type JobCanceller,
  type JobDefinition,
  type JobRegistry,
  type JobRequest,
  type JobSettlement,
  type JobSink,
  type JobStanding,
  KEEP_COMPLETED,
  KEEP_FAILED,
  type QueueName,
  runJob,
} from './jobs.js';
import { type JobMetrics, QUEUE_STATES, type QueueState } from './metrics.js';
import { withTimeout } from './timeout.js';

/**
 * BullMQ on Redis: the production job runtime (`npm run worker`). Redis must run with
 * `maxmemory-policy noeviction`: an evicted key is a lost job or a corrupted queue.
 */

const reconnect = (attempt: number) => Math.min(attempt * 200, 2_000);

/**
 * Producer commands fail after one reconnection attempt while Redis is away (and every call is bounded by a
 * timeout), so the outbox relay backs off instead of hanging.
 */
const producerConnection = (url: string) => ({
  url,
  maxRetriesPerRequest: 1,
  commandTimeout: 5_000,
  connectTimeout: 2_000,
  retryStrategy: reconnect,
});

export function jobOptions(definition: JobDefinition): JobsOptions {
  return {
    attempts: definition.attempts,
    backoff: definition.backoff,
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}

const redisWithin = <T>(work: Promise<T>, ms: number): Promise<T> =>
  withTimeout(work, ms, `Redis did not answer within ${ms} ms`);

export interface BullmqOptions {
  redisUrl: string;
  prefix: string;
  registry: JobRegistry;
  log: FastifyBaseLogger;
}

/**
 * Cancels queued jobs from a process that does not otherwise produce (the API with REDIS_URL set): a queue
 * handle is opened on first use. BullMQ refuses to remove a job a worker holds the lock of, so a running
 * job is left to finish.
 */
export class BullmqJobCanceller implements JobCanceller {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly options: { redisUrl: string; prefix: string }) {}

  async cancel(name: QueueName, jobIds: readonly string[]): Promise<number> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: producerConnection(this.options.redisUrl),
        prefix: this.options.prefix,
      });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    let removed = 0;
    for (const id of jobIds) removed += await redisWithin(queue.remove(id), 5_000);
    return removed;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}

/** Adds jobs, manages the job schedulers and reads queue depth: one Queue per queue name. */
export class BullmqProducer implements JobSink {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly options: BullmqOptions) {
    for (const name of options.registry.queues()) {
      const queue = new Queue(name, {
        connection: producerConnection(options.redisUrl),
        prefix: options.prefix,
      });
      queue.on('error', (err) => {
        options.log.warn({ err: { message: err.message }, queue: name }, 'job queue connection error');
      });
      this.queues.set(name, queue);
    }
  }

  private queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`No queue "${name}"`);
    return queue;
  }

  /** Waits until Redis answers (start-up), and complains when its eviction policy can lose jobs. */
  async waitUntilReachable(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const probe = new Redis(this.options.redisUrl, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        connectTimeout: 2_000,
        retryStrategy: () => null,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        const [, policy] = (await probe.config('GET', 'maxmemory-policy')) as [string, string];
        if (policy !== 'noeviction') {
          this.options.log.error(
            { policy },
            'Redis maxmemory-policy must be "noeviction": evicted keys are lost jobs',
          );
        }
        // The queues' own connections must be up too before schedules are registered.
        await Promise.all([...this.queues.values()].map((q) => redisWithin(q.waitUntilReady(), timeoutMs)));
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error('Redis is not reachable', { cause: err });
        await new Promise((resolve) => setTimeout(resolve, 250));
      } finally {
        probe.disconnect();
      }
    }
  }

  async enqueue(requests: JobRequest[]): Promise<void> {
    const byQueue = new Map<QueueName, { name: string; data: unknown; opts: JobsOptions }[]>();
    for (const request of requests) {
      const definition = this.options.registry.get(request.name);
      if (!definition) throw new Error(`No processor for job "${request.name}"`);
      const batch = byQueue.get(definition.queue) ?? [];
      const opts = jobOptions(definition);
      batch.push({
        name: request.name,
        data: request.data,
        opts: request.jobId ? { ...opts, jobId: request.jobId } : opts,
      });
      byQueue.set(definition.queue, batch);
    }
    for (const [name, batch] of byQueue) {
      await redisWithin(this.queue(name).addBulk(batch), 5_000);
    }
  }

  /**
   * Asks each job's queue about it by id: finished and pending jobs are reported as they are; a job the queue
   * does not know (Redis lost its data) is added again. Completed and failed jobs are removed only after their
   * outcome was recorded in the outbox, so a job missing here never finished as far as anyone recorded.
   */
  async recover(requests: JobRequest[]): Promise<JobStanding[]> {
    const standing = async (request: JobRequest): Promise<JobStanding> => {
      const definition = this.options.registry.get(request.name);
      const jobId = request.jobId;
      if (!definition || !jobId) return { state: 'failed', error: `No processor for job "${request.name}"` };
      const queue = this.queue(definition.queue);
      const state = await queue.getJobState(jobId);
      if (state === 'completed') return { state };
      if (state === 'failed') return { state, error: (await queue.getJob(jobId))?.failedReason ?? 'failed' };
      if (state !== 'unknown') return { state: 'queued' };
      await queue.add(request.name, request.data, { ...jobOptions(definition), jobId });
      return { state: 'requeued' };
    };
    // Side by side: the commands of a batch share the connection's round trips.
    return redisWithin(Promise.all(requests.map(standing)), 10_000);
  }

  /**
   * Registers every schedule of the given queues with BullMQ job schedulers (upsert: idempotent across restarts)
   * and removes schedulers that are no longer declared, so a renamed or dropped schedule stops firing.
   */
  async registerSchedules(queues: readonly QueueName[], timezone: string): Promise<{ removed: string[] }> {
    const removed: string[] = [];
    for (const name of queues) {
      const queue = this.queue(name);
      const wanted = this.options.registry.schedules.filter(
        (s) => this.options.registry.get(s.job)?.queue === name,
      );
      for (const schedule of wanted) {
        const definition = this.options.registry.get(schedule.job);
        if (!definition) continue;
        await queue.upsertJobScheduler(
          schedule.job,
          { pattern: schedule.cron, tz: timezone },
          { name: schedule.job, data: {}, opts: jobOptions(definition) },
        );
      }
      for (const existing of await queue.getJobSchedulers()) {
        if (wanted.some((s) => s.job === existing.key)) continue;
        await queue.removeJobScheduler(existing.key);
        removed.push(existing.key);
      }
    }
    return { removed };
  }

  async queueDepth(): Promise<Record<string, Partial<Record<QueueState, number>>> | undefined> {
    try {
      const depth: Record<string, Partial<Record<QueueState, number>>> = {};
      for (const [name, queue] of this.queues) {
        depth[name] = await redisWithin(queue.getJobCounts(...QUEUE_STATES), 2_000);
      }
      return depth;
    } catch {
      return undefined;
    }
  }

  /** The BullMQ queue object, for inspection (failed jobs, schedulers) by tools and tests. */
  raw(name: QueueName): Queue {
    return this.queue(name);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}

export interface BullmqWorkers {
  /** Finishes the running jobs, then disconnects. */
  close(): Promise<void>;
}

/**
 * One BullMQ Worker per queue, running the registry's processors. Stalled jobs (a worker died mid-job) are
 * moved back to waiting by BullMQ's stalled check and run again — processors are idempotent for that reason.
 */
export function startBullmqWorkers(
  options: BullmqOptions & {
    queues: readonly QueueName[];
    concurrency: number;
    metrics: JobMetrics | undefined;
    settlement: JobSettlement | undefined;
  },
): BullmqWorkers {
  const workers = options.queues.map((name) => {
    const worker = new Worker(
      name,
      (job: Job) =>
        runJob(
          options.registry,
          { name: job.name, data: job.data, id: job.id ?? '', attempt: job.attemptsMade + 1 },
          { log: options.log, metrics: options.metrics, settlement: options.settlement },
        ),
      {
        connection: { url: options.redisUrl, maxRetriesPerRequest: null, retryStrategy: reconnect },
        prefix: options.prefix,
        concurrency: options.concurrency,
        maxStalledCount: 1,
      },
    );
    worker.on('error', (err) => {
      options.log.warn({ err: { message: err.message }, queue: name }, 'job worker connection error');
    });
    return worker;
  });
  return {
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
