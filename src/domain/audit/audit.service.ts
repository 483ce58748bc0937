import type { RequestContext } from '../../core/context.js';
import type { Database, Executor } from '../../core/db.types.js';
import { DomainError } from '../../core/errors.js';
import { type Page, type Paginated, toPage } from '../../core/pagination.js';
import type { AuditRow } from './audit.models.js';
import { type AuditFilters, type AuditInsert, insertAudit, listAudit } from './audit.repository.js';
import type { AuditEntryDto } from './audit.schemas.js';

export interface AuditEvent {
  action: string;
  resourceType?: string;
  resourceId?: string;
  details?: Record<string, unknown>;
}

/** Writes one audit row, in the caller's transaction so the record and the change commit together. */
export async function recordAudit(ex: Executor, ctx: RequestContext, event: AuditEvent): Promise<void> {
  await insertAudit(ex, auditEntry(ctx, event));
}

/** The audit row for an event: who (account or service), from where, in which request. */
export function auditEntry(ctx: RequestContext, event: AuditEvent): AuditInsert {
  const principal = ctx.principal;
  return {
    requestId: ctx.requestId,
    actorAccountId: principal?.kind === 'user' ? principal.accountId : null,
    actorRole: principal?.kind === 'user' ? principal.role : null,
    action: event.action,
    resourceType: event.resourceType ?? null,
    resourceId: event.resourceId ?? null,
    ip: ctx.ip || null,
    userAgent: ctx.userAgent?.slice(0, 512) ?? null,
    details: {
      ...(principal?.kind === 'service' ? { service: principal.name } : {}),
      ...event.details,
    },
  };
}

function toDto(row: AuditRow): AuditEntryDto {
  return {
    id: row.id,
    occurred_at: row.createdAt.toISOString(),
    request_id: row.requestId,
    actor_account_id: row.actorAccountId,
    actor_role: row.actorRole,
    action: row.action,
    resource_type: row.resourceType,
    resource_id: row.resourceId,
    ip: row.ip,
    user_agent: row.userAgent,
    details: row.details,
  };
}

export function createAuditService(deps: { db: Database }) {
  return {
    record: (ctx: RequestContext, event: AuditEvent) => recordAudit(deps.db, ctx, event),

    async list(filters: AuditFilters, page: Page): Promise<Paginated<AuditEntryDto>> {
      if (filters.from && filters.to && filters.from >= filters.to) {
        throw new DomainError('VALIDATION_FAILED', '"from" must be before "to"', [
          { path: 'query.from', message: 'must be before to' },
        ]);
      }
      const { rows, total } = await listAudit(deps.db, filters, page);
      return toPage(rows.map(toDto), page, total);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
