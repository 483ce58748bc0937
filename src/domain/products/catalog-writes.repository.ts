import { sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import { queryPrepared, queryRows } from '../../db/rows.js';
import { catalogWrites } from './products.models.js';

/*
 * Queries on `catalog_writes`, where a statement trigger notes each transaction that wrote catalog content
 * (migration 0033). A noted transaction becomes visible when it commits, so comparing against a snapshot tells
 * whether a write committed since, from any instance, worker or SQL session.
 */

/**
 * The current snapshot, and whether a catalog write not visible in `since` has committed (always true without
 * one). Both come from one statement, so they agree: a later check against the returned snapshot misses nothing.
 */
export async function catalogWritesSince(
  ex: Executor,
  since: string | null,
): Promise<{ snapshot: string; changed: boolean }> {
  const [row] = await queryPrepared<{ snapshot: string; changed: boolean }>(
    ex,
    'products.catalog_writes_since',
    sql`SELECT pg_current_snapshot()::text AS snapshot,
        ${sql.param(since)}::text IS NULL OR EXISTS (
          SELECT 1 FROM ${catalogWrites}
          WHERE xid >= pg_snapshot_xmin(${sql.param(since)}::text::pg_snapshot)
            AND NOT pg_visible_in_snapshot(xid, ${sql.param(since)}::text::pg_snapshot)
        ) AS changed`,
  );
  if (!row) throw new Error('catalog_writes_since returned no row');
  return row;
}

/**
 * Stamps the notes not seen before (every note this statement sees has committed) and deletes those stamped more
 * than `keepMs` ago, so a note lives at least `keepMs` after its commit however long its transaction ran.
 * Returns how many went.
 */
export async function pruneCatalogWrites(ex: Executor, keepMs: number): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    ex,
    sql`WITH stamped AS (
          UPDATE ${catalogWrites} SET seen_at = now() WHERE seen_at IS NULL RETURNING 1
        ), gone AS (
          DELETE FROM ${catalogWrites} WHERE seen_at < now() - make_interval(secs => ${keepMs / 1000}) RETURNING 1
        ) SELECT count(*)::int AS n FROM gone`,
  );
  return rows[0]?.n ?? 0;
}
