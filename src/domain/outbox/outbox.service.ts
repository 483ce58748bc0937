import type { Database } from '../../core/db.types.js';
import {
  claimOverdueDeliveries,
  claimPendingEvents,
  type DeliveryKey,
  insertDeliveries,
  markEventsFailed,
  markEventsPublished,
  openDeliveries,
  type OverdueDelivery,
  outboxBacklog,
  purgeCompletedDeliveries,
  renewLeases,
  settleDelivery,
} from './outbox.repository.js';

export type { DeliveryKey, OverdueDelivery };

/** An outbox row as the relay hands it on: ids and states only (events.ts keeps personal data out). */
export interface RelayedEvent {
  id: string;
  type: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

export interface RelayOptions {
  batchSize: number;
  /** First retry delay after a failed publication, doubled per failure up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** The jobs an event type starts (the registry's routes); each is owed until it has completed. */
  jobsFor(type: string): readonly string[];
}

export interface RelayResult {
  claimed: number;
  published: number;
  failed: number;
  error?: string;
}

/** Where the queue stands on an overdue delivery's job. */
export type QueueVerdict =
  /** The queue no longer had the job and has been handed it again. */
  | { state: 'requeued' }
  /** Waiting, running or waiting for a retry: still the queue's. */
  | { state: 'queued' }
  /** Finished while its outcome was not recorded here (the record failed, or the job ran before this). */
  | { state: 'completed' }
  | { state: 'failed'; error: string };

export interface RedeliveryResult {
  claimed: number;
  /** Deliveries handed to the queue again because it had lost them. */
  requeued: DeliveryKey[];
  error?: string;
}

export interface DeliverySettings {
  /** How long a handed-off job may stay unfinished before the relay asks the queue about it. */
  leaseMs: number;
  /** Completed deliveries are deleted this many days after they completed. */
  retentionDays: number;
}

const PURGE_BATCH = 5_000;

/**
 * The publishing side of the transactional outbox. Each batch is claimed, handed to `publish` (the job queue)
 * and marked inside one transaction: published rows are never handed on again, and a failed hand-off
 * (Redis down) leaves the rows unpublished with an attempt count, the error and a later next_attempt_at.
 * A hand-off that reached the queue but whose commit failed is repeated; the queue collapses it by job id.
 *
 * Publication is not the end: every (event, job) handed off is an `outbox_deliveries` row, owed until the job
 * reports completion (or failure for good). A delivery still owed when its lease runs out is checked against the
 * queue and handed off again if the queue lost it (Redis restarted without its data).
 */
export function createOutboxService(deps: { db: Database; deliveries: DeliverySettings }) {
  const { leaseMs, retentionDays } = deps.deliveries;
  return {
    async relayBatch(
      publish: (events: RelayedEvent[]) => Promise<void>,
      options: RelayOptions,
    ): Promise<RelayResult> {
      return deps.db.transaction(async (tx) => {
        const rows = await claimPendingEvents(tx, options.batchSize);
        if (rows.length === 0) return { claimed: 0, published: 0, failed: 0 };
        const ids = rows.map((r) => r.id);
        const owed = rows.flatMap((r) =>
          options.jobsFor(r.eventType).map((jobName) => ({ eventId: r.id, jobName })),
        );
        try {
          // Recorded before the hand-off, so a job finishing before this commits waits for the row and settles
          // it; a savepoint, so a failed hand-off leaves no delivery behind.
          await tx.transaction(async (handOff) => {
            await insertDeliveries(handOff, owed, leaseMs);
            await publish(
              rows.map((r) => ({ id: r.id, type: r.eventType, occurredAt: r.createdAt, payload: r.payload })),
            );
          });
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          await markEventsFailed(tx, ids, error, { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs });
          return { claimed: rows.length, published: 0, failed: rows.length, error };
        }
        await markEventsPublished(tx, ids);
        return { claimed: rows.length, published: rows.length, failed: 0 };
      });
    },

    /**
     * Claims deliveries whose lease ran out and asks `check` where the queue stands on each (it hands lost jobs
     * to the queue again). Queued and re-queued ones are leased again; finished ones are settled. When the
     * queue cannot answer, the claimed deliveries are looked at again after `retryMaxMs` (or the lease).
     */
    async redeliverBatch(
      check: (deliveries: OverdueDelivery[]) => Promise<QueueVerdict[]>,
      options: { batchSize: number; retryMaxMs: number },
    ): Promise<RedeliveryResult> {
      return deps.db.transaction(async (tx) => {
        const overdue = await claimOverdueDeliveries(tx, options.batchSize);
        if (overdue.length === 0) return { claimed: 0, requeued: [] };
        const keys = overdue.map(({ eventId, jobName }) => ({ eventId, jobName }));
        let verdicts: QueueVerdict[];
        try {
          verdicts = await check(overdue);
        } catch (err) {
          await renewLeases(tx, keys, Math.min(leaseMs, options.retryMaxMs), false);
          return {
            claimed: overdue.length,
            requeued: [],
            error: err instanceof Error ? err.message : String(err),
          };
        }
        const by = (state: QueueVerdict['state']) => keys.filter((_k, i) => verdicts[i]?.state === state);
        const requeued = by('requeued');
        await renewLeases(tx, requeued, leaseMs, true);
        await renewLeases(tx, by('queued'), leaseMs, false);
        for (const [i, verdict] of verdicts.entries()) {
          const key = keys[i];
          if (!key) continue;
          if (verdict.state === 'completed') await settleDelivery(tx, key, { status: 'completed' });
          if (verdict.state === 'failed')
            await settleDelivery(tx, key, { status: 'failed', error: verdict.error });
        }
        return { claimed: overdue.length, requeued };
      });
    },

    /** Records that a job of an event finished: completed, or failed for good (not handed off again). */
    settle: (key: DeliveryKey, outcome: { status: 'completed' } | { status: 'failed'; error: string }) =>
      settleDelivery(deps.db, key, outcome),

    /** Deletes completed deliveries past their retention, in batches; how many it deleted. */
    async purgeCompleted(): Promise<number> {
      let total = 0;
      for (;;) {
        const deleted = await purgeCompletedDeliveries(deps.db, retentionDays, PURGE_BATCH);
        total += deleted;
        if (deleted < PURGE_BATCH) return total;
      }
    },

    async backlog() {
      const events = await outboxBacklog(deps.db);
      const deliveries = await openDeliveries(deps.db);
      return {
        ...events,
        openDeliveries: deliveries.open,
        oldestOpenDeliverySeconds: deliveries.oldestAgeSeconds,
      };
    },
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
