import type { SQL } from 'drizzle-orm';
import type { Executor } from '../core/db.types.js';

/** Runs raw SQL and returns its rows; both drivers (pg, PGlite) answer with `{ rows }`. */
export async function queryRows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result: unknown = await ex.execute(query);
  return (result as { rows: T[] }).rows;
}
