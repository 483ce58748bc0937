import { sql } from 'drizzle-orm';
import {
  boolean,
  char,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { baseColumns, instant } from '../../db/base.js';
import { tsvector, xid8 } from '../../db/types.js';
import { suppliers } from '../organisations/organisations.models.js';

export const VAT_CATEGORIES = ['food', 'standard', 'restaurant_service', 'alcohol'] as const;
export type VatCategory = (typeof VAT_CATEGORIES)[number];
export const vatCategory = pgEnum('vat_category', VAT_CATEGORIES);

export const STORAGE_KINDS = ['frozen', 'chilled', 'ambient'] as const;
export const storageKind = pgEnum('storage_kind', STORAGE_KINDS);

/**
 * A supplier's catalog item. Money in öre (integer, ≥ 1). `search_vector` and `search_key` are generated
 * from the searchable fields, folded by `iris_fold` (lower-case, diacritics removed), so "lok" finds "Lök".
 */
export const products = pgTable(
  'products',
  {
    ...baseColumns('time-ordered'),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    sku: text('sku').notNull(),
    gtin: text('gtin'),
    name: text('name').notNull(),
    description: text('description'),
    brand: text('brand'),
    category: text('category').notNull(),
    unit: text('unit').notNull(),
    packSize: numeric('pack_size', { precision: 12, scale: 3, mode: 'string' }),
    priceCents: integer('price_cents').notNull(),
    currency: char('currency', { length: 3 }).notNull().default('SEK'),
    vatCategory: vatCategory('vat_category').notNull(),
    /** NULL = stock not tracked; never negative. */
    stockQuantity: numeric('stock_quantity', { precision: 14, scale: 3, mode: 'string' }),
    active: boolean('active').notNull().default(true),
    countryOfOrigin: char('country_of_origin', { length: 2 }),
    storage: storageKind('storage'),
    /** Best-before date of the stock on hand, when the product has one: dynamic pricing discounts as it nears. */
    bestBeforeDate: date('best_before_date', { mode: 'string' }),
    imageUrls: text('image_urls')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /**
     * Orders containing the product in the last POPULARITY_DAYS days: the ranking's popularity signal. Written
     * only by the popularity job (never at search time); such a write leaves updated_at alone (migration 0011).
     */
    popularity: integer('popularity').notNull().default(0),
    searchVector: tsvector('search_vector').generatedAlwaysAs(
      sql`setweight(to_tsvector('swedish', iris_fold(name)), 'A') || setweight(to_tsvector('swedish', iris_fold(coalesce(brand, '') || ' ' || category)), 'B') || setweight(to_tsvector('simple', lower(sku) || ' ' || coalesce(gtin, '')), 'A')`,
    ),
    searchKey: text('search_key').generatedAlwaysAs(
      sql`iris_fold(name || ' ' || coalesce(brand, '') || ' ' || sku)`,
    ),
  },
  (t) => [
    uniqueIndex('products_supplier_sku_live_key')
      .on(t.supplierId, t.sku)
      .where(sql`${t.deletedAt} IS NULL`),
    // The spec's trigram index over (name || ' ' || sku).
    index('products_name_sku_trgm_idx').using('gin', sql`(${t.name} || ' ' || ${t.sku}) gin_trgm_ops`),
    index('products_search_vector_idx').using('gin', t.searchVector),
    index('products_sku_prefix_idx').using('btree', sql`lower(${t.sku}) text_pattern_ops`),
    index('products_gtin_idx')
      .on(t.gtin)
      .where(sql`${t.gtin} IS NOT NULL`),
    index('products_listing_idx')
      .on(t.name, t.id)
      .where(sql`${t.deletedAt} IS NULL AND ${t.active}`),
    index('products_category_price_idx')
      .on(t.category, t.priceCents)
      .where(sql`${t.deletedAt} IS NULL AND ${t.active}`),
    // The category filter compares folded names ("kott" finds "Kött"); the index above serves the per-category
    // counts. Migration 0030 adds INCLUDE (category), which Drizzle cannot express: the filter's capped count is then
    // an index-only scan.
    index('products_category_fold_idx')
      .using('btree', sql`iris_fold(${t.category})`, t.priceCents)
      .where(sql`${t.deletedAt} IS NULL AND ${t.active}`),
    index('products_supplier_idx').on(t.supplierId, t.name),
    // Listing sorts other than by name walk these instead of sorting the whole catalog. They hold the name
    // tie-break too, so a deep page is found by an index-only scan before any product row is read.
    index('products_price_name_listing_idx')
      .on(t.priceCents, t.name, t.id)
      .where(sql`${t.deletedAt} IS NULL AND ${t.active}`),
    index('products_created_name_listing_idx')
      .on(t.createdAt, t.name, t.id)
      .where(sql`${t.deletedAt} IS NULL AND ${t.active}`),
    // The popularity job's reset of products no longer ordered reads only those that had a count.
    index('products_popular_idx')
      .on(t.id)
      .where(sql`${t.popularity} > 0`),
    check('products_price_positive', sql`${t.priceCents} >= 1`),
    check('products_stock_non_negative', sql`${t.stockQuantity} IS NULL OR ${t.stockQuantity} >= 0`),
    check('products_currency_code', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/**
 * Where a price came from: the supplier (`manual`, which is also the list price dynamic pricing works from),
 * a dynamic-pricing rule (`dynamic`), or a rollback to the list price (`rollback`).
 */
export const PRICE_SOURCES = ['manual', 'dynamic', 'rollback'] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

/** Every price a product has had, with its validity period [valid_from, valid_to) and what produced it. */
export const productPrices = pgTable(
  'product_prices',
  {
    ...baseColumns('time-ordered'),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    priceCents: integer('price_cents').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    validFrom: instant('valid_from').notNull().defaultNow(),
    validTo: instant('valid_to'),
    source: text('source', { enum: PRICE_SOURCES }).notNull().default('manual'),
    /** The pricing rule and proposal that produced a `dynamic` price, and the inputs it was computed from. */
    pricingRuleId: uuid('pricing_rule_id'),
    pricingProposalId: uuid('pricing_proposal_id'),
    pricingInputs: jsonb('pricing_inputs').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('product_prices_product_idx').on(t.productId, t.validFrom),
    uniqueIndex('product_prices_one_current_key')
      .on(t.productId)
      .where(sql`${t.validTo} IS NULL`),
    check('product_prices_positive', sql`${t.priceCents} >= 1`),
    check('product_prices_period', sql`${t.validTo} IS NULL OR ${t.validTo} > ${t.validFrom}`),
    check('product_prices_source_known', sql`${t.source} IN ('manual', 'dynamic', 'rollback')`),
  ],
);

/** Folded words of the catalog (maintained by trigger) — the small dictionary typos are corrected against. */
export const searchTerms = pgTable(
  'search_terms',
  {
    ...baseColumns(),
    term: text('term').notNull(),
    // The transaction that added the term: a dictionary refresh reads those its previous snapshot did not see.
    xid: xid8('xid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
  },
  (t) => [
    unique('search_terms_term_key').on(t.term),
    index('search_terms_xid_idx').on(t.xid),
    index('search_terms_trgm_idx').using('gin', sql`${t.term} gin_trgm_ops`),
    // Prefix lookups (term LIKE 'stem%') when a search word is expanded into the catalog's own lexemes.
    index('search_terms_term_prefix_idx').using('btree', sql`${t.term} text_pattern_ops`),
  ],
);

/**
 * One row per transaction that wrote catalog content (by statement trigger, migration 0033): the search cache asks
 * whether any of them committed since a snapshot, so an unchanged page is kept rather than computed again.
 */
export const catalogWrites = pgTable(
  'catalog_writes',
  {
    ...baseColumns(),
    xid: xid8('xid').notNull(),
    /** When the prune job first saw the note, so after its commit: pruned an hour after that (migration 0034). */
    seenAt: instant('seen_at'),
  },
  (t) => [unique('catalog_writes_xid_key').on(t.xid), index('catalog_writes_seen_at_idx').on(t.seenAt)],
);

export type ProductRow = typeof products.$inferSelect;
export type ProductInsert = typeof products.$inferInsert;
export type ProductPriceRow = typeof productPrices.$inferSelect;
