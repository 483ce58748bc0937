import { check, index, integer, pgEnum, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { baseColumns, instant } from '../../db/base.js';
import { accounts } from '../accounts/accounts.models.js';

export const idempotencyState = pgEnum('idempotency_state', ['in_progress', 'completed']);

/**
 * Idempotency-Key records (spec invariant; IETF draft "The Idempotency-Key HTTP Header Field"). Keys belong
 * to an account; the fingerprint binds a key to one request; the stored response is replayed byte for byte.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    ...baseColumns(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    state: idempotencyState('state').notNull().default('in_progress'),
    lockedAt: instant('locked_at'),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [
    unique('idempotency_keys_account_key').on(t.accountId, t.key),
    index('idempotency_keys_expires_idx').on(t.expiresAt),
    check(
      'idempotency_keys_completed_has_response',
      sql`${t.state} = 'in_progress' OR (${t.responseStatus} IS NOT NULL AND ${t.responseBody} IS NOT NULL)`,
    ),
  ],
);

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;
