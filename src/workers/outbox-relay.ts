import type { FastifyBaseLogger } from 'fastify';
import type { Counter } from 'prom-client';
import type { OutboxService, OverdueDelivery, RelayedEvent } from '../domain/outbox/outbox.service.js';
import type { JobRegistry, JobRequest, JobSettlement, JobSink } from '../core/jobs.js';
import { withoutQueryValues } from '../core/logger.js';

/** What every event-triggered job receives: the outbox row's id, type, time and (ids-only) payload. */
export interface EventJobData {
  event_id: string;
  event_type: string;
  occurred_at: string;
  payload: Record<string, unknown>;
}

export interface OutboxRelay {
  /** Polls now instead of at the next interval (after a commit that wrote events). */
  wake(): void;
  /** Finishes the batch in progress and stops polling. */
  stop(): Promise<void>;
}

const jobData = (event: RelayedEvent): EventJobData => ({
  event_id: event.id,
  event_type: event.type,
  occurred_at: event.occurredAt.toISOString(),
  payload: event.payload,
});

/** Turns outbox rows into jobs; the outbox id is the job id, so a repeated hand-off collapses in the queue. */
export function eventJobs(registry: JobRegistry, events: RelayedEvent[]): JobRequest[] {
  return events.flatMap((event) =>
    registry
      .jobsForEvent(event.type)
      .map((definition) => ({ name: definition.name, data: jobData(event), jobId: event.id })),
  );
}

/** The same job again, for a delivery the queue may have lost. */
const redeliveredJob = (d: OverdueDelivery): JobRequest => ({
  name: d.jobName,
  data: jobData({ id: d.eventId, type: d.eventType, occurredAt: d.occurredAt, payload: d.payload }),
  jobId: d.eventId,
});

/**
 * Tells the outbox how an event's job ended, so its delivery is no longer owed. Only jobs the relay handed
 * off carry their event id as job id; scheduled and ad-hoc jobs owe nothing.
 */
export function deliverySettlement(outbox: Pick<OutboxService, 'settle'>): JobSettlement {
  return {
    async settle(job, outcome) {
      const data = job.data as Partial<EventJobData> | null | undefined;
      const eventId = typeof data === 'object' && data !== null ? data.event_id : undefined;
      if (typeof eventId !== 'string' || eventId !== job.id) return;
      await outbox.settle({ eventId, jobName: job.name }, outcome);
    },
  };
}

/** The lease sweep runs this often: a tenth of the lease, between the poll interval and a minute. */
export const sweepIntervalMs = (pollIntervalMs: number, leaseMs: number) =>
  Math.max(pollIntervalMs, Math.min(60_000, Math.floor(leaseMs / 10)));

/**
 * Polls the outbox and hands due events to the job queue, batch after batch while there is a backlog, then
 * every `pollIntervalMs`. Every `sweepIntervalMs` it also looks for handed-off jobs whose lease ran out without
 * a recorded outcome, and has the queue take back those it lost. Failures (Redis or the database away) are
 * logged once per outage, not per poll; the rows themselves carry the retry state, so nothing is lost by
 * stopping or crashing.
 */
export function startOutboxRelay(deps: {
  outbox: OutboxService;
  registry: JobRegistry;
  sink: JobSink;
  log: FastifyBaseLogger;
  pollIntervalMs: number;
  batchSize: number;
  retryMaxMs: number;
  leaseMs: number;
  /** iris_outbox_redeliveries_total */
  redeliveries: Counter<'job'> | undefined;
}): OutboxRelay {
  const { outbox, registry, sink, log } = deps;
  const options = {
    batchSize: deps.batchSize,
    retryBaseMs: deps.pollIntervalMs,
    retryMaxMs: deps.retryMaxMs,
    jobsFor: (type: string) => registry.jobsForEvent(type).map((d) => d.name),
  };
  const sweepEveryMs = sweepIntervalMs(deps.pollIntervalMs, deps.leaseMs);
  const publish = (events: RelayedEvent[]) => sink.enqueue(eventJobs(registry, events));
  const check = (overdue: OverdueDelivery[]) => sink.recover(overdue.map(redeliveredJob));
  let stopped = false;
  const failing = { publish: false, sweep: false };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let nextSweepAt = 0;

  const messages = {
    publish: ['outbox relay cannot publish; will retry with backoff', 'outbox relay publishes again'],
    sweep: [
      'outbox relay cannot check overdue deliveries; will retry',
      'outbox relay checks deliveries again',
    ],
  } as const;
  const report = (what: 'publish' | 'sweep', error: string | undefined) => {
    if (error !== undefined && !failing[what]) log.warn({ error }, messages[what][0]);
    if (error === undefined && failing[what]) log.info(messages[what][1]);
    failing[what] = error !== undefined;
  };

  const publishDue = async (): Promise<string | undefined> => {
    for (;;) {
      const result = await outbox.relayBatch(publish, options);
      if (result.failed > 0 || result.claimed < options.batchSize || stopped) return result.error;
    }
  };

  const sweepOverdue = async (): Promise<string | undefined> => {
    for (;;) {
      const result = await outbox.redeliverBatch(check, options);
      for (const key of result.requeued) deps.redeliveries?.inc({ job: key.jobName });
      if (result.requeued.length > 0) {
        log.warn(
          { redelivered: result.requeued.length },
          'the job queue had lost handed-off jobs; handed them off again',
        );
      }
      if (result.error !== undefined || result.claimed < options.batchSize || stopped) return result.error;
    }
  };

  const attempt = async (what: 'publish' | 'sweep', run: () => Promise<string | undefined>) => {
    try {
      const error = await run();
      report(what, error);
      return error === undefined;
    } catch (err) {
      const safe = withoutQueryValues(err);
      report(what, safe instanceof Error ? safe.message : String(safe));
      return false;
    }
  };

  const drain = async () => {
    if (!(await attempt('publish', publishDue)) || stopped || Date.now() < nextSweepAt) return;
    nextSweepAt = Date.now() + sweepEveryMs;
    await attempt('sweep', sweepOverdue);
  };

  const poll = () => {
    if (stopped) return;
    clearTimeout(timer);
    running = drain().finally(() => {
      running = undefined;
      if (stopped) return;
      timer = setTimeout(poll, again ? 0 : deps.pollIntervalMs);
      again = false;
    });
  };
  poll();

  return {
    wake() {
      if (running) again = true;
      else poll();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
