import type { Database } from '../../core/db.types.js';
import type { Page } from '../../core/pagination.js';
import * as repo from './products.repository.js';
import type { ProductFilters, ProductView, SortKey, Visibility } from './products.repository.js';
import {
  COMPOUND_PROBE,
  closestWord,
  compoundTail,
  isLetterWord,
  type RankedQuery,
  rankedQuery,
  type WordQuery,
  wordQuery,
  words,
} from './products.search.js';
import type { SearchDictionary } from './search-dictionary.js';
import { rankedSearch } from './search-ranking.repository.js';

/** What the answer says about how `q` was understood (docs/README.md, "Search"). */
export interface SearchMeta {
  query: string;
  /** The query with misspelt words replaced by the catalog's words, when the results needed a correction. */
  corrected_query: string | null;
  /** No product matched every word: the results match as many of them as any product does. */
  relaxed: boolean;
  /**
   * Words that no result matched (only when relaxed). Sorted by a field rather than relevance: the words that
   * match nothing in the catalog vocabulary.
   */
  unmatched_words: string[];
}

export interface TextResult {
  rows: ProductView[];
  total: number;
  exact: boolean;
  meta: SearchMeta;
}

interface Plan {
  typed: string[];
  /** Position in `typed` of each word that takes part (stop words drop out, as to_tsquery drops them). */
  positions: number[];
  words: WordQuery[];
  pairs: string[][];
}

/**
 * Text search over the catalog: each word matched against the catalog vocabulary (exact, prefix, compound part,
 * typos), ranked; when no product matches every word, relaxed to the most words any product matches.
 */
export function createTextSearch(db: Database, dictionary: SearchDictionary) {
  async function plan(q: string): Promise<Plan> {
    const typed = words(q);
    const adjacent = typed.flatMap((w, i) => {
      const next = typed[i + 1];
      return next !== undefined && isLetterWord(w) && isLetterWord(next) ? [w + next] : [];
    });
    const letterWords = typed.filter(isLetterWord);
    const probed = letterWords.map((w) => COMPOUND_PROBE + w);
    const asked = [...letterWords, ...adjacent, ...probed];
    const [stems] = await Promise.all([dictionary.stems(asked), dictionary.ready()]);
    const stemOf = new Map(asked.map((w, i) => [w, stems[i] ?? null]));
    const positions: number[] = [];
    const matches = typed.flatMap((w, i) => {
      if (isLetterWord(w) && stemOf.get(w) === null) return [];
      positions.push(i);
      const tail = isLetterWord(w) ? compoundTail(stemOf.get(COMPOUND_PROBE + w) ?? null) : null;
      return [dictionary.matches(w, stemOf.get(w) ?? null, i === typed.length - 1, tail)];
    });
    // A compound the catalog writes as one word, typed as two ("kyckling file" → kycklingfil); while the second
    // word is still being typed, the compounds it begins.
    const pairs = positions.map((at, k) => {
      const next = positions[k + 1];
      if (next !== at + 1) return [];
      const stem = stemOf.get(`${typed[at] ?? ''}${typed[next] ?? ''}`);
      if (!stem) return [];
      const last = next === typed.length - 1;
      return last ? dictionary.withPrefix(stem, 8).slice(0, 8) : dictionary.has(stem) ? [stem] : [];
    });
    const joinedAt = (k: number) => [...(pairs[k - 1] ?? []), ...(pairs[k] ?? [])];
    return { typed, positions, words: matches.map((m, k) => wordQuery(m, joinedAt(k))), pairs };
  }

  /** The full query, then (when it finds nothing) any n − 1 of the words, n − 2, … down to one. */
  async function firstNonEmpty<T extends { total: number }>(
    p: Plan,
    run: (query: RankedQuery) => Promise<T>,
  ): Promise<{ result: T | null; query: RankedQuery | null }> {
    for (let k = p.words.length; k >= 1; k--) {
      const query = rankedQuery(p.words, p.pairs, k);
      if (!query) continue;
      const result = await run(query);
      if (result.total > 0 || k === 1) return { result, query };
    }
    return { result: null, query: null };
  }

  function correction(p: Plan, first: { name: string; brand: string | null }, tiers: (number | null)[]) {
    const typed = [...p.typed];
    let changed = false;
    for (const [k, tier] of tiers.entries()) {
      const misspelt = typed[p.positions[k] ?? -1];
      if (tier === null || tier < 3 || misspelt === undefined) continue;
      const better = closestWord(misspelt, `${first.name} ${first.brand ?? ''}`);
      if (better && better !== misspelt) {
        typed[p.positions[k] ?? -1] = better;
        changed = true;
      }
    }
    return changed ? typed.join(' ') : null;
  }

  return {
    async search(
      q: string,
      filters: ProductFilters,
      visibility: Visibility,
      sort: SortKey[],
      page: Page,
    ): Promise<TextResult> {
      const p = await plan(q);
      const meta: SearchMeta = { query: q, corrected_query: null, relaxed: false, unmatched_words: [] };
      const relaxedMeta = (query: RankedQuery | null, hits: number[] | null) => {
        if (!query?.relaxedTo) return;
        meta.relaxed = true;
        meta.unmatched_words = p.words
          .filter((w, k) => (hits ? hits[k] === 0 : w.full === null))
          .map((w) => w.word);
      };
      if (sort[0]?.field === 'relevance') {
        const { result, query } = await firstNonEmpty(p, (rq) =>
          rankedSearch(db, rq, filters, visibility, sort, page),
        );
        if (!result) return { rows: [], total: 0, exact: true, meta };
        relaxedMeta(query, result.wordHits);
        const first = result.rows[0];
        if (first) meta.corrected_query = correction(p, first, result.tiers[0] ?? []);
        return { rows: result.rows, total: result.total, exact: result.exact, meta };
      }
      // Sorted by a field: the same matches, in that order.
      const { result, query } = await firstNonEmpty(p, (rq) =>
        repo.searchProducts(
          db,
          { kind: 'fulltext', config: 'lexemes', tsquery: rq.full },
          filters,
          visibility,
          sort,
          page,
        ),
      );
      if (!result) return { rows: [], total: 0, exact: true, meta };
      relaxedMeta(query, null);
      return { ...result, meta };
    },
  };
}
