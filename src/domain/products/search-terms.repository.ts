import { sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import { queryPrepared } from '../../db/rows.js';
import { searchTerms } from './products.models.js';

/*
 * Queries on `search_terms`, the trigger-kept dictionary of the catalog's lexemes that begin with three letters
 * (migrations 0003, 0007). Search holds it in memory (search-dictionary.ts) and reads only what committed since.
 */

/**
 * The current snapshot, and the lexemes whose adding transaction `since` did not see (all of them without it). Both
 * come from one statement, so a refresh from the returned snapshot misses nothing, however late a write committed.
 */
export async function termsSince(
  ex: Executor,
  since: string | null,
): Promise<{ snapshot: string; terms: string[] }> {
  const [row] = await queryPrepared<{ snapshot: string; terms: string[] }>(
    ex,
    'products.terms_since',
    sql`SELECT pg_current_snapshot()::text AS snapshot, coalesce(array_agg(term), '{}') AS terms
        FROM ${searchTerms}
        WHERE ${sql.param(since)}::text IS NULL OR (
          xid >= pg_snapshot_xmin(${sql.param(since)}::text::pg_snapshot)
          AND NOT pg_visible_in_snapshot(xid, ${sql.param(since)}::text::pg_snapshot)
        )`,
  );
  if (!row) throw new Error('terms_since returned no row');
  return row;
}

/** The Swedish stem of each folded, letters-only word (null for a stop word), in the order given. */
export async function stems(ex: Executor, words: string[]): Promise<(string | null)[]> {
  const rows = await queryPrepared<{ stem: string | null }>(
    ex,
    'products.stems',
    sql`SELECT nullif((ts_lexize('swedish_stem', w.word))[1], '') AS stem
        FROM unnest(${sql.param(words)}::text[]) WITH ORDINALITY AS w(word, n) ORDER BY w.n`,
  );
  return rows.map((r) => r.stem);
}
