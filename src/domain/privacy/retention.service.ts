import { randomUUID } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { Config } from '../../core/config.js';
import type { Database } from '../../core/db.types.js';
import { DomainError } from '../../core/errors.js';
import type { ObjectStore } from '../../core/storage/storage.js';
import { type FileSweepOutcome, sweepUnreferencedFiles } from './file-sweep.js';
import { PERSONAL_DATA_REGISTRY, type TableEntry } from './personal-data.registry.js';
import { RETENTION_KINDS, type RetentionKind } from './privacy.models.js';
import { eraseInTransaction } from './erasure.service.js';
import * as repo from './privacy.repository.js';

export interface RetentionRunOptions {
  dryRun: boolean;
  /** Who started the run: `schedule`, `cli`, `function` (a serverless invocation). */
  trigger: string;
  batchSize: number;
  maxBatches: number;
  /** Keys the pseudonyms of accounts the run erases. */
  appSecret: string;
  /** Where uploaded files live; the run removes those no row references any more. */
  store: ObjectStore;
  /** Files younger than this are never swept (an upload stores its bytes before its row commits). */
  fileGraceHours: number;
}

export interface RetentionOutcome {
  table: string;
  rule: RetentionKind;
  retention_days: number;
  /** Rows deleted, or in a dry run the rows that would be. */
  rows: number;
  /** True when the run stopped at maxBatches with rows left for the next run. */
  more: boolean;
}

export type RetentionRun =
  | {
      status: 'completed';
      run_id: string;
      dry_run: boolean;
      outcomes: (RetentionOutcome | FileSweepOutcome)[];
    }
  | { status: 'skipped'; reason: string };

const LEASE_SECONDS = 300;

/** The configured bounds of a run, shared by the job, the CLI and the serverless handler. */
export const retentionSettings = (config: Config) => ({
  batchSize: config.retention.batchSize,
  maxBatches: config.retention.maxBatches,
  appSecret: config.auth.appSecret,
  fileGraceHours: config.retention.fileGraceHours,
});

/** The rows of one table past its retention, as the registry and the live foreign keys decide. */
async function selectorFor(db: Database, entry: TableEntry, kind: RetentionKind, days: number): Promise<SQL> {
  const blockers = await repo.blockingReferences(db, entry.table);
  switch (kind) {
    case 'soft_deleted':
      return repo.softDeletedBefore(days, blockers);
    case 'audit_log':
      return repo.withoutReferences(repo.createdBefore(days), blockers);
    case 'financial_records':
      return repo.withoutReferences(
        entry.expired === 'finished_orders'
          ? repo.finishedOrderBefore(days)
          : repo.financialRecordBefore(days),
        blockers,
      );
  }
}

const isRetentionKind = (k: TableEntry['retention']): k is RetentionKind =>
  (RETENTION_KINDS as readonly string[]).includes(k);

/**
 * The hard-delete function's work (spec §7): everything past its retention, in bounded batches, each batch its
 * own transaction with its deletion-log row, so locks stay short and a crash loses no record of what went.
 * Stored files no row references any more go last. Two runs never overlap (a lease row); a dry run counts and
 * changes nothing.
 */
export async function runRetention(db: Database, options: RetentionRunOptions): Promise<RetentionRun> {
  const runId = randomUUID();
  if (!options.dryRun && !(await repo.acquireLease(db, runId, LEASE_SECONDS))) {
    return { status: 'skipped', reason: 'another hard-delete run holds the lease' };
  }
  try {
    const days = new Map((await repo.listPolicies(db)).map((p) => [p.kind, p.retentionDays]));
    const outcomes: (RetentionOutcome | FileSweepOutcome)[] = [
      await eraseExpiredAccounts(db, runId, options, days.get('soft_deleted')),
    ];
    for (const entry of PERSONAL_DATA_REGISTRY) {
      const kind = entry.retention;
      if (!isRetentionKind(kind)) continue;
      const retentionDays = days.get(kind);
      if (retentionDays === undefined) throw new Error(`retention policy ${kind} is missing`);
      const selector = await selectorFor(db, entry, kind, retentionDays);
      const outcome = { table: entry.table, rule: kind, retention_days: retentionDays, rows: 0, more: false };
      if (options.dryRun) {
        outcome.rows = await repo.countSelected(db, entry.table, selector);
      } else {
        for (let batch = 0; ; batch++) {
          if (batch === options.maxBatches) {
            outcome.more = (await repo.countSelected(db, entry.table, selector)) > 0;
            break;
          }
          const deleted = await db.transaction(async (tx) => {
            const n = await repo.deleteSelectedBatch(tx, entry.table, selector, options.batchSize);
            await repo.insertDeletionLog(
              tx,
              [
                {
                  runId,
                  trigger: options.trigger,
                  rule: kind,
                  tableName: entry.table,
                  action: 'delete',
                  rowCount: n,
                },
              ].filter((e) => e.rowCount > 0),
            );
            return n;
          });
          outcome.rows += deleted;
          await repo.acquireLease(db, runId, LEASE_SECONDS);
          if (deleted < options.batchSize) break;
        }
      }
      outcomes.push(outcome);
    }
    // Last, so the files of the rows deleted above go in the same run.
    outcomes.push(
      await sweepUnreferencedFiles(db, options.store, {
        runId,
        trigger: options.trigger,
        dryRun: options.dryRun,
        batchSize: options.batchSize,
        maxBatches: options.maxBatches,
        graceHours: options.fileGraceHours,
      }),
    );
    return { status: 'completed', run_id: runId, dry_run: options.dryRun, outcomes };
  } finally {
    if (!options.dryRun) await repo.releaseLease(db, runId);
  }
}

/**
 * Step 1: soft-deleted accounts past the soft-delete retention are erased, not deleted — their orders are books
 * that must keep pointing at one (pseudonymised) party. An account an erasure refuses (last owner with orders in
 * progress) waits for a later run.
 */
async function eraseExpiredAccounts(
  db: Database,
  runId: string,
  options: RetentionRunOptions,
  retentionDays: number | undefined,
): Promise<RetentionOutcome> {
  if (retentionDays === undefined) throw new Error('retention policy soft_deleted is missing');
  const outcome = {
    table: 'accounts',
    rule: 'soft_deleted' as const,
    retention_days: retentionDays,
    rows: 0,
    more: false,
  };
  const ctx = { principal: undefined, requestId: runId, ip: '', userAgent: `hard-delete/${options.trigger}` };
  const refused = new Set<string>();
  for (let batch = 0; batch < options.maxBatches; batch++) {
    const ids = (
      await repo.expiredAccountsToErase(db, retentionDays, options.batchSize + refused.size)
    ).filter((id) => !refused.has(id));
    if (ids.length === 0) return outcome;
    if (options.dryRun) {
      outcome.rows = ids.length;
      return outcome;
    }
    for (const accountId of ids) {
      try {
        await db.transaction((tx) =>
          eraseInTransaction(tx, ctx, {
            accountId,
            appSecret: options.appSecret,
            trigger: 'retention',
            requestedBy: null,
            requestId: runId,
          }),
        );
        outcome.rows += 1;
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        refused.add(accountId);
      }
    }
  }
  outcome.more = true;
  return outcome;
}
