import { z } from 'zod';
import { paginated, paginationQuery } from '../../core/pagination.js';

export const auditQuery = z.strictObject({
  ...paginationQuery,
  actor: z.uuid().optional(),
  action: z.string().min(1).max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const auditEntry = z.object({
  id: z.uuid(),
  occurred_at: z.string(),
  request_id: z.string().nullable(),
  actor_account_id: z.string().nullable(),
  actor_role: z.string().nullable(),
  action: z.string(),
  resource_type: z.string().nullable(),
  resource_id: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const auditPage = paginated(auditEntry);
export type AuditEntryDto = z.infer<typeof auditEntry>;

// Named components of the OpenAPI document and of the generated client (docs/adding-a-domain.md).
z.globalRegistry.add(auditEntry, { id: 'AuditEntry' });
z.globalRegistry.add(auditPage, { id: 'AuditPage' });
