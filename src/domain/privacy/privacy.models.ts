import { check, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { baseColumns, instant } from '../../db/base.js';

export const RETENTION_KINDS = ['audit_log', 'financial_records', 'soft_deleted'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/**
 * How long each kind of data is kept (spec §7). Seeded by the migration with the defaults; admins change the
 * numbers through /api/v1/admin/retention, every change audited.
 */
export const retentionPolicies = pgTable(
  'retention_policies',
  {
    ...baseColumns(),
    kind: text('kind').notNull().unique('retention_policies_kind_key'),
    retentionDays: integer('retention_days').notNull(),
    /** The smallest number of days an admin may set, where law sets a floor (bookkeeping: 7 years). */
    minimumDays: integer('minimum_days').notNull().default(1),
    description: text('description').notNull(),
    updatedBy: uuid('updated_by'),
  },
  (t) => [
    check('retention_policies_days', sql`${t.retentionDays} >= ${t.minimumDays} AND ${t.minimumDays} >= 1`),
  ],
);

/**
 * Append-only record of every hard deletion: what kind, how many, under which rule, when — never the deleted
 * data itself. A trigger in the migration rejects UPDATE, DELETE and TRUNCATE.
 */
export const deletionLog = pgTable('deletion_log', {
  ...baseColumns(),
  runId: uuid('run_id').notNull(),
  trigger: text('trigger').notNull(),
  rule: text('rule').notNull(),
  tableName: text('table_name').notNull(),
  action: text('action').notNull(),
  rowCount: integer('row_count').notNull(),
});

/** One row per erased account: proof of the erasure and the stable pseudonym that replaced the person. */
export const gdprErasures = pgTable('gdpr_erasures', {
  ...baseColumns(),
  accountId: uuid('account_id').notNull().unique('gdpr_erasures_account_key'),
  pseudonym: text('pseudonym').notNull(),
  requestedBy: uuid('requested_by'),
  requestId: text('request_id'),
  erasedAt: instant('erased_at').notNull().defaultNow(),
  counts: jsonb('counts').$type<Record<string, number>>().notNull().default({}),
});

/**
 * A single-row lease that keeps two hard-delete runs apart. A lease rather than a session advisory lock: a run is
 * many short transactions, and a transaction-mode pooler (Neon's) cannot keep one session across them; an
 * expired lease (a crashed run) is taken over.
 */
export const hardDeleteLease = pgTable('hard_delete_lease', {
  ...baseColumns(),
  holder: uuid('holder'),
  leasedUntil: instant('leased_until'),
});

export type RetentionPolicyRow = typeof retentionPolicies.$inferSelect;
