import {
  and,
  asc,
  desc,
  eq,
  gte,
  inArray,
  isNotNull,
  isNull,
  lte,
  notInArray,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import type { Page } from '../../core/pagination.js';
import { queryRows } from '../../db/rows.js';
import { suppliers } from '../organisations/organisations.models.js';
import {
  type PriceSource,
  type ProductInsert,
  type ProductRow,
  productPrices,
  products,
} from './products.models.js';

/** How `q` is matched: a full-text query (Swedish stemming or pre-stemmed lexemes), or a SKU/GTIN prefix. */
export type Match =
  | { kind: 'none' }
  | { kind: 'fulltext'; config: 'swedish' | 'simple' | 'lexemes'; tsquery: string }
  | { kind: 'code'; prefix: string };

export interface ProductFilters {
  category?: string | undefined;
  supplierId?: string | undefined;
  minPriceCents?: number | undefined;
  maxPriceCents?: number | undefined;
  inStock?: boolean | undefined;
  active?: boolean | undefined;
}

/**
 * Who is looking: admins see everything live; others see active products, plus inactive ones of their
 * suppliers. `deletedSupplierIds` (normally empty) hides the catalog of soft-deleted suppliers without a join,
 * which keeps the planner's row estimates — and so its plans — those of the products table alone.
 */
export type Visibility = { deletedSupplierIds: string[] } & (
  { all: true } | { all: false; ownSupplierIds: string[] }
);

export type SortField = 'name' | 'price_cents' | 'created_at' | 'relevance';
export type SortKey = { field: SortField; descending: boolean };

/** Beyond this many matches the total is the planner's estimate, flagged as such, instead of a full count. */
export const EXACT_COUNT_CAP = 1000;

/** `lexemes` is a tsquery of catalog lexemes, taken as written; the others are normalised by that configuration. */
const tsquery = (m: Extract<Match, { kind: 'fulltext' }>) =>
  m.config === 'lexemes'
    ? sql`${m.tsquery}::tsquery`
    : sql`to_tsquery(${sql.raw(`'${m.config}'`)}, ${m.tsquery})`;

export function whereClause(match: Match, f: ProductFilters, v: Visibility): SQL {
  const liveSupplier =
    v.deletedSupplierIds.length > 0 ? notInArray(products.supplierId, v.deletedSupplierIds) : undefined;
  const visible = v.all
    ? undefined
    : v.ownSupplierIds.length > 0
      ? or(eq(products.active, true), inArray(products.supplierId, v.ownSupplierIds))
      : eq(products.active, true);
  const matched =
    match.kind === 'fulltext'
      ? sql`${products.searchVector} @@ ${tsquery(match)}`
      : match.kind === 'code'
        ? or(
            sql`lower(${products.sku}) LIKE ${`${match.prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`,
            eq(products.gtin, match.prefix),
          )
        : undefined;
  return and(
    isNull(products.deletedAt),
    liveSupplier,
    visible,
    matched,
    f.category ? sql`iris_fold(${products.category}) = iris_fold(${f.category})` : undefined,
    f.supplierId ? eq(products.supplierId, f.supplierId) : undefined,
    f.minPriceCents !== undefined ? gte(products.priceCents, f.minPriceCents) : undefined,
    f.maxPriceCents !== undefined ? lte(products.priceCents, f.maxPriceCents) : undefined,
    f.inStock === true
      ? sql`(${products.stockQuantity} IS NULL OR ${products.stockQuantity} > 0)`
      : undefined,
    f.inStock === false ? sql`${products.stockQuantity} = 0` : undefined,
    f.active !== undefined ? eq(products.active, f.active) : undefined,
  ) as SQL;
}

function orderBy(match: Match, sort: SortKey[]): SQL[] {
  const keys = sort.flatMap(({ field, descending }): SQL[] => {
    const dir = descending ? desc : asc;
    switch (field) {
      case 'relevance':
        // Ranked searches go through rankedSearch; here relevance is only a later sort key.
        return match.kind === 'fulltext'
          ? [sql`ts_rank(${products.searchVector}, ${tsquery(match)}) DESC`]
          : [];
      case 'name':
        return [dir(products.name)];
      case 'price_cents':
        return [dir(products.priceCents)];
      case 'created_at':
        return [dir(products.createdAt)];
    }
  });
  const named = sort.some((k) => k.field === 'name');
  return [...keys, ...(named ? [] : [asc(products.name)]), asc(products.id)];
}

export const listColumns = {
  id: products.id,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt,
  deletedAt: products.deletedAt,
  supplierId: products.supplierId,
  sku: products.sku,
  gtin: products.gtin,
  name: products.name,
  description: products.description,
  brand: products.brand,
  category: products.category,
  unit: products.unit,
  packSize: products.packSize,
  priceCents: products.priceCents,
  currency: products.currency,
  vatCategory: products.vatCategory,
  stockQuantity: products.stockQuantity,
  active: products.active,
  countryOfOrigin: products.countryOfOrigin,
  storage: products.storage,
  bestBeforeDate: products.bestBeforeDate,
  imageUrls: products.imageUrls,
};
export type ProductView = Omit<ProductRow, 'searchVector' | 'searchKey' | 'popularity'>;

export async function plannerEstimate(ex: Executor, where: SQL): Promise<number> {
  const [plan] = await queryRows<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(
    ex,
    sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${products} WHERE ${where}`,
  );
  return Math.round(plan?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
}

/**
 * One page of matches and their total. Full-text matches sorted by relevance are ranked within a bounded
 * candidate set; everything else is an index-ordered scan. Totals are exact up to EXACT_COUNT_CAP (or the rank
 * window) and the planner's estimate beyond, flagged with exact=false.
 */
export async function searchProducts(
  ex: Executor,
  match: Match,
  filters: ProductFilters,
  visibility: Visibility,
  sort: SortKey[],
  page: Page,
): Promise<{ rows: ProductView[]; total: number; exact: boolean }> {
  const where = whereClause(match, filters, visibility);

  // The capped count comes first because it also decides how to build the page: few matches must not be served
  // by walking a sort index in the hope of meeting a page of them early (for a SKU prefix that matched nothing the
  // planner walked all million rows of the name index: 3.8 s), so they are fetched through their own index and
  // sorted; many matches are a walk of a listing index, by a deferred join from DEFERRED_JOIN_OFFSET on.
  const order = orderBy(match, sort);
  const counted = await countCapped(ex, where, EXACT_COUNT_CAP);
  if (counted <= EXACT_COUNT_CAP) {
    const rows = counted > page.offset ? await fewMatchesPage(ex, where, order, page) : [];
    return { rows, total: counted, exact: true };
  }
  const rows =
    page.offset < DEFERRED_JOIN_OFFSET
      ? await ex
          .select(listColumns)
          .from(products)
          .where(where)
          .orderBy(...order)
          .limit(page.limit)
          .offset(page.offset)
      : await deepPage(ex, where, order, page);
  return {
    rows,
    total: Math.max(await plannerEstimate(ex, where), EXACT_COUNT_CAP + 1, page.offset + rows.length),
    exact: false,
  };
}

/**
 * A page of at most EXACT_COUNT_CAP + 1 matches: their ids are collected first (the LIMIT keeps the planner from
 * merging that step into an ordered walk of a listing index), then only those rows are sorted.
 */
function fewMatchesPage(ex: Executor, where: SQL, order: SQL[], page: Page): Promise<ProductView[]> {
  const few = ex.$with('few').as(
    ex
      .select({ id: products.id })
      .from(products)
      .where(where)
      .limit(EXACT_COUNT_CAP + 1),
  );
  return ex
    .with(few)
    .select(listColumns)
    .from(products)
    .where(inArray(products.id, ex.select({ id: few.id }).from(few)))
    .orderBy(...order)
    .limit(page.limit)
    .offset(page.offset);
}

/** From this offset on, a page is found by a deferred join (`deepPage`). */
const DEFERRED_JOIN_OFFSET = 500;

/**
 * A deep page by a deferred join: the page's ids come from an index-only walk of a listing index, so the
 * offset skips index entries rather than product rows, and only the page's own rows are read.
 */
function deepPage(ex: Executor, where: SQL, order: SQL[], page: Page): Promise<ProductView[]> {
  const pageIds = ex.$with('page_ids').as(
    ex
      .select({ id: products.id })
      .from(products)
      .where(where)
      .orderBy(...order)
      .limit(page.limit)
      .offset(page.offset),
  );
  return ex
    .with(pageIds)
    .select(listColumns)
    .from(products)
    .innerJoin(pageIds, eq(products.id, pageIds.id))
    .orderBy(...order);
}

/** Counts matches, stopping after cap + 1: a large result is never scanned in full to be counted. */
export async function countCapped(ex: Executor, where: SQL, cap: number): Promise<number> {
  const [capped] = await queryRows<{ n: number }>(
    ex,
    sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${products} WHERE ${where} LIMIT ${cap + 1}) capped`,
  );
  return capped?.n ?? 0;
}

/** Ids of soft-deleted suppliers (normally none), whose catalogs are hidden. */
export async function deletedSupplierIds(ex: Executor): Promise<string[]> {
  // Ordered: the list is part of every search page's cache key.
  const rows = await ex
    .select({ id: suppliers.id })
    .from(suppliers)
    .where(isNotNull(suppliers.deletedAt))
    .orderBy(suppliers.id);
  return rows.map((r) => r.id);
}

/** The parts of products that change without a catalog write (stock moves with every order), by id. */
export async function liveStock(
  ex: Executor,
  ids: string[],
): Promise<{ id: string; stockQuantity: string | null; updatedAt: Date }[]> {
  if (ids.length === 0) return [];
  return ex
    .select({ id: products.id, stockQuantity: products.stockQuantity, updatedAt: products.updatedAt })
    .from(products)
    .where(inArray(products.id, ids));
}

export async function findProduct(ex: Executor, id: string): Promise<ProductView | undefined> {
  const [row] = await ex
    .select(listColumns)
    .from(products)
    .where(and(eq(products.id, id), isNull(products.deletedAt)));
  return row;
}

/** Locks live products in id order (a fixed order, so concurrent lockers never deadlock). */
export async function lockProducts(tx: Transaction, ids: string[]): Promise<ProductView[]> {
  if (ids.length === 0) return [];
  return tx
    .select(listColumns)
    .from(products)
    .where(and(inArray(products.id, ids), isNull(products.deletedAt)))
    .orderBy(asc(products.id))
    .for('update');
}

/** Locks a supplier's live products with the given SKUs (bulk upsert), in id order like every product lock. */
export async function lockBySkus(
  tx: Transaction,
  supplierId: string,
  skus: string[],
): Promise<ProductView[]> {
  if (skus.length === 0) return [];
  return tx
    .select(listColumns)
    .from(products)
    .where(and(eq(products.supplierId, supplierId), inArray(products.sku, skus), isNull(products.deletedAt)))
    .orderBy(asc(products.id))
    .for('update');
}

export async function insertProducts(ex: Executor, values: ProductInsert[]): Promise<ProductView[]> {
  if (values.length === 0) return [];
  return ex.insert(products).values(values).returning(listColumns);
}

export async function updateProduct(
  ex: Executor,
  id: string,
  values: Partial<ProductInsert>,
): Promise<ProductView | undefined> {
  const [row] = await ex
    .update(products)
    .set(values)
    .where(and(eq(products.id, id), isNull(products.deletedAt)))
    .returning(listColumns);
  return row;
}

export async function softDeleteProduct(ex: Executor, id: string): Promise<boolean> {
  const rows = await ex
    .update(products)
    .set({ deletedAt: sql`now()` })
    .where(and(eq(products.id, id), isNull(products.deletedAt)))
    .returning({ id: products.id });
  return rows.length > 0;
}

export interface PriceChange {
  productId: string;
  priceCents: number;
  currency: string;
  /** Default `manual`: the supplier's own price, the list price dynamic pricing starts from. */
  source?: PriceSource;
  pricingRuleId?: string | null;
  pricingProposalId?: string | null;
  pricingInputs?: Record<string, unknown> | null;
}

/** Closes the current price period of each product and opens a new one, at the same instant. */
export async function recordPrices(tx: Transaction, changes: PriceChange[]) {
  if (changes.length === 0) return;
  const ids = changes.map((c) => c.productId);
  await tx
    .update(productPrices)
    .set({ validTo: sql`now()` })
    .where(and(inArray(productPrices.productId, ids), isNull(productPrices.validTo)));
  await tx.insert(productPrices).values(changes.map((c) => ({ ...c, validFrom: sql`now()` })));
}

export async function priceHistory(ex: Executor, productId: string) {
  return ex
    .select()
    .from(productPrices)
    .where(eq(productPrices.productId, productId))
    .orderBy(desc(productPrices.validFrom));
}

/** The price in force at an instant: "what did this cost on date X". */
export async function priceAt(
  ex: Executor,
  productId: string,
  at: Date,
): Promise<{ priceCents: number; currency: string } | undefined> {
  const [row] = await ex
    .select({ priceCents: productPrices.priceCents, currency: productPrices.currency })
    .from(productPrices)
    .where(
      and(
        eq(productPrices.productId, productId),
        lte(productPrices.validFrom, at),
        or(isNull(productPrices.validTo), sql`${productPrices.validTo} > ${at.toISOString()}`),
      ),
    );
  return row;
}
