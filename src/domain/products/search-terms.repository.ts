import { sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import { queryPrepared } from '../../db/rows.js';
import { searchTerms } from './products.models.js';

/*
 * Queries on `search_terms`, the trigger-kept dictionary of the catalog's lexemes that begin with three letters
 * (migrations 0003, 0007). Search holds it in memory (search-dictionary.ts) and reads only what was added since.
 */

/** Lexemes added at or after `since` (epoch seconds; all of them when null), with when each was added. */
export async function termsSince(
  ex: Executor,
  since: number | null,
): Promise<{ term: string; addedAt: number }[]> {
  return queryPrepared<{ term: string; addedAt: number }>(
    ex,
    'products.terms_since',
    sql`SELECT term, extract(epoch FROM created_at)::float8 AS "addedAt" FROM ${searchTerms}
        WHERE ${sql.param(since)}::float8 IS NULL OR created_at >= to_timestamp(${sql.param(since)}::float8)`,
  );
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
