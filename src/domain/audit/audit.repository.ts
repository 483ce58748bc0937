import { and, count, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import type { Page } from '../../core/pagination.js';
import { type AuditRow, auditLog } from './audit.models.js';

export type AuditInsert = typeof auditLog.$inferInsert;

export async function insertAudit(ex: Executor, entry: AuditInsert): Promise<void> {
  await ex.insert(auditLog).values(entry);
}

/** The same insert, built but not run, for a combined write (`writeTogether`). */
export function auditInsert(ex: Executor, entry: AuditInsert) {
  return ex.insert(auditLog).values(entry).returning({ id: auditLog.id });
}

export interface AuditFilters {
  actor?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

function where(f: AuditFilters): SQL | undefined {
  return and(
    f.actor ? eq(auditLog.actorAccountId, f.actor) : undefined,
    f.action ? eq(auditLog.action, f.action) : undefined,
    f.from ? gte(auditLog.createdAt, f.from) : undefined,
    f.to ? lt(auditLog.createdAt, f.to) : undefined,
  );
}

export async function listAudit(
  ex: Executor,
  filters: AuditFilters,
  page: Page,
): Promise<{ rows: AuditRow[]; total: number }> {
  const condition = where(filters);
  const rows = await ex
    .select()
    .from(auditLog)
    .where(condition)
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(page.limit)
    .offset(page.offset);
  const [totalRow] = await ex.select({ n: count() }).from(auditLog).where(condition);
  return { rows, total: totalRow?.n ?? 0 };
}
