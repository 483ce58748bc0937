import { and, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import type { Page } from '../../core/pagination.js';
import { queryPreparedShape, render } from '../../db/rows.js';
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

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const outputColumns = Object.entries(listColumns);
// The statement's fixed parts, rendered once.
const PRODUCTS = render(sql`${products}`).text;
const PRODUCT_ID = render(sql`${products.id}`).text;
const OUT_COLUMNS = outputColumns
  .map(([name, column]) => `${render(sql`${column}`).text} AS ${ident(name)}`)
  .join(', ');

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
 * Parameters of a hand-written statement, after the filter's own: each name takes one placeholder at its first use,
 * so the text depends only on which names the statement uses, never on the values.
 */
function parameters(first: unknown[]) {
  const values = [...first];
  const slots = new Map<string, string>();
  return {
    values,
    bind(name: string, value: unknown): string {
      let slot = slots.get(name);
      if (slot === undefined) {
        values.push(value);
        slot = `$${values.length}`;
        slots.set(name, slot);
      }
      return slot;
    },
  };
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
  const where = whereClause({ kind: 'none' }, filters, visibility);
  const base = render(where);
  const window = Math.max(RANK_WINDOW, page.offset + page.limit);
  const pageEnd = page.offset + page.limit;
  // The statement is written as text rather than composed of Drizzle parts: rendering those cost the API more than
  // the database's execution of the prepared plan. Every tsquery is a parameter, NULL where the query has none (a
  // NULL match is no match), so the text depends only on the number of words, the scans' forms, the filters and the
  // sort, and runs as one of a few named prepared statements.
  const p = parameters(base.values);
  const filter = `(${base.text})`;
  // Unqualified: every scan reads the products table alone.
  const matches = (name: string, q: string | null) => `search_vector @@ ${p.bind(name, q)}::tsquery`;
  const matchesOrFalse = (name: string, q: string | null) => `coalesce(${matches(name, q)}, false)`;
  // The index finds the rows of `indexed` (a superset without broad words' conditions), each row is checked against
  // `q`: ts_match_vq is `@@` as a function, which the planner does not take to the index.
  const twoPart = (indexed: string | null, q: string | null) =>
    !(q === null || indexed === null || indexed === q);
  const scanned = (name: string, indexed: string | null, q: string | null) =>
    twoPart(indexed, q)
      ? `${matches(`${name}_scan`, indexed)} AND ts_match_vq(search_vector, ${p.bind(name, q)}::tsquery)`
      : matches(name, q);
  const strictScan = scanned('strict', query.scan.strict, query.strict);
  const notStrict = `NOT ${matchesOrFalse('strict', query.strict)}`;
  const compound = `${scanned('compound', query.scan.compound, query.compound)} AND ${notStrict}`;
  const typo = `${scanned('typo', query.scan.typo, query.typo)} AND ${notStrict} AND NOT ${matchesOrFalse('compound', query.compound)}`;
  const windowSlot = p.bind('window', window);
  const t = query.words.map((_, i) => ident(`t${i + 1}`));
  const tierOf = (word: number, tiers: (string | null)[]) =>
    `CASE ${tiers.map((q, i) => `WHEN ${matches(`w${word}_${i}`, q)} THEN ${i}`).join(' ')} END`;
  const flag = (name: string, q: string | null, whenAbsent: 0 | 1) =>
    `coalesce((NOT ${matches(name, q)})::int, ${whenAbsent})`;
  // Only what ranking reads is carried through the window (one tier column per word, no arrays, no subqueries);
  // the page's own rows are read in full at the end. The tie-break fields are the columns of the same name.
  const tieFields = [
    ...new Set(sort.slice(1).flatMap(({ field }) => (field === 'relevance' ? [] : [field]))),
  ];
  const extraColumns = tieFields.filter((f) => f !== 'name').map(ident);
  const plainColumns = ['id', 'popularity', 'name', ...extraColumns].join(', ');
  const carried = [
    plainColumns,
    ...query.words.map((w, i) => `${tierOf(i, w.tiers)} AS ${t[i]}`),
    `${flag('phrase', query.phrase, 0)} AS proximity`,
    `${flag('in_name', query.inName, 1)} AS attribute`,
  ].join(', ');
  // What the strict and compound scans pass up to `carried`, computed once over both.
  const scanColumns = `${plainColumns}, search_vector`;
  const words = t.map((c) => `(${c} IS NOT NULL)::int`).join(' + ');
  const typos = t.map((c) => `greatest(coalesce(${c}, 0) - 2, 0)`).join(' + ');
  const inexact = t.map((c) => `least(coalesce(${c}, 0), 2)`).join(' + ');
  const hits = t.map((c) => `count(${c}) OVER ()`).join(', ');
  // The ranking, once over the window and again over the page's rows after they are read in full.
  const order = (of: string) => {
    const c = (name: string) => (of ? `${of}.${ident(name)}` : ident(name));
    return [
      `${c('words')} DESC, ${c('typos')}, ${c('proximity')}, ${c('attribute')}, ${c('inexact')}`,
      `${c('popularity')} DESC`,
      ...sort
        .slice(1)
        .flatMap(({ field, descending }) =>
          field === 'relevance' ? [] : [`${c(field)} ${descending ? 'DESC' : 'ASC'}`],
        ),
      `length(${c('name')}), ${c('name')}, ${c('id')}`,
    ].join(', ');
  };
  const pageColumns = [
    ...['id', 'words', 'typos', 'proximity', 'attribute', 'inexact', 'popularity', 'name'].map(ident),
    ...extraColumns,
  ].join(', ');
  // The compound-part matches fill what the strict ones leave of the window: the LIMIT over both stops reading as
  // soon as the window is full, so their scan never starts when the strict matches fill it.
  const text = `WITH found AS (
      SELECT ${carried}, is_strict FROM (
        (SELECT ${scanColumns}, true AS is_strict FROM ${PRODUCTS} WHERE ${filter} AND (${strictScan}) LIMIT ${windowSlot})
        UNION ALL
        (SELECT ${scanColumns}, false FROM ${PRODUCTS} WHERE ${filter} AND (${compound}) LIMIT ${windowSlot})
      ) s LIMIT ${windowSlot}
    ), filled AS (
      SELECT count(*) AS taken, count(*) FILTER (WHERE is_strict OR ${typos} = 0) AS typo_free FROM found
    ), typo AS (
      SELECT ${carried}, false FROM ${PRODUCTS} WHERE ${filter} AND (${typo})
      LIMIT (SELECT CASE WHEN typo_free < ${p.bind('page_end', pageEnd)} THEN greatest(${windowSlot} - taken, 0) ELSE 0 END FROM filled)
    ), candidates AS (
      SELECT * FROM found UNION ALL SELECT * FROM typo
    ), ranked AS (
      SELECT c.*, ${words} AS words, ${typos} AS typos, ${inexact} AS inexact FROM candidates c
    ), page AS (
      SELECT ${pageColumns}, ARRAY[${t.join(', ')}]::int[] AS tiers,
             count(*) OVER ()::int AS matched, ARRAY[${hits}]::int[] AS "wordHits",
             (SELECT typo_free FROM filled)::int AS typo_free
      FROM ranked ORDER BY ${order('')} LIMIT ${p.bind('limit', page.limit)} OFFSET ${p.bind('offset', page.offset)}
    )
    SELECT ${OUT_COLUMNS}, page.tiers, page.matched, page."wordHits", page.typo_free
    FROM page JOIN ${PRODUCTS} ON ${PRODUCT_ID} = page.id
    ORDER BY ${order('page')}`;
  const rows = await queryPreparedShape<{
    tiers: (number | null)[];
    matched: number;
    wordHits: number[];
    typo_free: number;
  }>(ex, 'products.ranked', text, p.values, RANKED_SHAPES);
  const first = rows[0];
  const result = rows.map(fromDriver);
  const tiers = rows.map((row) => row.tiers);
  // Only for a count or an estimate of the matches: rare enough to be composed of parts.
  const fullWhere = and(where, sql`search_vector @@ ${query.full}::tsquery`) as SQL;
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
