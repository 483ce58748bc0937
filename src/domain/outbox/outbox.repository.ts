import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import type { DomainEvent } from '../../core/events.js';
import { queryPrepared, queryRows } from '../../db/rows.js';
import { type OutboxRow, outboxDeliveries, outboxEvents } from './outbox.models.js';

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

/** One job of one event, as the relay hands it to the queue. */
export interface DeliveryKey {
  eventId: string;
  jobName: string;
}

const leaseFromNow = (ms: number) => sql`now() + ${ms}::float8 * interval '1 millisecond'`;

/** The keys as two array parameters, for `unnest`: one statement text whatever their number. */
const keyArrays = (keys: readonly DeliveryKey[]) =>
  sql`${sql.param(keys.map((k) => k.eventId))}::uuid[], ${sql.param(keys.map((k) => k.jobName))}::text[]`;

/**
 * Records the hand-off of each (event, job), leased for `leaseMs`. A delivery already known (an event handed
 * off again, or a job that finished before this hand-off committed) is left as it is.
 */
export async function insertDeliveries(tx: Transaction, keys: DeliveryKey[], leaseMs: number): Promise<void> {
  if (keys.length === 0) return;
  await queryPrepared(
    tx,
    'outbox_deliveries.insert',
    sql`INSERT INTO outbox_deliveries (event_id, job_name, lease_expires_at)
        SELECT event_id, job_name, ${leaseFromNow(leaseMs)} FROM unnest(${keyArrays(keys)}) AS k (event_id, job_name)
        ON CONFLICT DO NOTHING`,
  );
}

/**
 * Records how a job ended, once per finished job (a prepared statement: it is on every job's path). Idempotent;
 * a completion wins over an earlier failure (a dead job retried by hand), never the other way round. Inserts
 * when the hand-off has not committed yet: its transaction holds the key, so this waits for it, then updates.
 */
export async function settleDelivery(
  ex: Executor,
  key: DeliveryKey,
  outcome: { status: 'completed' } | { status: 'failed'; error: string },
): Promise<void> {
  const lastError = outcome.status === 'failed' ? outcome.error.slice(0, 1000) : null;
  await queryPrepared(
    ex,
    'outbox_deliveries.settle',
    sql`INSERT INTO outbox_deliveries (event_id, job_name, status, lease_expires_at, settled_at, last_error)
        VALUES (${key.eventId}::uuid, ${key.jobName}::text, ${outcome.status}::text, now(), now(), ${lastError}::text)
        ON CONFLICT (event_id, job_name) DO UPDATE
        SET status = excluded.status, settled_at = excluded.settled_at, last_error = excluded.last_error
        WHERE outbox_deliveries.status <> 'completed'`,
  );
}

export interface OverdueDelivery extends DeliveryKey {
  eventType: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

/** Handed-off deliveries whose lease ran out, with their events, locked for the rest of the transaction. */
export async function claimOverdueDeliveries(tx: Transaction, limit: number): Promise<OverdueDelivery[]> {
  return tx
    .select({
      eventId: outboxDeliveries.eventId,
      jobName: outboxDeliveries.jobName,
      eventType: outboxEvents.eventType,
      occurredAt: outboxEvents.createdAt,
      payload: outboxEvents.payload,
    })
    .from(outboxDeliveries)
    .innerJoin(outboxEvents, eq(outboxEvents.id, outboxDeliveries.eventId))
    .where(and(eq(outboxDeliveries.status, 'handed_off'), lte(outboxDeliveries.leaseExpiresAt, sql`now()`)))
    .orderBy(asc(outboxDeliveries.leaseExpiresAt))
    .limit(limit)
    .for('update', { of: outboxDeliveries, skipLocked: true });
}

/** Leases the deliveries again; `handedOffAgain` counts a new hand-off (the queue had lost the job). */
export async function renewLeases(
  tx: Transaction,
  keys: DeliveryKey[],
  leaseMs: number,
  handedOffAgain: boolean,
): Promise<void> {
  if (keys.length === 0) return;
  const again = handedOffAgain ? 1 : 0;
  await queryPrepared(
    tx,
    'outbox_deliveries.renew',
    sql`UPDATE outbox_deliveries SET lease_expires_at = ${leaseFromNow(leaseMs)},
          redeliveries = redeliveries + ${again}::int,
          handed_off_at = CASE WHEN ${again}::int = 1 THEN now() ELSE handed_off_at END
        WHERE (event_id, job_name) IN (SELECT * FROM unnest(${keyArrays(keys)}))`,
  );
}

/** Deliveries handed off and not finished, and how long the oldest has been owed, on the database clock. */
export async function openDeliveries(ex: Executor): Promise<{ open: number; oldestAgeSeconds: number }> {
  const [row] = await ex
    .select({
      open: sql<number>`count(*)::int`,
      oldestAgeSeconds: sql<number>`coalesce(extract(epoch from now() - min(${outboxDeliveries.createdAt})), 0)::float8`,
    })
    .from(outboxDeliveries)
    .where(eq(outboxDeliveries.status, 'handed_off'));
  return { open: row?.open ?? 0, oldestAgeSeconds: Math.max(0, row?.oldestAgeSeconds ?? 0) };
}

/** Deletes up to `limit` completed deliveries settled more than `days` ago; how many it deleted. */
export async function purgeCompletedDeliveries(ex: Executor, days: number, limit: number): Promise<number> {
  const rows = await queryRows<{ event_id: string }>(
    ex,
    sql`
    DELETE FROM outbox_deliveries
    WHERE (event_id, job_name) IN (
      SELECT event_id, job_name FROM outbox_deliveries
      WHERE status = 'completed' AND settled_at < now() - ${days}::int * interval '1 day'
      LIMIT ${limit})
    RETURNING event_id`,
  );
  return rows.length;
}
