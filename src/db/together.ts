import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Transaction } from '../core/db.types.js';
import { queryPrepared, queryRows } from './rows.js';

/**
 * A data-modifying statement built but not run (a Drizzle insert, update or delete with a RETURNING clause),
 * to be combined with others by `writeTogether`.
 */
export type PendingWrite = SQLWrapper;

const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Runs several data-modifying statements as one (`WITH a AS (…), b AS (…) SELECT …`): one round trip instead of
 * one per statement, which is what bounds write throughput here (docs/benchmarks.md). All parts see the same
 * snapshot and none sees another's rows, so they must not depend on each other's effects; foreign keys between
 * them are checked at the end of the statement, as usual. Returns how many rows each part returned.
 */
export async function writeTogether<K extends string>(
  tx: Transaction,
  parts: Record<K, PendingWrite>,
  /** Run as this named prepared statement (`queryPrepared`): the combined text must then never vary. */
  preparedAs?: string,
): Promise<Record<K, number>> {
  const names = Object.keys(parts) as K[];
  if (names.length === 0) return {} as Record<K, number>;
  for (const name of names) if (!NAME.test(name)) throw new Error(`invalid part name "${name}"`);
  const ctes = sql.join(
    names.map((name) => sql`${sql.identifier(`w_${name}`)} AS (${parts[name].getSQL()})`),
    sql`, `,
  );
  const counts = sql.join(
    names.map(
      (name) => sql`(SELECT count(*) FROM ${sql.identifier(`w_${name}`)})::int AS ${sql.identifier(name)}`,
    ),
    sql`, `,
  );
  const query: SQL = sql`WITH ${ctes} SELECT ${counts}`;
  const [row] = preparedAs
    ? await queryPrepared<Record<K, number>>(tx, preparedAs, query)
    : await queryRows<Record<K, number>>(tx, query);
  if (!row) throw new Error('combined write returned no row');
  return row;
}
