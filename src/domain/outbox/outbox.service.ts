import type { Database } from '../../core/db.types.js';
import {
  claimPendingEvents,
  markEventsFailed,
  markEventsPublished,
  outboxBacklog,
} from './outbox.repository.js';

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
}

export interface RelayResult {
  claimed: number;
  published: number;
  failed: number;
  error?: string;
}

/**
 * The publishing side of the transactional outbox. Each batch is claimed, handed to `publish` (the job queue)
 * and marked inside one transaction: published rows are never handed on again, and a failed hand-off
 * (Redis down) leaves the rows unpublished with an attempt count, the error and a later next_attempt_at.
 * A hand-off that reached the queue but whose commit failed is repeated; the queue collapses it by job id.
 */
export function createOutboxService(deps: { db: Database }) {
  return {
    async relayBatch(
      publish: (events: RelayedEvent[]) => Promise<void>,
      options: RelayOptions,
    ): Promise<RelayResult> {
      return deps.db.transaction(async (tx) => {
        const rows = await claimPendingEvents(tx, options.batchSize);
        if (rows.length === 0) return { claimed: 0, published: 0, failed: 0 };
        const ids = rows.map((r) => r.id);
        try {
          await publish(
            rows.map((r) => ({ id: r.id, type: r.eventType, occurredAt: r.createdAt, payload: r.payload })),
          );
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          await markEventsFailed(tx, ids, error, { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs });
          return { claimed: rows.length, published: 0, failed: rows.length, error };
        }
        await markEventsPublished(tx, ids);
        return { claimed: rows.length, published: rows.length, failed: 0 };
      });
    },

    backlog: () => outboxBacklog(deps.db),
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
