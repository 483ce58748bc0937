import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { baseColumns, instant } from '../../db/base.js';

/**
 * Transactional outbox: business transactions insert their events here, in the same transaction as the
 * change; a relay publishes them to BullMQ with the outbox id as job id (duplicates collapse) and marks
 * them published. Nothing is lost while Redis is down; the relay keeps retrying. What happens to each job
 * after the hand-off is tracked in `outbox_deliveries`.
 */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    ...baseColumns(),
    eventType: text('event_type').notNull(),
    aggregateType: text('aggregate_type').notNull(),
    aggregateId: uuid('aggregate_id').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    publishedAt: instant('published_at'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
  },
  (t) => [
    index('outbox_events_pending_idx')
      .on(t.nextAttemptAt, t.createdAt)
      .where(sql`${t.publishedAt} IS NULL`),
    index('outbox_events_aggregate_idx').on(t.aggregateType, t.aggregateId),
  ],
);

export type OutboxRow = typeof outboxEvents.$inferSelect;

export const DELIVERY_STATUSES = ['handed_off', 'completed', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One row per (event, job) the relay handed to the queue: the event stays owed until its job has completed, so
 * a job the queue lost (Redis restarted without persistence) is handed off again once its lease runs out.
 * `failed` is the dead letter: the job used up its attempts and is not handed off again.
 */
export const outboxDeliveries = pgTable(
  'outbox_deliveries',
  {
    eventId: uuid('event_id')
      .notNull()
      .references(() => outboxEvents.id, { onDelete: 'cascade' }),
    jobName: text('job_name').notNull(),
    status: text('status').$type<DeliveryStatus>().notNull().default('handed_off'),
    /** The first hand-off. */
    createdAt: instant('created_at').notNull().defaultNow(),
    /** The latest hand-off. */
    handedOffAt: instant('handed_off_at').notNull().defaultNow(),
    /** When the relay next asks the queue about a delivery still handed off. */
    leaseExpiresAt: instant('lease_expires_at').notNull(),
    /** Hand-offs after the first: each one found the queue without the job. */
    redeliveries: integer('redeliveries').notNull().default(0),
    settledAt: instant('settled_at'),
    lastError: text('last_error'),
  },
  (t) => [
    primaryKey({ name: 'outbox_deliveries_pkey', columns: [t.eventId, t.jobName] }),
    check('outbox_deliveries_status_known', sql`${t.status} IN ('handed_off', 'completed', 'failed')`),
    index('outbox_deliveries_lease_idx')
      .on(t.leaseExpiresAt)
      .where(sql`${t.status} = 'handed_off'`),
    index('outbox_deliveries_settled_idx')
      .on(t.settledAt)
      .where(sql`${t.status} = 'completed'`),
  ],
);
