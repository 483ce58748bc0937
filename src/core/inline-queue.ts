import { Backoffs, getNextMillis, type MinimalJob, UnrecoverableError } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import {
  type JobCanceller,
  type JobRegistry,
  type JobRequest,
  type JobSettlement,
  type JobSink,
  type JobStanding,
  KEEP_COMPLETED,
  KEEP_FAILED,
  runJob,
  type QueueName,
  type ScheduleDefinition,
} from './jobs.js';
import type { JobMetrics, QueueState } from './metrics.js';

/**
 * Embedded mode's queue (no REDIS_URL): the same registry and processors as the BullMQ worker, run inside the
 * API process with BullMQ's semantics — duplicate job ids collapse, failed attempts are retried with BullMQ's own
 * backoff calculation up to the job's attempt bound, `UnrecoverableError` is never retried, and finished jobs
 * are kept (bounded) for inspection. Jobs live in memory: an event's job unfinished when the process stops is
 * handed over again by the outbox relay once its lease runs out (OUTBOX_DELIVERY_LEASE_MS); a scheduled one
 * waits for its next occurrence.
 */

type State = Extract<QueueState, 'waiting' | 'active' | 'delayed' | 'completed' | 'failed'>;

export interface InlineJob {
  id: string;
  name: string;
  data: unknown;
  attemptsMade: number;
  state: State;
  failedReason?: string;
}

export class InlineQueue implements JobSink, JobCanceller {
  private readonly jobs = new Map<string, InlineJob>();
  private readonly waiting: InlineJob[] = [];
  private readonly finished: Record<'completed' | 'failed', string[]> = { completed: [], failed: [] };
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private sequence = 0;
  private closed = false;

  constructor(
    private readonly registry: JobRegistry,
    private readonly options: {
      concurrency: number;
      log: FastifyBaseLogger;
      metrics: JobMetrics | undefined;
      settlement?: JobSettlement | undefined;
    },
  ) {}

  async enqueue(requests: JobRequest[]): Promise<void> {
    if (this.closed) throw new Error('The in-process queue is closed');
    for (const request of requests) {
      this.sequence += 1;
      const id = request.jobId ?? `inline-${this.sequence}`;
      const key = this.keyOf(request.name, id);
      if (this.jobs.has(key)) continue;
      const job: InlineJob = {
        id,
        name: request.name,
        data: request.data,
        attemptsMade: 0,
        state: 'waiting',
      };
      this.jobs.set(key, job);
      this.waiting.push(job);
    }
    this.pump();
  }

  /** Like BullMQ's: finished and pending jobs as they are; jobs this process does not know (it restarted) again. */
  async recover(requests: JobRequest[]): Promise<JobStanding[]> {
    const lost: JobRequest[] = [];
    const standings = requests.map((request): JobStanding => {
      if (!this.registry.get(request.name) || request.jobId === undefined) {
        return { state: 'failed', error: `No processor for job "${request.name}"` };
      }
      const job = this.jobs.get(this.keyOf(request.name, request.jobId));
      if (!job) {
        lost.push(request);
        return { state: 'requeued' };
      }
      if (job.state === 'completed') return { state: 'completed' };
      if (job.state === 'failed') return { state: 'failed', error: job.failedReason ?? 'failed' };
      return { state: 'queued' };
    });
    if (lost.length > 0) await this.enqueue(lost);
    return standings;
  }

  /** Job ids are unique per queue, as in BullMQ: one outbox event starts jobs in several queues under its id. */
  private keyOf(name: string, id: string): string {
    return `${this.registry.get(name)?.queue ?? name}:${id}`;
  }

  /** Drops jobs that wait or wait for a retry, like BullMQ's removal. */
  cancel(queue: QueueName, jobIds: readonly string[]): Promise<number> {
    let removed = 0;
    for (const id of jobIds) {
      const key = `${queue}:${id}`;
      const job = this.jobs.get(key);
      if (job?.state === 'waiting') this.waiting.splice(this.waiting.indexOf(job), 1);
      else if (job?.state === 'delayed') {
        const timer = this.retries.get(key);
        if (timer) clearTimeout(timer);
        if (timer) this.timers.delete(timer);
        this.retries.delete(key);
      } else continue;
      this.jobs.delete(key);
      removed += 1;
    }
    return Promise.resolve(removed);
  }

  /** The job `id` of job `name`; without a name, the first job enqueued under that id. */
  get(id: string, name?: string): InlineJob | undefined {
    if (name !== undefined) return this.jobs.get(this.keyOf(name, id));
    for (const job of this.jobs.values()) if (job.id === id) return job;
    return undefined;
  }

  /** Jobs that failed for good, oldest first: kept for inspection like BullMQ's failed set. */
  failed(): InlineJob[] {
    return this.finished.failed.flatMap((id) => this.jobs.get(id) ?? []);
  }

  counts(): Record<State, number> {
    const counts: Record<State, number> = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };
    for (const job of this.jobs.values()) counts[job.state] += 1;
    return counts;
  }

  /** Stops taking jobs, drops pending retries and waits for the running attempts to finish. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.options.concurrency) {
      const job = this.waiting.shift();
      if (!job) return;
      job.state = 'active';
      const run: Promise<void> = this.attempt(job).finally(() => {
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
    }
  }

  private async attempt(job: InlineJob): Promise<void> {
    const definition = this.registry.get(job.name);
    try {
      await runJob(
        this.registry,
        { name: job.name, data: job.data, id: job.id, attempt: job.attemptsMade + 1 },
        {
          log: this.options.log,
          metrics: this.options.metrics,
          settlement: this.options.settlement,
        },
      );
      job.attemptsMade += 1;
      this.finish(job, 'completed');
    } catch (err) {
      job.attemptsMade += 1;
      job.failedReason = err instanceof Error ? err.message : String(err);
      const retry =
        definition !== undefined &&
        !(err instanceof UnrecoverableError) &&
        job.attemptsMade < definition.attempts &&
        !this.closed;
      if (!retry) {
        this.finish(job, 'failed');
        return;
      }
      const delay = await Backoffs.calculate(
        definition.backoff,
        job.attemptsMade,
        err instanceof Error ? err : new Error(String(err)),
        // Only a custom backoff strategy reads the job, and none is passed; the in-memory job is not a BullMQ Job.
        job as unknown as MinimalJob,
      );
      job.state = 'delayed';
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.retries.delete(this.keyOf(job.name, job.id));
        job.state = 'waiting';
        this.waiting.push(job);
        this.pump();
      }, delay ?? 0);
      this.timers.add(timer);
      this.retries.set(this.keyOf(job.name, job.id), timer);
    }
  }

  private finish(job: InlineJob, state: 'completed' | 'failed'): void {
    job.state = state;
    const kept = this.finished[state];
    kept.push(this.keyOf(job.name, job.id));
    const limit = state === 'completed' ? KEEP_COMPLETED.count : KEEP_FAILED.count;
    while (kept.length > limit) {
      const evicted = kept.shift();
      if (evicted) this.jobs.delete(evicted);
    }
  }
}

// setTimeout holds at most 2^31 − 1 ms (~24.8 days); longer waits are re-armed.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Embedded mode's cron: fires each schedule at its next occurrence in `timezone` (BullMQ's own cron
 * calculation), handing the job to the sink with the id BullMQ's schedulers use, so a tick is enqueued once.
 */
export function startCronRunner(
  schedules: readonly ScheduleDefinition[],
  timezone: string,
  sink: Pick<JobSink, 'enqueue'>,
  log: FastifyBaseLogger,
): { stop(): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  const arm = (schedule: ScheduleDefinition, from: number) => {
    const next = getNextMillis(from, { pattern: schedule.cron, tz: timezone });
    if (next === undefined || stopped) return;
    const timer = setTimeout(
      () => {
        if (Date.now() < next) {
          arm(schedule, from);
          return;
        }
        sink
          .enqueue([{ name: schedule.job, data: {}, jobId: `repeat:${schedule.job}:${next}` }])
          .catch((err: unknown) => {
            log.error({ err, job: schedule.job }, 'could not enqueue a scheduled job');
          });
        arm(schedule, next);
      },
      Math.min(Math.max(next - Date.now(), 0), MAX_TIMER_MS),
    );
    timers.set(schedule.job, timer);
  };
  for (const schedule of schedules) arm(schedule, Date.now());
  return {
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
    },
  };
}
