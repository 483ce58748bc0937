import type { Executor } from '../../core/db.types.js';
import {
  PERSONAL_DATA_REGISTRY,
  PERSONAL_LOOKING_COLUMN,
  STORED_FILE_COLUMN,
  UNREGISTERED_TABLES,
} from './personal-data.registry.js';
import * as repo from './privacy.repository.js';

/**
 * PII-REG (pre-flight): the personal-data registry against the live schema. Every table must be named, every
 * personal-looking column classified, every column holding stored-file keys declared (or the sweep of unreferenced
 * files would take its files), and every registered column must exist — so neither a new table nor a renamed
 * column slips past erasure, export and retention.
 */
export async function personalDataRegistryProblems(ex: Executor): Promise<string[]> {
  const columns = await repo.liveColumns(ex);
  const live = new Map<string, Set<string>>();
  for (const c of columns) {
    if (UNREGISTERED_TABLES.includes(c.table_name)) continue;
    const set = live.get(c.table_name) ?? new Set<string>();
    set.add(c.column_name);
    live.set(c.table_name, set);
  }
  const looksPersonal = new RegExp(PERSONAL_LOOKING_COLUMN, 'i');
  const holdsFileKeys = new RegExp(STORED_FILE_COLUMN, 'i');
  const registered = new Map(PERSONAL_DATA_REGISTRY.map((e) => [e.table, e]));
  const problems: string[] = [];
  for (const [table, cols] of live) {
    const entry = registered.get(table);
    if (!entry) {
      problems.push(`table ${table} is not in the personal-data registry`);
      continue;
    }
    const classified = new Set([...entry.personal, ...Object.keys(entry.notPersonal ?? {})]);
    const fileColumns = new Set(entry.storedFiles ?? []);
    for (const col of cols) {
      if (looksPersonal.test(col) && !classified.has(col))
        problems.push(`${table}.${col} looks personal and is not classified`);
      if (holdsFileKeys.test(col) && !fileColumns.has(col))
        problems.push(`${table}.${col} holds stored-file keys and is not in storedFiles`);
    }
    for (const col of [...classified, ...fileColumns]) {
      if (!cols.has(col)) problems.push(`${table}.${col} is registered but does not exist`);
    }
  }
  for (const table of registered.keys()) {
    if (!live.has(table)) problems.push(`registered table ${table} does not exist`);
  }
  return problems;
}
