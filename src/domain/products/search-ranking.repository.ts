import { and, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import type { Page } from '../../core/pagination.js';
import { queryPreparedShape, textOf } from '../../db/rows.js';
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
/**
 * Ranked statement shapes run as named prepared statements per process (rows.ts queryPreparedShape): the text varies
 * with the number of words, the broad-word scans, filters and sort (the 1M bench's load: 6 shapes). Each costs
 * about 0.5 MB of server memory per pooled connection that runs it (pg_backend_memory_contexts, 2026-12-03).
 */
const RANKED_SHAPES = 12;

export interface RankedPage {
  rows: ProductView[];
  /** Per row, per query word, the tier it matched in (0 exact … 4 two typos; products.search TIERS), or null. */
  tiers: (number | null)[][];
  total: number;
  exact: boolean;
  wordHits: number[];
}

const lexemes = (q: string | null) => sql`${q}::tsquery`;
const col = (name: string) => sql.identifier(name);
const outputColumns = Object.entries(listColumns);

/** Raw rows carry driver values (timestamps as text): each column maps its own, as Drizzle's selects do. */
function fromDriver(row: object): ProductView {
  const view: Record<string, unknown> = {};
  for (const [name, column] of outputColumns) {
    const value = (row as Record<string, unknown>)[name];
    view[name] = value === null || value === undefined ? value : column.mapFromDriverValue(value);
  }
  return view as unknown as ProductView;
}

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
): Promise<RankedPage> {
  const base = whereClause({ kind: 'none' }, filters, visibility);
  const window = Math.max(RANK_WINDOW, page.offset + page.limit);
  // Unqualified: every scan reads the products table alone, and a raw chunk is cheaper to render than a column.
  const sv = sql.raw('search_vector');
  const matchesFull = sql`${sv} @@ ${lexemes(query.full)}`;
  // Every tsquery is a parameter, NULL where the query has none (a NULL match is no match), so the statement's
  // text depends only on the number of words and runs as one of a few named prepared statements.
  const matches = (q: string | null) => sql`${sv} @@ ${lexemes(q)}`;
  const matchesOrFalse = (q: string | null) => sql`coalesce(${sv} @@ ${lexemes(q)}, false)`;
  // The index finds the rows of `indexed` (a superset without broad words' conditions), each row is checked against
  // `q`: ts_match_vq is `@@` as a function, which the planner does not take to the index.
  const twoPart = (indexed: string | null, q: string | null) =>
    !(q === null || indexed === null || indexed === q);
  const scanned = (indexed: string | null, q: string | null) =>
    twoPart(indexed, q)
      ? sql`${sv} @@ ${lexemes(indexed)} AND ts_match_vq(${sv}, ${lexemes(q)})`
      : matches(q);
  const strictScan = scanned(query.scan.strict, query.strict);
  const notStrict = sql`NOT ${matchesOrFalse(query.strict)}`;
  const compound = sql`${scanned(query.scan.compound, query.compound)} AND ${notStrict}`;
  const typo = sql`${scanned(query.scan.typo, query.typo)} AND ${notStrict} AND NOT ${matchesOrFalse(query.compound)}`;
  const pageEnd = page.offset + page.limit;
  const tierOf = (tiers: (string | null)[]) =>
    sql`CASE ${sql.join(
      tiers.map((t, i) => sql`WHEN ${sv} @@ ${lexemes(t)} THEN ${sql.raw(String(i))}`),
      sql` `,
    )} END`;
  const flag = (q: string | null, whenAbsent: 0 | 1) =>
    sql`coalesce((NOT ${matches(q)})::int, ${sql.raw(String(whenAbsent))})`;
  const t = query.words.map((_, i) => col(`t${i + 1}`));
  // Only what ranking reads is carried through the window (one tier column per word, no arrays, no subqueries);
  // the page's own rows are read in full at the end.
  const tieColumns = [
    ...new Set(sort.slice(1).flatMap(({ field }) => (field === 'relevance' ? [] : [field]))),
  ];
  // The tie-break fields are the columns of the same name.
  const plainColumns = ['id', 'popularity', 'name', ...tieColumns.filter((f) => f !== 'name')].join(', ');
  const carried = sql.join(
    [
      sql.raw(plainColumns),
      ...query.words.map((w, i) => sql`${tierOf(w.tiers)} AS ${t[i]}`),
      sql`${flag(query.phrase, 0)} AS proximity`,
      sql`${flag(query.inName, 1)} AS attribute`,
    ],
    sql`, `,
  );
  // What the strict and compound scans pass up to `carried`, computed once over both.
  const scanColumns = sql.raw(`${plainColumns}, search_vector`);
  const sum = (parts: SQL[]) => sql.join(parts, sql` + `);
  const words = sum(t.map((c) => sql`(${c} IS NOT NULL)::int`));
  const typos = sum(t.map((c) => sql`greatest(coalesce(${c}, 0) - 2, 0)`));
  const inexact = sum(t.map((c) => sql`least(coalesce(${c}, 0), 2)`));
  const hits = sql.join(
    t.map((c) => sql`count(${c}) OVER ()`),
    sql`, `,
  );
  const extraColumns = tieColumns.filter((f) => f !== 'name').map((f) => col(f));
  // The ranking, once over the window and again over the page's rows after they are read in full.
  const order = (of: string) => {
    const c = (name: string) => (of ? sql`${col(of)}.${col(name)}` : col(name));
    return sql.join(
      [
        sql`${c('words')} DESC, ${c('typos')}, ${c('proximity')}, ${c('attribute')}, ${c('inexact')}`,
        sql`${c('popularity')} DESC`,
        ...sort
          .slice(1)
          .flatMap(({ field, descending }) =>
            field === 'relevance' ? [] : [sql`${c(field)} ${sql.raw(descending ? 'DESC' : 'ASC')}`],
          ),
        sql`length(${c('name')}), ${c('name')}, ${c('id')}`,
      ],
      sql`, `,
    );
  };
  const outColumns = sql.join(
    Object.entries(listColumns).map(([name, column]) => sql`${column} AS ${col(name)}`),
    sql`, `,
  );
  const rows = await queryPreparedShape<{
    tiers: (number | null)[];
    matched: number;
    wordHits: number[];
    typo_free: number;
  }>(
    ex,
    'products.ranked',
    // What the text depends on besides the words' count: the filters, the scans' forms, the sort, the tiers.
    [
      query.words.map((w) => w.tiers.length).join(','),
      twoPart(query.scan.strict, query.strict),
      twoPart(query.scan.compound, query.compound),
      twoPart(query.scan.typo, query.typo),
      sort.map((k) => `${k.field}${k.descending ? '-' : '+'}`).join(','),
      textOf(base),
    ].join('|'),
    // The compound-part matches fill what the strict ones leave of the window: the LIMIT over both stops reading as
    // soon as the window is full, so their scan never starts when the strict matches fill it.
    sql`WITH found AS (
          SELECT ${carried}, is_strict FROM (
            (SELECT ${scanColumns}, true AS is_strict FROM ${products} WHERE ${and(base, strictScan)} LIMIT ${window})
            UNION ALL
            (SELECT ${scanColumns}, false FROM ${products} WHERE ${and(base, compound)} LIMIT ${window})
          ) s LIMIT ${window}
        ), filled AS (
          SELECT count(*) AS taken, count(*) FILTER (WHERE is_strict OR ${typos} = 0) AS typo_free FROM found
        ), typo AS (
          SELECT ${carried}, false FROM ${products} WHERE ${and(base, typo)}
          LIMIT (SELECT CASE WHEN typo_free < ${pageEnd} THEN greatest(${window} - taken, 0) ELSE 0 END FROM filled)
        ), candidates AS (
          SELECT * FROM found UNION ALL SELECT * FROM typo
        ), ranked AS (
          SELECT c.*, ${words} AS words, ${typos} AS typos, ${inexact} AS inexact
          FROM candidates c
        ), page AS (
          SELECT ${sql.join(
            [
              ...['id', 'words', 'typos', 'proximity', 'attribute', 'inexact', 'popularity', 'name'].map(col),
              ...extraColumns,
            ],
            sql`, `,
          )},
                 ARRAY[${sql.join(t, sql`, `)}]::int[] AS tiers,
                 count(*) OVER ()::int AS matched, ARRAY[${hits}]::int[] AS "wordHits",
                 (SELECT typo_free FROM filled)::int AS typo_free
          FROM ranked ORDER BY ${order('')} LIMIT ${page.limit} OFFSET ${page.offset}
        )
        SELECT ${outColumns}, page.tiers, page.matched, page."wordHits", page.typo_free
        FROM page JOIN ${products} ON ${products.id} = page.id
        ORDER BY ${order('page')}`,
    RANKED_SHAPES,
  );
  const first = rows[0];
  const result = rows.map(fromDriver);
  const tiers = rows.map((row) => row.tiers);
  const fullWhere = and(base, matchesFull) as SQL;
  const matched = first?.matched ?? (page.offset > 0 ? await countCapped(ex, fullWhere, window) : 0);
  const wordHits = first?.wordHits ?? query.words.map(() => 0);
  // Matches with a typo were not looked for when those without one filled the page: the count leaves them out.
  const typosLeftOut = query.typo !== null && (first?.typo_free ?? 0) >= pageEnd;
  if (matched < window) return { rows: result, tiers, total: matched, exact: !typosLeftOut, wordHits };
  return {
    rows: result,
    tiers,
    total: Math.max(await plannerEstimate(ex, fullWhere), window),
    exact: false,
    wordHits,
  };
}
