import type { Database } from '../../core/db.types.js';
import type { ObjectStore } from '../../core/storage/storage.js';
import { PERSONAL_DATA_REGISTRY } from './personal-data.registry.js';
import * as repo from './privacy.repository.js';

export interface FileSweepOptions {
  runId: string;
  trigger: string;
  dryRun: boolean;
  /** Objects examined per batch (one reference query, one deletion-log row). */
  batchSize: number;
  maxBatches: number;
  /** Objects written or re-put more recently than this are left alone, referenced or not. */
  graceHours: number;
}

export interface FileSweepOutcome {
  table: 'stored_files';
  rule: 'unreferenced_file';
  /** The grace period, in days, as the other outcomes give their retention. */
  retention_days: number;
  rows: number;
  more: boolean;
}

/** Every registered column that holds object-store keys. */
export const STORED_FILE_COLUMNS = PERSONAL_DATA_REGISTRY.flatMap((entry) =>
  (entry.storedFiles ?? []).map((column) => ({ table: entry.table, column })),
);

/**
 * Stored files no row names any more (spec §7: "stored files no longer referenced") — the files of rows the run
 * just deleted, and bytes whose row never committed. Runs after the table deletions of the same run.
 *
 * An upload stores its bytes before its row commits, so an object is only a candidate once it is older than the
 * grace period; a put of bytes already stored renews the object's time, and each candidate's time and references
 * are read again right before it is removed. Files are outside the database's transactions: a batch is logged
 * after its files are gone, so a crash in between leaves at most one batch of unreferenced files unlogged.
 */
export async function sweepUnreferencedFiles(
  db: Database,
  store: ObjectStore,
  options: FileSweepOptions,
): Promise<FileSweepOutcome> {
  const cutoff = new Date(Date.now() - options.graceHours * 3_600_000);
  const outcome: FileSweepOutcome = {
    table: 'stored_files',
    rule: 'unreferenced_file',
    retention_days: options.graceHours / 24,
    rows: 0,
    more: false,
  };
  let batch: string[] = [];
  let batches = 0;

  const flush = async () => {
    const referenced = await repo.referencedFileKeys(db, STORED_FILE_COLUMNS, batch);
    const orphans = batch.filter((key) => !referenced.has(key));
    batch = [];
    batches += 1;
    if (orphans.length === 0) return;
    if (options.dryRun) {
      outcome.rows += orphans.length;
      return;
    }
    const stillOrphans = await repo.referencedFileKeys(db, STORED_FILE_COLUMNS, orphans);
    let removed = 0;
    for (const key of orphans) {
      if (stillOrphans.has(key)) continue;
      const modified = await store.lastModified(key);
      if (!modified || modified >= cutoff) continue;
      await store.remove(key);
      removed += 1;
    }
    outcome.rows += removed;
    await repo.insertDeletionLog(
      db,
      [
        {
          runId: options.runId,
          trigger: options.trigger,
          rule: outcome.rule,
          tableName: outcome.table,
          action: 'delete',
          rowCount: removed,
        },
      ].filter((e) => e.rowCount > 0),
    );
  };

  for await (const object of store.list()) {
    if (object.lastModified >= cutoff) continue;
    if (batches === options.maxBatches) {
      outcome.more = true;
      break;
    }
    batch.push(object.key);
    if (batch.length === options.batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return outcome;
}
