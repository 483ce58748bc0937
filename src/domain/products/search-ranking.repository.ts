import { and, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import type { Page } from '../../core/pagination.js';
import { queryRows } from '../../db/rows.js';
import { products } from './products.models.js';
import {
  countCapped,
  listColumns,
  plannerEstimate,
  type ProductFilters,
  type ProductView,
  type SortKey,
  type Visibility,
  whereClause,
} from './products.repository.js';
import type { RankedQuery } from './products.search.js';

/** Relevance is computed within the first this-many matches (or offset + limit, if larger): bounded work per query. */
export const RANK_WINDOW = 1000;

export interface RankedRow extends ProductView {
  /** Per query word, the tier it matched in (0 exact … 4 two typos; products.search TIERS), null if it did not. */
  tiers: (number | null)[];
}

const lexemes = (q: string) => sql`${q}::tsquery`;
const sv = sql.identifier('sv');
const col = (name: string) => sql.identifier(name);
const sortColumn = { name: 'name', price_cents: 'priceCents', created_at: 'createdAt' } as const;

/**
 * One page of a text query ranked as dedicated search engines rank (Meilisearch's rules): words matched, typos,
 * proximity and order, name before brand or category, exact before prefix or compound, then the order-count
 * popularity kept in `products.popularity`, then the shorter name. The ranking is computed within a bounded window
 * of matches, filled first with matches without a typo or compound part, so those are never pushed out of it by
 * fuzzier ones. Visibility and filters (the supplier filter among them) restrict the candidates before ranking.
 * `wordHits`: per word, how many products of the window it matched (zero: it matched nothing).
 */
export async function rankedSearch(
  ex: Executor,
  query: RankedQuery,
  filters: ProductFilters,
  visibility: Visibility,
  sort: SortKey[],
  page: Page,
): Promise<{ rows: RankedRow[]; total: number; exact: boolean; wordHits: number[] }> {
  const base = whereClause({ kind: 'none' }, filters, visibility);
  const window = Math.max(RANK_WINDOW, page.offset + page.limit);
  const columns = sql.join(
    Object.entries(listColumns).map(([name, column]) => sql`${column} AS ${col(name)}`),
    sql`, `,
  );
  const selected = sql`${columns}, ${products.searchVector} AS ${sv}, ${products.popularity} AS popularity`;
  const matchesFull = sql`${products.searchVector} @@ ${lexemes(query.full)}`;
  const strict =
    query.strict === null ? sql`false` : sql`${products.searchVector} @@ ${lexemes(query.strict)}`;
  const loose =
    query.strict === query.full
      ? sql`false`
      : query.strict === null
        ? matchesFull
        : sql`${matchesFull} AND NOT (${strict})`;
  const tierOf = (tiers: (string | null)[]) => {
    const whens = tiers.flatMap((t, i) =>
      t === null ? [] : [sql`WHEN ${sv} @@ ${lexemes(t)} THEN ${sql.raw(String(i))}`],
    );
    return whens.length === 0 ? sql`NULL::int` : sql`CASE ${sql.join(whens, sql` `)} END`;
  };
  const tiers = sql.join(
    query.words.map((w) => tierOf(w.tiers)),
    sql`, `,
  );
  const flag = (q: string | null, whenAbsent: 0 | 1) =>
    q === null ? sql.raw(String(whenAbsent)) : sql`CASE WHEN ${sv} @@ ${lexemes(q)} THEN 0 ELSE 1 END`;
  const hits = sql.join(
    query.words.map((_, i) => sql`count(tiers[${sql.raw(String(i + 1))}]) OVER ()`),
    sql`, `,
  );
  const outColumns = sql.join(
    Object.keys(listColumns).map((name) => col(name)),
    sql`, `,
  );
  const tieBreaks = sort
    .slice(1)
    .flatMap(({ field, descending }) =>
      field === 'relevance' ? [] : [sql`${col(sortColumn[field])} ${sql.raw(descending ? 'DESC' : 'ASC')}`],
    );
  const rows = await queryRows<RankedRow & { matched: number; wordHits: number[] }>(
    ex,
    sql`WITH strict AS (
          SELECT ${selected} FROM ${products} WHERE ${and(base, strict)} LIMIT ${window}
        ), loose AS (
          SELECT ${selected} FROM ${products} WHERE ${and(base, loose)}
          LIMIT greatest(${window} - (SELECT count(*) FROM strict), 0)
        ), scored AS (
          SELECT c.*, ARRAY[${tiers}]::int[] AS tiers, ${flag(query.phrase, 0)} AS proximity,
                 ${flag(query.inName, 1)} AS attribute
          FROM (SELECT * FROM strict UNION ALL SELECT * FROM loose) c
        ), ranked AS (
          SELECT scored.*,
                 (SELECT count(t) FROM unnest(tiers) t) AS words,
                 (SELECT coalesce(sum(greatest(t - 2, 0)), 0) FROM unnest(tiers) t) AS typos,
                 (SELECT coalesce(sum(least(t, 2)), 0) FROM unnest(tiers) t) AS inexact
          FROM scored
        )
        SELECT ${outColumns}, tiers, count(*) OVER ()::int AS matched, ARRAY[${hits}]::int[] AS "wordHits"
        FROM ranked
        ORDER BY words DESC, typos, proximity, attribute, inexact, popularity DESC,
                 ${sql.join([...tieBreaks, sql`length("name")`, sql`"name"`, sql`"id"`], sql`, `)}
        LIMIT ${page.limit} OFFSET ${page.offset}`,
  );
  const first = rows[0];
  // Raw rows carry driver values (timestamps as text): each column maps its own, as Drizzle's selects do.
  const result = rows.map(({ matched: _m, wordHits: _h, tiers: rowTiers, ...row }) => {
    const mapped = Object.fromEntries(
      Object.entries(listColumns).map(([name, column]) => {
        const value = (row as Record<string, unknown>)[name];
        return [name, value === null || value === undefined ? value : column.mapFromDriverValue(value)];
      }),
    ) as unknown as ProductView;
    return { ...mapped, tiers: rowTiers };
  });
  const fullWhere = and(base, matchesFull) as SQL;
  const matched = first?.matched ?? (page.offset > 0 ? await countCapped(ex, fullWhere, window) : 0);
  const wordHits = first?.wordHits ?? query.words.map(() => 0);
  if (matched < window) return { rows: result, total: matched, exact: true, wordHits };
  return {
    rows: result,
    total: Math.max(await plannerEstimate(ex, fullWhere), window),
    exact: false,
    wordHits,
  };
}
