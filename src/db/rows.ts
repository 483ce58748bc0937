import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Executor } from '../core/db.types.js';

/** Runs raw SQL and returns its rows; both drivers (pg, PGlite) answer with `{ rows }`. */
export async function queryRows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await ex.execute(query);
  return (result as { rows: T[] }).rows;
}

const dialect = new PgDialect();
const textOf = new Map<string, string>();

/**
 * Runs raw SQL as a named prepared statement: each pooled connection parses and plans it once, then only binds
 * and executes it. For the hottest statements, whose parsing and planning cost as much as their execution. The
 * text must be the same on every call (pass lists as array parameters, not as expanded `IN (…)` lists);
 * a second text under one name is a programming error and throws before reaching the database.
 */
export async function queryPrepared<T>(ex: Executor, name: string, query: SQL): Promise<T[]> {
  const built = dialect.sqlToQuery(query);
  const known = textOf.get(name);
  if (known === undefined) textOf.set(name, built.sql);
  else if (known !== built.sql) throw new Error(`prepared statement "${name}" was built with another text`);
  const result: unknown = await ex._.session.prepareQuery(built, undefined, name, false).execute();
  return (result as { rows: T[] }).rows;
}
