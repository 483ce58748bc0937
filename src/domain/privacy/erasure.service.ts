import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { RequestContext } from '../../core/context.js';
import type { Executor, Transaction } from '../../core/db.types.js';
import { recordAudit } from '../audit/audit.service.js';
import { PERSONAL_DATA_REGISTRY } from './personal-data.registry.js';
import { accountNotErasable, erasureBlockedByOpenOrders, erasureBlockedLastAdmin } from './privacy.errors.js';
import * as repo from './privacy.repository.js';
import type { ErasureResult, PersonalDataExport } from './privacy.schemas.js';

/** The same person always gets the same pseudonym, and nobody can turn it back without APP_SECRET. */
export function pseudonymFor(appSecret: string, accountId: string): string {
  return `erased-${createHmac('sha256', appSecret).update(`iris:gdpr-pseudonym:${accountId}`).digest('hex').slice(0, 20)}`;
}

export interface ErasureRequest {
  accountId: string;
  appSecret: string;
  /** `gdpr_erasure` for a person's request, `retention` for a soft-deleted account past its period. */
  trigger: 'gdpr_erasure' | 'retention';
  requestedBy: string | null;
  requestId: string;
}

/**
 * Erases one person inside the caller's transaction, all or nothing: the registry's rules in order (delete,
 * redact, tombstone), the proof row, the deletion log and the audit row. Books stay: amounts, VAT and lines are
 * untouched, and references to the person now reach only the pseudonym.
 */
export async function eraseInTransaction(
  tx: Transaction,
  ctx: RequestContext,
  request: ErasureRequest,
): Promise<ErasureResult> {
  const account = await repo.lockAccountForErasure(tx, request.accountId);
  if (!account) throw accountNotErasable(request.accountId);
  if (account.role === 'ADMIN' && !account.deleted && (await repo.liveAdminCount(tx)) <= 1) {
    throw erasureBlockedLastAdmin();
  }
  const blocked = await repo.soleOwnershipsWithOpenOrders(tx, request.accountId);
  if (blocked.length > 0) throw erasureBlockedByOpenOrders(blocked);

  const pseudonym = pseudonymFor(request.appSecret, request.accountId);
  const counts: Record<string, number> = {};
  const log: Parameters<typeof repo.insertDeletionLog>[1] = [];
  for (const entry of PERSONAL_DATA_REGISTRY) {
    for (const rule of entry.erasure) {
      const n = await repo.applyErasureRule(tx, entry.table, rule, request.accountId, pseudonym);
      counts[entry.table] = (counts[entry.table] ?? 0) + n;
      if (n > 0) {
        log.push({
          runId: request.accountId,
          trigger: request.trigger,
          rule: request.trigger,
          tableName: entry.table,
          action: rule.action,
          rowCount: n,
        });
      }
    }
  }
  const proof = await repo.insertErasure(tx, {
    accountId: request.accountId,
    pseudonym,
    requestedBy: request.requestedBy,
    requestId: request.requestId,
    counts,
  });
  await repo.insertDeletionLog(tx, log);
  await recordAudit(tx, ctx, {
    action: request.trigger === 'gdpr_erasure' ? 'gdpr.erase' : 'retention.account_erased',
    resourceType: 'account',
    resourceId: request.accountId,
    details: { pseudonym, counts },
  });
  return {
    account_id: request.accountId,
    pseudonym,
    erased_at: proof.erasedAt.toISOString(),
    counts,
  };
}

/** Every personal datum held about one person, table by table, from the registry (GDPR art. 15 and 20). */
export async function exportPersonalData(ex: Executor, accountId: string): Promise<PersonalDataExport> {
  const tables: PersonalDataExport['tables'] = [];
  for (const entry of PERSONAL_DATA_REGISTRY) {
    if (!entry.subject || entry.personal.length === 0) continue;
    const found = await repo.personalRows(
      ex,
      entry.table,
      entry.personal,
      entry.subject(sql`${accountId}::uuid`),
    );
    tables.push({
      table: entry.table,
      handling: entry.kept ?? (entry.erasure.length > 0 ? 'erased on request' : 'kept'),
      retention: entry.retention,
      rows: found,
    });
  }
  return { account_id: accountId, generated_at: new Date().toISOString(), tables };
}
