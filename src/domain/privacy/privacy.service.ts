import type { Config } from '../../core/config.js';
import type { UserContext } from '../../core/context.js';
import type { Database } from '../../core/db.types.js';
import type { ObjectStore } from '../../core/storage/storage.js';
import { recordAudit } from '../audit/audit.service.js';
import { eraseInTransaction, exportPersonalData } from './erasure.service.js';
import { accountNotErasable, retentionBelowMinimum } from './privacy.errors.js';
import type { RetentionPolicyRow } from './privacy.models.js';
import * as repo from './privacy.repository.js';
import type {
  ErasureResult,
  PersonalDataExport,
  RetentionPolicyDto,
  RetentionUpdate,
} from './privacy.schemas.js';
import { type RetentionRun, retentionSettings, runRetention } from './retention.service.js';

const toDto = (row: RetentionPolicyRow): RetentionPolicyDto => ({
  kind: row.kind as RetentionPolicyDto['kind'],
  retention_days: row.retentionDays,
  minimum_days: row.minimumDays,
  description: row.description,
  updated_at: row.updatedAt.toISOString(),
  updated_by: row.updatedBy,
});

export function createPrivacyService(deps: { db: Database; config: Config; store: ObjectStore }) {
  const { db, config, store } = deps;

  return {
    async listRetention(): Promise<{ data: RetentionPolicyDto[] }> {
      return { data: (await repo.listPolicies(db)).map(toDto) };
    },

    /** All or nothing; each change audited with its old and new value. */
    async updateRetention(
      ctx: UserContext,
      update: RetentionUpdate,
    ): Promise<{ data: RetentionPolicyDto[] }> {
      await db.transaction(async (tx) => {
        const current = new Map((await repo.listPolicies(tx)).map((p) => [p.kind, p]));
        for (const change of update.policies) {
          const before = current.get(change.kind);
          if (!before) throw new Error(`retention policy ${change.kind} is missing`);
          if (change.retention_days < before.minimumDays)
            throw retentionBelowMinimum(change.kind, before.minimumDays);
          if (before.retentionDays === change.retention_days) continue;
          await repo.updatePolicy(tx, change.kind, change.retention_days, ctx.principal.accountId);
          await recordAudit(tx, ctx, {
            action: 'retention.policy_changed',
            resourceType: 'retention_policy',
            resourceId: change.kind,
            details: { from_days: before.retentionDays, to_days: change.retention_days },
          });
        }
      });
      return this.listRetention();
    },

    /** DELETE /admin/users/{id}/gdpr-erase: runs the erasure now, in this process (see src/functions). */
    erase(ctx: UserContext, accountId: string): Promise<ErasureResult> {
      return db.transaction((tx) =>
        eraseInTransaction(tx, ctx, {
          accountId,
          appSecret: config.auth.appSecret,
          trigger: 'gdpr_erasure',
          requestedBy: ctx.principal.accountId,
          requestId: ctx.requestId,
        }),
      );
    },

    /** The person's own export, or an admin's on their behalf (audited). */
    async exportFor(ctx: UserContext, accountId: string): Promise<PersonalDataExport> {
      if (await repo.findErasure(db, accountId)) throw accountNotErasable(accountId);
      const data = await exportPersonalData(db, accountId);
      const account = data.tables.find((t) => t.table === 'accounts');
      if (!account || account.rows.length === 0) throw accountNotErasable(accountId);
      await recordAudit(db, ctx, {
        action: 'gdpr.export',
        resourceType: 'account',
        resourceId: accountId,
        details: { tables: data.tables.map((t) => `${t.table}:${t.rows.length}`) },
      });
      return data;
    },

    runRetention(options: { dryRun: boolean; trigger: string }): Promise<RetentionRun> {
      return runRetention(db, { ...options, store, ...retentionSettings(config) });
    },
  };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
