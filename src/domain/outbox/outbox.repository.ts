import { and, asc, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import type { DomainEvent } from '../../core/events.js';
import { type OutboxRow, outboxEvents } from './outbox.models.js';

/** Records events inside the caller's transaction: they exist exactly when the change they describe commits. */
export async function insertOutboxEvents(tx: Transaction, events: DomainEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = await outboxInsert(tx, events);
  return rows.map((r) => r.id);
}

/** The same insert, built but not run, for a combined write (`writeTogether`); `events` must not be empty. */
export function outboxInsert(tx: Transaction, events: DomainEvent[]) {
  return tx
    .insert(outboxEvents)
    .values(
      events.map((e) => ({
        eventType: e.type,
        aggregateType: e.aggregateType,
        aggregateId: e.aggregateId,
        payload: e.payload,
      })),
    )
    .returning({ id: outboxEvents.id });
}

/**
 * Claims the next publishable events for the rest of the transaction. SKIP LOCKED lets several relays (every
 * worker process runs one) share the table without waiting on, or publishing, each other's rows.
 */
export async function claimPendingEvents(tx: Transaction, limit: number): Promise<OutboxRow[]> {
  return tx
    .select()
    .from(outboxEvents)
    .where(and(isNull(outboxEvents.publishedAt), lte(outboxEvents.nextAttemptAt, sql`now()`)))
    .orderBy(asc(outboxEvents.createdAt), asc(outboxEvents.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

export async function markEventsPublished(tx: Transaction, ids: string[]): Promise<void> {
  await tx
    .update(outboxEvents)
    .set({ publishedAt: sql`now()`, lastError: null })
    .where(inArray(outboxEvents.id, ids));
}

/** Records a failed publication and pushes the next try back exponentially: base · 2^attempts, capped. */
export async function markEventsFailed(
  tx: Transaction,
  ids: string[],
  error: string,
  backoff: { baseMs: number; maxMs: number },
): Promise<void> {
  await tx
    .update(outboxEvents)
    .set({
      attempts: sql`${outboxEvents.attempts} + 1`,
      lastError: error.slice(0, 1000),
      nextAttemptAt: sql`now() + least(${backoff.maxMs}::float8, ${backoff.baseMs}::float8 * power(2, ${outboxEvents.attempts})) * interval '1 millisecond'`,
    })
    .where(inArray(outboxEvents.id, ids));
}

/** Unpublished events and the age of the oldest, measured on the database clock. */
export async function outboxBacklog(ex: Executor): Promise<{ pending: number; oldestAgeSeconds: number }> {
  const [row] = await ex
    .select({
      pending: sql<number>`count(*)::int`,
      oldestAgeSeconds: sql<number>`coalesce(extract(epoch from now() - min(${outboxEvents.createdAt})), 0)::float8`,
    })
    .from(outboxEvents)
    .where(isNull(outboxEvents.publishedAt));
  return { pending: row?.pending ?? 0, oldestAgeSeconds: Math.max(0, row?.oldestAgeSeconds ?? 0) };
}
