import { createHash } from 'node:crypto';
import { type Query, SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Executor } from '../core/db.types.js';

/** Runs raw SQL and returns its rows; both drivers (pg, PGlite) answer with `{ rows }`. */
export async function queryRows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await ex.execute(query);
  return (result as { rows: T[] }).rows;
}

const statements = new Map<string, { text: string; serverName: string }>();
let named = true;
const TAG = '/* prepared:';
const TAG_END = ' */ ';
const NAME = /^[a-z][a-z0-9_.]*$/;

/**
 * Whether tagged statements run named (DB_PREPARED_STATEMENTS, set once at start-up). Off for a transaction-mode
 * pooler that does not track protocol-level prepared statements (PgBouncer before 1.21, or
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
 * text under one name is a programming error and fails before reaching the database.
 *
 * Drizzle's public API names only query-builder statements, and only on the executor they were prepared on, so
 * the name travels in the text instead: a leading comment that the pg client class (core/database.ts) reads
 * through `statementName`. PGlite ignores it and runs the statement unnamed; the comment also shows the name in
 * pg_stat_activity and the server log.
 */
export async function queryPrepared<T>(ex: Executor, name: string, query: SQL): Promise<T[]> {
  return queryRows<T>(ex, sql`${sql.raw(nameTag(name))}${query}`);
}

/** The leading comment that carries a statement's name to `statementName`. */
function nameTag(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid prepared statement name "${name}"`);
  return `${TAG}${name}${TAG_END}`;
}

/**
 * The server-side name for a text `queryPrepared` tagged (undefined for any other text, or for every text when
 * prepared statements are off). It carries a hash of the text, so a server connection shared through a pooler
 * across a deployment can never run an older text under the same name. Throws when the name was first seen
 * with another text.
 */
export function statementName(text: string): string | undefined {
  if (!text.startsWith(TAG)) return undefined;
  const end = text.indexOf(TAG_END, TAG.length);
  if (end < 0) return undefined;
  const name = text.slice(TAG.length, end);
  let known = statements.get(name);
  if (!known) {
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
    known = { text, serverName: `${name}.${hash}` };
    statements.set(name, known);
  } else if (known.text !== text) {
    throw new Error(`prepared statement "${name}" was built with another text`);
  }
  return named ? known.serverName : undefined;
}

const dialect = new PgDialect();
const shapeNames = new Map<string, Map<string, string>>();

/** A (small) part of a statement rendered to text with `$1`… placeholders and its values. */
export function render(part: SQL): { text: string; values: unknown[] } {
  const { sql: text, params } = dialect.sqlToQuery(part);
  return { text, values: params };
}

/**
 * A statement its repository wrote as text, handed to Drizzle's executor as it is: for a hot statement of many
 * parts, where rendering the parts costs the API more than the database's execution of a prepared plan.
 */
class RenderedStatement extends SQL {
  constructor(
    private readonly text: string,
    private readonly values: unknown[],
  ) {
    super([]);
  }

  override toQuery(): Query {
    return { sql: this.text, params: this.values };
  }
}

/**
 * Runs a statement whose text takes one of a family of shapes (values always as parameters, the text varying only
 * with the number of parts, e.g. words of a search) as a named prepared statement per shape (`queryPrepared`),
 * for the first `maxShapes` shapes of the family this process meets; any further shape runs unnamed. Each named
 * shape costs every pooled connection that runs it a parse tree and plan in server memory, hence the bound.
 * `text` uses `$1`… placeholders for `values`.
 */
export async function queryPreparedShape<T>(
  ex: Executor,
  family: string,
  text: string,
  values: unknown[],
  maxShapes: number,
): Promise<T[]> {
  let names = shapeNames.get(family);
  if (!names) shapeNames.set(family, (names = new Map<string, string>()));
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= maxShapes) return queryRows<T>(ex, new RenderedStatement(text, values));
    name = `${family}_${names.size + 1}`;
    names.set(text, name);
  }
  return queryRows<T>(ex, new RenderedStatement(nameTag(name) + text, values));
}
