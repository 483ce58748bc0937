import { getNextMillis, UnrecoverableError } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { EventType } from './events.js';
import type { JobMetrics } from './metrics.js';
import { withoutQueryValues } from './logger.js';

/**
 * The job model shared by both runtimes — BullMQ on Redis (the worker process) and the in-process queue of
 * embedded mode — so both run the same processors with the same payload parsing, retries and metrics.
 */

export const QUEUE_NAMES = ['notifications', 'maintenance', 'documents', 'payments', 'connectors'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobContext {
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  log: FastifyBaseLogger;
  /** The job metrics, for processors that observe their own (the forecast job); absent in unit runs. */
  metrics?: JobMetrics | undefined;
}

export interface JobDefinition<T = unknown> {
  name: string;
  queue: QueueName;
  /** Job data is parsed with this before the processor sees it; a mismatch fails the job for good. */
  payload: z.ZodType<T>;
  /** Total attempts, the first included (bounded: no job retries forever). */
  attempts: number;
  /** Exponential backoff between attempts: delay · 2^(attempt − 1) ms. */
  backoff: { type: 'exponential'; delay: number };
  process(payload: T, ctx: JobContext): Promise<void>;
}

export const defineJob = <T>(definition: JobDefinition<T>): JobDefinition => definition;

/** A recurring job: a cron pattern evaluated in JOB_TIMEZONE. The job name doubles as the scheduler id. */
export interface ScheduleDefinition {
  job: string;
  cron: string;
}

/** Which jobs the outbox relay enqueues for each event type. */
export type EventRoutes = Partial<Record<EventType, readonly string[]>>;

export interface JobRequest {
  name: string;
  data: unknown;
  /** Duplicate ids collapse: a job whose id is already known is not added again. */
  jobId?: string;
}

/** Where a queue stands on a job it was handed earlier. */
export type JobStanding =
  /** The queue no longer had the job (Redis lost its data, the process restarted) and has it again. */
  | { state: 'requeued' }
  /** Waiting, running, or waiting for a retry. */
  | { state: 'queued' }
  | { state: 'completed' }
  /** Failed for good (or has no processor any more). */
  | { state: 'failed'; error: string };

/** Anything jobs can be handed to: the BullMQ producer or the in-process queue. */
export interface JobSink {
  enqueue(jobs: JobRequest[]): Promise<void>;
  /**
   * For jobs handed over earlier under their `jobId`: where the queue stands on each, in order, handing it again
   * every job it no longer has. Throws when the queue cannot answer.
   */
  recover(jobs: JobRequest[]): Promise<JobStanding[]>;
}

/** How a job ended for good; the outbox stops owing an event's job once it is told (outbox-relay.ts). */
export type JobOutcome = { status: 'completed' } | { status: 'failed'; error: string };

export interface JobSettlement {
  settle(job: { name: string; id: string; data: unknown }, outcome: JobOutcome): Promise<void>;
}

/** Removes jobs that have not started yet (waiting, or delayed for a retry); running ones finish. */
export interface JobCanceller {
  /** How many of the ids were removed (unknown, running and finished ones are not). */
  cancel(queue: QueueName, jobIds: readonly string[]): Promise<number>;
}

/** Finished jobs are kept this long for inspection and so that re-adding a known id stays a no-op. */
export const KEEP_COMPLETED = { age: 24 * 3600, count: 10_000 };
export const KEEP_FAILED = { age: 14 * 24 * 3600, count: 10_000 };

export interface JobRegistry {
  get(name: string): JobDefinition | undefined;
  definitions: readonly JobDefinition[];
  schedules: readonly ScheduleDefinition[];
  jobsForEvent(type: string): JobDefinition[];
  /** Distinct queues that at least one job uses. */
  queues(): QueueName[];
}

/**
 * Maps each job name to exactly one processor and refuses an incomplete setup at start-up: a scheduled or
 * event-enqueued name without a processor, an invalid cron pattern, or two jobs of one event sharing a queue
 * (they would share the outbox id as job id, and one would be dropped as a duplicate).
 */
export function buildJobRegistry(
  definitions: readonly JobDefinition[],
  schedules: readonly ScheduleDefinition[],
  routes: EventRoutes,
  timezone: string,
): JobRegistry {
  const byName = new Map<string, JobDefinition>();
  for (const definition of definitions) {
    if (byName.has(definition.name)) throw new Error(`Job "${definition.name}" has two processors`);
    byName.set(definition.name, definition);
  }
  for (const schedule of schedules) {
    if (!byName.has(schedule.job)) throw new Error(`Job "${schedule.job}" is scheduled but has no processor`);
    try {
      getNextMillis(Date.now(), { pattern: schedule.cron, tz: timezone });
    } catch (err) {
      throw new Error(`Job "${schedule.job}" has an invalid cron pattern "${schedule.cron}"`, { cause: err });
    }
  }
  const byEvent = new Map<string, JobDefinition[]>();
  for (const [event, names] of Object.entries(routes)) {
    const jobs = names.map((name) => {
      const definition = byName.get(name);
      if (!definition) throw new Error(`Job "${name}" is enqueued for "${event}" but has no processor`);
      return definition;
    });
    if (new Set(jobs.map((j) => j.queue)).size !== jobs.length) {
      throw new Error(`Event "${event}" routes two jobs to one queue; their job ids would collide`);
    }
    byEvent.set(event, jobs);
  }
  return {
    get: (name) => byName.get(name),
    definitions: [...byName.values()],
    schedules,
    jobsForEvent: (type) => byEvent.get(type) ?? [],
    queues: () => [...new Set([...byName.values()].map((d) => d.queue))],
  };
}

/**
 * Runs one attempt of a job: parses the payload, calls the processor, records duration and outcome.
 * Throws what the processor threw (the runtime decides about the retry); an unknown job name or a payload that
 * does not parse throws `UnrecoverableError`, which no runtime retries.
 */
export async function runJob(
  registry: JobRegistry,
  job: { name: string; data: unknown; id: string; attempt: number },
  deps: { log: FastifyBaseLogger; metrics: JobMetrics | undefined; settlement?: JobSettlement | undefined },
): Promise<void> {
  const definition = registry.get(job.name);
  const labels = { job: job.name };
  const stop = deps.metrics?.duration.startTimer(labels);
  const log = deps.log.child({ job: job.name, job_id: job.id, attempt: job.attempt });
  try {
    if (!definition) throw new UnrecoverableError(`No processor for job "${job.name}"`);
    const parsed = definition.payload.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`Invalid payload for "${job.name}": ${z.prettifyError(parsed.error)}`);
    }
    await definition.process(parsed.data, {
      jobId: job.id,
      attempt: job.attempt,
      log,
      metrics: deps.metrics,
    });
    deps.metrics?.completed.inc({ ...labels, outcome: 'success' });
  } catch (err) {
    const final = !definition || err instanceof UnrecoverableError || job.attempt >= definition.attempts;
    deps.metrics?.completed.inc({ ...labels, outcome: final ? 'failure' : 'retry' });
    log[final ? 'error' : 'warn']({ err }, final ? 'job failed for good' : 'job attempt failed; will retry');
    // The queue keeps the message and stack as the failure reason (in Redis with BullMQ): never query values.
    const safe = withoutQueryValues(err);
    const error = safe instanceof Error ? safe.message : String(safe);
    if (final) await recordOutcome(deps.settlement, job, log, { status: 'failed', error });
    throw safe;
  } finally {
    stop?.();
  }
  await recordOutcome(deps.settlement, job, log, { status: 'completed' });
}

/**
 * A failed record does not fail the job (its work is done): the relay's lease sweep later asks the queue how
 * the job ended, or hands it off again if the queue no longer knows — processors are idempotent.
 */
async function recordOutcome(
  settlement: JobSettlement | undefined,
  job: { name: string; id: string; data: unknown },
  log: FastifyBaseLogger,
  outcome: JobOutcome,
): Promise<void> {
  try {
    await settlement?.settle(job, outcome);
  } catch (err) {
    log.warn({ err: withoutQueryValues(err) }, 'could not record how the job ended; the outbox sweep will');
  }
}

export { UnrecoverableError };
