import { index, inet, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { baseColumns } from '../../db/base.js';
import { accountRole } from '../accounts/accounts.models.js';

/**
 * Append-only record of security-relevant actions (spec §6). A trigger in the migration rejects UPDATE,
 * DELETE and TRUNCATE, so not even a bug in the application can rewrite history. No FK to accounts:
 * the trail must outlive an account's erasure.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    ...baseColumns(),
    requestId: text('request_id'),
    actorAccountId: uuid('actor_account_id'),
    actorRole: accountRole('actor_role'),
    action: text('action').notNull(),
    resourceType: text('resource_type'),
    resourceId: text('resource_id'),
    ip: inet('ip'),
    userAgent: text('user_agent'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index('audit_log_created_at_idx').on(t.createdAt),
    index('audit_log_actor_idx').on(t.actorAccountId, t.createdAt),
    index('audit_log_action_idx').on(t.action, t.createdAt),
  ],
);

export type AuditRow = typeof auditLog.$inferSelect;
