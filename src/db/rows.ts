import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Executor } from '../core/db.types.js';

/** Runs raw SQL and returns its rows; both drivers (pg, PGlite) answer with `{ rows }`. */
export async function queryRows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await ex.execute(query);
  return (result as { rows: T[] }).rows;
}

const dialect = new PgDialect();
const statements = new Map<string, { text: string; serverName: string }>();
let named = true;

/**
 * Whether `queryPrepared` names its statements (DB_PREPARED_STATEMENTS, set once at start-up). Off for a
 * transaction-mode pooler that does not track protocol-level prepared statements (PgBouncer before 1.21, or
 * `max_prepared_statements = 0`): there the next transaction may run on a server connection that never saw the
 * statement.
 */
export function usePreparedStatements(enabled: boolean): void {
  named = enabled;
}

/**
 * Runs raw SQL as a named prepared statement: each pooled connection parses and plans it once, then only binds
 * and executes it. For the hottest statements, whose parsing and planning cost as much as their execution. The
 * text must be the same on every call (pass lists as array parameters, not as expanded `IN (…)` lists); a second
 * text under one name is a programming error and throws before reaching the database. The name sent to the
 * server carries a hash of the text, so a server connection shared through a pooler across a deployment can
 * never run an older text under the same name.
 */
export async function queryPrepared<T>(ex: Executor, name: string, query: SQL): Promise<T[]> {
  const built = dialect.sqlToQuery(query);
  let known = statements.get(name);
  if (!known) {
    const hash = createHash('sha256').update(built.sql).digest('hex').slice(0, 16);
    known = { text: built.sql, serverName: `${name}.${hash}` };
    statements.set(name, known);
  } else if (known.text !== built.sql) {
    throw new Error(`prepared statement "${name}" was built with another text`);
  }
  const result: unknown = await ex._.session
    .prepareQuery(built, undefined, named ? known.serverName : undefined, false)
    .execute();
  return (result as { rows: T[] }).rows;
}
