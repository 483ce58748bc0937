import type { Database } from '../../core/db.types.js';
import { TtlCache } from '../../core/ttl-cache.js';
import { type CategoryCountRow, countByCategory } from './categories.repository.js';
import type { CategoryList } from './products.schemas.js';

/**
 * One entry per folded category name ("Kött", "kött" and "Kott" are one category, as the listing filter sees
 * them), named by its most used spelling, sorted in Swedish order.
 */
export function mergeCategories(rows: CategoryCountRow[]): CategoryList['data'] {
  const groups = new Map<string, { spellings: CategoryCountRow[]; products: number }>();
  for (const row of rows) {
    const group = groups.get(row.folded) ?? { spellings: [], products: 0 };
    group.spellings.push(row);
    group.products += row.products;
    groups.set(row.folded, group);
  }
  return [...groups.values()]
    .map(({ spellings, products }) => {
      const [top] = spellings.sort(
        (a, b) => b.products - a.products || a.category.localeCompare(b.category, 'sv'),
      );
      return { name: top?.category ?? '', product_count: products };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

/**
 * Category counts for catalog browsing (`GET /categories`). The answer is shared by every caller (only active
 * products of live suppliers count), so it is cached like search pages and cleared by this instance's writes.
 */
export function createCategoryCounts(db: Database, cache?: { ttlMs: number; maxEntries: number }) {
  const answers = new TtlCache<CategoryList>(cache?.ttlMs ?? 0, cache?.maxEntries ?? 0);
  return {
    async list(supplierId: string | undefined, deletedSupplierIds: string[]): Promise<CategoryList> {
      const key = JSON.stringify([supplierId ?? null, deletedSupplierIds]);
      const cached = answers.get(key);
      if (cached) return cached;
      const data = mergeCategories(await countByCategory(db, { supplierId, deletedSupplierIds }));
      const answer = { data, total_products: data.reduce((sum, c) => sum + c.product_count, 0) };
      answers.set(key, answer);
      return answer;
    },
    clear: () => {
      answers.clear();
    },
  };
}
