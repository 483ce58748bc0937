import type { UserContext } from '../../core/context.js';
import type { Database, Executor } from '../../core/db.types.js';
import type { DomainEvent } from '../../core/events.js';
import { isUniqueViolation } from '../../core/errors.js';
import type { Page } from '../../core/pagination.js';
import { recordAudit } from '../audit/audit.service.js';
import { insertOutboxEvents } from '../outbox/outbox.repository.js';
import { manualPriceChange, productToDto, toColumns } from './products.mapper.js';
import { findLiveOrg, findMembership, memberOrgIds } from '../organisations/organisations.repository.js';
import { badQuery, bulkInvalid, productNotFound, skuTaken, supplierNotFound } from './products.errors.js';
import type { ProductInsert } from './products.models.js';
import * as repo from './products.repository.js';
import type { ProductView, SortKey, Visibility } from './products.repository.js';
import { createTextSearch, type SearchMeta } from './catalog-search.js';
import { checkBulkRows } from './bulk-rows.js';
import { createCategoryCounts } from './categories.js';
import { SearchDictionary } from './search-dictionary.js';
import type { SearchCacheSettings } from './search-cache.js';
import { createSearchPages, type SearchPage } from './search-pages.js';
import type { SearchWarmup, WarmupStatus } from './search-warmup.js';
import {
  type ProductCreate,
  type ProductDto,
  type ProductQuery,
  type ProductUpdate,
} from './products.schemas.js';
import { TtlCache } from '../../core/ttl-cache.js';
import { looksLikeCode } from './products.search.js';

/** How long the list of soft-deleted suppliers is reused by search. */
const DELETED_SUPPLIERS_TTL_MS = 5_000;

function parseSort(raw: string | undefined, hasQuery: boolean): SortKey[] {
  if (!raw)
    return hasQuery ? [{ field: 'relevance', descending: false }] : [{ field: 'name', descending: false }];
  return raw.split(',').map((part) => {
    const descending = part.startsWith('-');
    const field = (descending ? part.slice(1) : part) as SortKey['field'];
    if (field === 'relevance' && !hasQuery)
      throw badQuery('query.sort', 'sort=relevance needs a search query q');
    return { field, descending };
  });
}

/**
 * Catalog (spec §4): suppliers' members manage their own products; everyone signed in searches.
 * A product or supplier the caller may not touch answers exactly like one that does not exist.
 */
export function createProductService(deps: {
  db: Database;
  cache?: SearchCacheSettings;
  /** Counts searches and warms a starting instance's cache with the most asked (search-warmup.ts). */
  warmup?: SearchWarmup;
  now?: () => number;
}) {
  const { db } = deps;
  // Search pages: popular queries are answered without the database (search-cache.ts). Every catalog write in this
  // instance clears the cache; other instances' and workers' writes are seen within the TTL. Orders always price
  // from the database.
  const dictionary = new SearchDictionary(db, deps.now);
  const searchPages = createSearchPages({
    db,
    settings: deps.cache,
    dictionary,
    warmup: deps.warmup,
    now: deps.now,
  });
  const text = createTextSearch(db, dictionary);
  const categories = createCategoryCounts(db, deps.cache);

  // Soft-deleted suppliers change rarely; reading them at most every few seconds keeps a cached search page free
  // of database round trips. A deleted supplier's products may show in search for up to that long.
  const deletedSuppliers = new TtlCache<string[]>(DELETED_SUPPLIERS_TTL_MS, 1);
  async function deletedSupplierIds(): Promise<string[]> {
    const cached = deletedSuppliers.get('all');
    if (cached) return cached;
    const ids = await repo.deletedSupplierIds(db);
    deletedSuppliers.set('all', ids);
    return ids;
  }

  /** What every restaurant sees alike: active products of live suppliers. */
  const restaurantView = async (): Promise<Visibility> => ({
    all: false,
    ownSupplierIds: [],
    deletedSupplierIds: await deletedSupplierIds(),
  });

  async function visibilityOf(ctx: UserContext): Promise<Visibility> {
    if (ctx.principal.role !== 'ADMIN' && ctx.principal.role !== 'SUPPLIER') return restaurantView();
    const deleted = await deletedSupplierIds();
    if (ctx.principal.role === 'ADMIN') return { all: true, deletedSupplierIds: deleted };
    return {
      all: false,
      ownSupplierIds: await memberOrgIds(db, 'supplier', ctx.principal.accountId),
      deletedSupplierIds: deleted,
    };
  }

  /** Admins, or members of the live supplier; anyone else is told the supplier does not exist. */
  async function assertSupplierMember(ex: Executor, ctx: UserContext, supplierId: string): Promise<void> {
    if (!(await findLiveOrg(ex, 'supplier', supplierId))) throw supplierNotFound(supplierId);
    if (ctx.principal.role === 'ADMIN') return;
    if (!(await findMembership(ex, 'supplier', ctx.principal.accountId, supplierId)))
      throw supplierNotFound(supplierId);
  }

  async function visibleProduct(ctx: UserContext, id: string): Promise<ProductView> {
    const product = await repo.findProduct(db, id);
    if (!product || !(await findLiveOrg(db, 'supplier', product.supplierId))) throw productNotFound(id);
    if (product.active || ctx.principal.role === 'ADMIN') return product;
    if (!(await findMembership(db, 'supplier', ctx.principal.accountId, product.supplierId)))
      throw productNotFound(id);
    return product;
  }

  async function managedProduct(ex: Executor, ctx: UserContext, id: string): Promise<ProductView> {
    const product = await repo.findProduct(ex, id);
    if (!product) throw productNotFound(id);
    if (
      ctx.principal.role !== 'ADMIN' &&
      !(await findMembership(ex, 'supplier', ctx.principal.accountId, product.supplierId))
    ) {
      throw productNotFound(id);
    }
    return product;
  }

  /** One search page from the database (`search` checks the cache first). */
  async function answer(query: ProductQuery, visibility: Visibility): Promise<SearchPage> {
    const filters = {
      category: query.category,
      supplierId: query.supplier_id,
      minPriceCents: query.min_price_cents,
      maxPriceCents: query.max_price_cents,
      inStock: query.in_stock,
      active: query.active,
    };
    const page: Page = { limit: query.limit, offset: query.offset };
    const sort = parseSort(query.sort, query.q !== undefined);
    let result: { rows: ProductView[]; total: number; exact: boolean; meta?: SearchMeta } | undefined;
    if (query.q !== undefined && looksLikeCode(query.q)) {
      result = await repo.searchProducts(
        db,
        { kind: 'code', prefix: query.q },
        filters,
        visibility,
        sort,
        page,
      );
      if (result.total === 0) result = undefined;
    }
    result ??=
      query.q === undefined
        ? await repo.searchProducts(db, { kind: 'none' }, filters, visibility, sort, page)
        : await text.search(query.q, filters, visibility, sort, page);
    return {
      data: result.rows.map(productToDto),
      pagination: {
        limit: page.limit,
        offset: page.offset,
        total: result.total,
        total_exact: result.exact,
      },
      ...(query.q !== undefined
        ? {
            search: result.meta ?? {
              query: query.q,
              corrected_query: null,
              relaxed: false,
              unmatched_words: [],
            },
          }
        : {}),
    };
  }

  const service = {
    /** Search and listing: SKU/GTIN prefix, else text search against the catalog vocabulary (catalog-search.ts). */
    async search(ctx: UserContext, query: ProductQuery): Promise<SearchPage> {
      if (
        query.min_price_cents !== undefined &&
        query.max_price_cents !== undefined &&
        query.min_price_cents > query.max_price_cents
      ) {
        throw badQuery('query.min_price_cents', 'min_price_cents must not exceed max_price_cents');
      }
      const visibility = await visibilityOf(ctx);
      return searchPages.get(query, visibility, answer);
    },

    /** Computes the searches the fleet asks most into this instance's cache (at start, before it is ready). */
    warmSearchCache: (): Promise<WarmupStatus> => searchPages.warm(restaurantView, answer),

    searchWarmupStatus: (): WarmupStatus => searchPages.warmupStatus(),

    /** Stops a warm-up under way and sends the search counts not yet sent. */
    close: (): Promise<void> => searchPages.close(),

    /** Active products per category, for everyone alike; optionally of one supplier. */
    async categories(supplierId: string | undefined) {
      return categories.list(supplierId, await deletedSupplierIds());
    },

    async get(ctx: UserContext, id: string): Promise<ProductDto> {
      return productToDto(await visibleProduct(ctx, id));
    },

    async prices(ctx: UserContext, id: string) {
      await visibleProduct(ctx, id);
      const rows = await repo.priceHistory(db, id);
      return {
        data: rows.map((r) => ({
          price_cents: r.priceCents,
          currency: r.currency,
          valid_from: r.validFrom.toISOString(),
          valid_to: r.validTo?.toISOString() ?? null,
          source: r.source,
          pricing_rule_id: r.pricingRuleId,
          pricing_proposal_id: r.pricingProposalId,
          pricing_inputs: r.pricingInputs,
        })),
      };
    },

    async create(ctx: UserContext, input: ProductCreate): Promise<ProductDto> {
      try {
        return await db.transaction(async (tx) => {
          await assertSupplierMember(tx, ctx, input.supplier_id);
          const [row] = await repo.insertProducts(tx, [
            { ...(toColumns(input) as ProductInsert), supplierId: input.supplier_id },
          ]);
          if (!row) throw new Error('insert returned no row');
          await repo.recordPrices(tx, [
            { productId: row.id, priceCents: row.priceCents, currency: row.currency },
          ]);
          await recordAudit(tx, ctx, {
            action: 'product.create',
            resourceType: 'product',
            resourceId: row.id,
            details: { sku: row.sku },
          });
          return productToDto(row);
        });
      } catch (err) {
        if (isUniqueViolation(err, 'products_supplier_sku_live_key')) throw skuTaken(input.sku);
        throw err;
      }
    },

    async update(ctx: UserContext, id: string, patch: ProductUpdate): Promise<ProductDto> {
      const values = toColumns(patch);
      if (Object.keys(values).length === 0) throw badQuery('', 'Send at least one field to change');
      try {
        return await db.transaction(async (tx) => {
          await managedProduct(tx, ctx, id);
          const [before] = await repo.lockProducts(tx, [id]);
          if (!before) throw productNotFound(id);
          const row = await repo.updateProduct(tx, id, values);
          if (!row) throw productNotFound(id);
          if (row.priceCents !== before.priceCents || row.currency !== before.currency) {
            await repo.recordPrices(tx, [
              { productId: id, priceCents: row.priceCents, currency: row.currency },
            ]);
            await insertOutboxEvents(tx, [manualPriceChange(before, row)]);
          }
          await recordAudit(tx, ctx, {
            action: 'product.update',
            resourceType: 'product',
            resourceId: id,
            details: { fields: Object.keys(patch) },
          });
          return productToDto(row);
        });
      } catch (err) {
        if (isUniqueViolation(err, 'products_supplier_sku_live_key')) throw skuTaken(patch.sku ?? '');
        throw err;
      }
    },

    async remove(ctx: UserContext, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        await managedProduct(tx, ctx, id);
        if (!(await repo.softDeleteProduct(tx, id))) throw productNotFound(id);
        await recordAudit(tx, ctx, {
          action: 'product.delete',
          resourceType: 'product',
          resourceId: id,
          details: { soft: true },
        });
      });
    },

    /** Catalog import: up to 1,000 rows upserted by SKU, all or nothing; every invalid row is reported at once (422). */
    async bulkUpsert(ctx: UserContext, supplierId: string, rawRows: unknown[]) {
      const { rows, details } = checkBulkRows(rawRows);
      if (details.length > 0) throw bulkInvalid(details);

      return db.transaction(async (tx) => {
        await assertSupplierMember(tx, ctx, supplierId);
        const existing = new Map(
          (
            await repo.lockBySkus(
              tx,
              supplierId,
              rows.map((r) => r.sku),
            )
          ).map((p) => [p.sku, p]),
        );
        const results: { id: string; sku: string; outcome: 'created' | 'updated' }[] = [];
        const priceChanges: repo.PriceChange[] = [];
        const events: DomainEvent[] = [];
        const fresh = rows.filter((r) => !existing.has(r.sku));
        for (const created of await repo.insertProducts(
          tx,
          fresh.map((r) => ({ ...(toColumns(r) as ProductInsert), supplierId })),
        )) {
          results.push({ id: created.id, sku: created.sku, outcome: 'created' });
          priceChanges.push({
            productId: created.id,
            priceCents: created.priceCents,
            currency: created.currency,
          });
        }
        for (const r of rows.filter((row) => existing.has(row.sku))) {
          const before = existing.get(r.sku) as ProductView;
          const updated = await repo.updateProduct(tx, before.id, toColumns(r));
          if (!updated) throw productNotFound(before.id);
          results.push({ id: updated.id, sku: updated.sku, outcome: 'updated' });
          if (updated.priceCents !== before.priceCents || updated.currency !== before.currency) {
            priceChanges.push({
              productId: updated.id,
              priceCents: updated.priceCents,
              currency: updated.currency,
            });
            events.push(manualPriceChange(before, updated));
          }
        }
        await repo.recordPrices(tx, priceChanges);
        await insertOutboxEvents(tx, events);
        const created = results.filter((r) => r.outcome === 'created').length;
        await recordAudit(tx, ctx, {
          action: 'product.bulk_upsert',
          resourceType: 'supplier',
          resourceId: supplierId,
          details: { created, updated: results.length - created },
        });
        return { created, updated: results.length - created, products: results };
      });
    },
  };

  // Every catalog write clears this instance's search cache once it has finished, committed or not.
  const clear = () => {
    searchPages.clear();
    categories.clear();
    dictionary.invalidate();
  };
  return {
    ...service,
    create: (...args: Parameters<typeof service.create>) => service.create(...args).finally(clear),
    update: (...args: Parameters<typeof service.update>) => service.update(...args).finally(clear),
    remove: (...args: Parameters<typeof service.remove>) => service.remove(...args).finally(clear),
    bulkUpsert: (...args: Parameters<typeof service.bulkUpsert>) =>
      service.bulkUpsert(...args).finally(clear),
  };
}

export type ProductService = ReturnType<typeof createProductService>;
