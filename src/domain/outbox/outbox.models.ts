import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { baseColumns, instant } from '../../db/base.js';

/**
 * Transactional outbox: business transactions insert their events here, in the same transaction as the
 * change; a relay publishes them to BullMQ with the outbox id as job id (duplicates collapse) and marks
 * them published. Nothing is lost while Redis is down; the relay keeps retrying.
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
