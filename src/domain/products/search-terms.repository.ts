import { sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import { queryPrepared, queryRows } from '../../db/rows.js';
import { searchTerms } from './products.models.js';

/*
 * Queries on `search_terms`, the trigger-kept dictionary of the catalog's lexemes that begin with three letters
 * (migration 0007): word expansion for every text search, and typo correction when the words find nothing.
 */

/** Catalog words (letters only) closest to a (possibly misspelt) folded word, best first. */
export async function closestTerms(ex: Executor, word: string, limit = 3): Promise<string[]> {
  const rows = await queryRows<{ term: string }>(
    ex,
    sql`SELECT term FROM ${searchTerms} WHERE term % ${word} AND term ~ '^[a-z]+$'
        ORDER BY similarity(term, ${word}) DESC, term LIMIT ${limit}`,
  );
  return rows.map((r) => r.term);
}

/**
 * For each folded, letters-only word: its Swedish stem (null for a stop word) and the catalog lexemes that begin
 * with it, at most `limit + 1` of them. The dictionary holds every lexeme that begins with three letters, so for
 * a stem of three letters or more these are exactly the lexemes a prefix query (`stem:*`) would match.
 */
export async function expandStems(
  ex: Executor,
  words: string[],
  limit: number,
): Promise<{ word: string; stem: string | null; terms: string[] }[]> {
  return queryPrepared<{ word: string; stem: string | null; terms: string[] }>(
    ex,
    'products.expand_stems',
    sql`SELECT w.word, s.stem, array(
          SELECT t.term FROM ${searchTerms} t
          -- [stem, stem with its last letter advanced): the lexemes beginning with stem, as an index range.
          WHERE length(s.stem) >= 3 AND t.term ~>=~ s.stem
            AND t.term ~<~ (left(s.stem, -1) || chr(ascii(right(s.stem, 1)) + 1))
          ORDER BY t.term LIMIT ${sql.param(limit + 1)}::int) AS terms
        FROM unnest(${sql.param(words)}::text[]) WITH ORDINALITY AS w(word, n)
        CROSS JOIN LATERAL (SELECT nullif((ts_lexize('swedish_stem', w.word))[1], '') AS stem) s
        ORDER BY w.n`,
  );
}
