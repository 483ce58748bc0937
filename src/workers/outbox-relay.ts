import type { FastifyBaseLogger } from 'fastify';
import type { OutboxService, RelayedEvent } from '../domain/outbox/outbox.service.js';
import type { JobRegistry, JobRequest, JobSink } from '../core/jobs.js';
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

/** Turns outbox rows into jobs; the outbox id is the job id, so a repeated hand-off collapses in the queue. */
export function eventJobs(registry: JobRegistry, events: RelayedEvent[]): JobRequest[] {
  return events.flatMap((event) =>
    registry.jobsForEvent(event.type).map((definition) => {
      const data: EventJobData = {
        event_id: event.id,
        event_type: event.type,
        occurred_at: event.occurredAt.toISOString(),
        payload: event.payload,
      };
      return { name: definition.name, data, jobId: event.id };
    }),
  );
}

/**
 * Polls the outbox and hands due events to the job queue, batch after batch while there is a backlog, then
 * every `pollIntervalMs`. Failures (Redis or the database away) are logged once per outage, not per poll;
 * the rows themselves carry the retry state, so nothing is lost by stopping or crashing.
 */
export function startOutboxRelay(deps: {
  outbox: OutboxService;
  registry: JobRegistry;
  sink: JobSink;
  log: FastifyBaseLogger;
  pollIntervalMs: number;
  batchSize: number;
  retryMaxMs: number;
}): OutboxRelay {
  const { outbox, registry, sink, log } = deps;
  const options = {
    batchSize: deps.batchSize,
    retryBaseMs: deps.pollIntervalMs,
    retryMaxMs: deps.retryMaxMs,
  };
  const publish = (events: RelayedEvent[]) => sink.enqueue(eventJobs(registry, events));
  let stopped = false;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const report = (error: string | undefined) => {
    if (error !== undefined && !failing)
      log.warn({ error }, 'outbox relay cannot publish; will retry with backoff');
    if (error === undefined && failing) log.info('outbox relay publishes again');
    failing = error !== undefined;
  };

  const drain = async () => {
    try {
      for (;;) {
        const result = await outbox.relayBatch(publish, options);
        report(result.error);
        if (result.failed > 0 || result.claimed < options.batchSize || stopped) return;
      }
    } catch (err) {
      const safe = withoutQueryValues(err);
      report(safe instanceof Error ? safe.message : String(safe));
    }
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
