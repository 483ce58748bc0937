import type { Executor } from '../../core/db.types.js';
import type { SearchMeta } from './catalog-search.js';
import { CatalogChanges } from './catalog-changes.js';
import { withLiveStock } from './products.mapper.js';
import * as repo from './products.repository.js';
import type { Visibility } from './products.repository.js';
import { type ProductDto, type ProductQuery, productQuery, productQueryInput } from './products.schemas.js';
import { SearchCache, type SearchCacheSettings } from './search-cache.js';
import type { SearchDictionary } from './search-dictionary.js';
import type { SearchWarmup, WarmupStatus } from './search-warmup.js';

export type SearchPage = {
  data: ProductDto[];
  pagination: { limit: number; offset: number; total: number; total_exact: boolean };
  search?: SearchMeta;
};

type Compute = (query: ProductQuery, visibility: Visibility) => Promise<SearchPage>;

const OFF: WarmupStatus = { state: 'off', warmed: 0, planned: 0 };

/**
 * The product service's search pages: this instance's cache of them (search-cache.ts), the catalog checks that
 * vouch for them, the fleet-wide counts of what is asked and the warm-up from those counts (search-warmup.ts).
 */
export function createSearchPages(deps: {
  db: Executor;
  settings: SearchCacheSettings | undefined;
  dictionary: SearchDictionary;
  warmup: SearchWarmup | undefined;
  now: (() => number) | undefined;
}) {
  const { db, dictionary, warmup } = deps;
  // Another instance's write can bring new words: a page computed after a check that found it waits for them.
  const changes = new CatalogChanges(db, deps.now, () => {
    dictionary.invalidate();
  });
  const pages = new SearchCache<SearchPage>(
    deps.settings ?? { ttlMs: 0, maxEntries: 0, maxAgeMs: 0 },
    changes,
    deps.now,
  );
  const key = (query: ProductQuery, visibility: Visibility) =>
    JSON.stringify([
      query,
      visibility.all ? 'all' : visibility.ownSupplierIds,
      visibility.deletedSupplierIds,
    ]);
  // A kept page's stock is read again by id; a page filtered by stock is computed again instead (search-cache.ts).
  const restock = async (page: SearchPage): Promise<SearchPage> => {
    const live = new Map(
      (
        await repo.liveStock(
          db,
          page.data.map((p) => p.id),
        )
      ).map((r) => [r.id, r]),
    );
    return { ...page, data: page.data.map((p) => withLiveStock(p, live.get(p.id))) };
  };
  const cached = (query: ProductQuery, visibility: Visibility, compute: Compute) =>
    pages.get(
      key(query, visibility),
      () => compute(query, visibility),
      query.in_stock === undefined ? restock : undefined,
    );

  return {
    /** The page for `query` as `visibility` sees it: from the cache, or from `compute`. */
    get(query: ProductQuery, visibility: Visibility, compute: Compute): Promise<SearchPage> {
      // Counted whether or not this instance caches: the counts are the fleet's. Only what every restaurant sees
      // alike is worth warming; a supplier's own view is theirs alone.
      if (!visibility.all && visibility.ownSupplierIds.length === 0) {
        warmup?.record(JSON.stringify(productQueryInput(query)));
      }
      if (!pages.enabled) return compute(query, visibility);
      return cached(query, visibility, compute);
    },

    /** Computes the searches the fleet asks most, as every restaurant sees them, into this instance's cache. */
    async warm(restaurantView: () => Promise<Visibility>, compute: Compute): Promise<WarmupStatus> {
      if (!warmup || !pages.enabled) return OFF;
      const warmed: string[] = [];
      // No more than the cache holds: warming more would only evict the first ones.
      const status = await warmup.run(async (search) => {
        // Stored by any instance, so parsed like any request: a malformed entry is skipped.
        const query = productQuery.parse(JSON.parse(search));
        const visibility = await restaurantView();
        await cached(query, visibility, compute);
        warmed.push(key(query, visibility));
      }, deps.settings?.maxEntries);
      // Warmed most asked first, so those would be evicted first: used again in reverse, they are evicted last.
      for (const page of warmed.reverse()) pages.touch(page);
      return status;
    },

    warmupStatus: (): WarmupStatus => warmup?.progress ?? OFF,

    /** Stops a warm-up under way and sends the search counts not yet sent. */
    close: async (): Promise<void> => {
      await warmup?.close();
    },

    /** After a catalog write in this instance. */
    clear: (): void => {
      pages.clear();
    },
  };
}
