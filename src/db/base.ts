import { sql } from 'drizzle-orm';
import { timestamp, uuid } from 'drizzle-orm/pg-core';

/** UTC instant column: TIMESTAMPTZ, read as a JS Date. */
export const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Columns every table carries (spec §7): UUID key, creation/update instants and soft delete.
 * `updated_at` is kept current by the `iris_set_updated_at` trigger each migration attaches,
 * so raw SQL updates are covered too, not only ORM ones.
 */
export const baseColumns = (key: 'random' | 'time-ordered' = 'random') => ({
  id: uuid('id')
    .primaryKey()
    // Tables written in bulk take time-ordered keys (UUID v7, migration 0032): inserts append to the index's
    // right-hand leaves instead of touching a random leaf each.
    .default(key === 'random' ? sql`gen_random_uuid()` : sql`iris_uuid_v7()`),
  createdAt: instant('created_at').notNull().defaultNow(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
  deletedAt: instant('deleted_at'),
});
