import { and, eq, isNull, notInArray, sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import { queryRows } from '../../db/rows.js';
import { products } from './products.models.js';

export interface CategoryCountRow {
  category: string;
  folded: string;
  products: number;
}

/**
 * Active products per category as written, with its folded form: grouping by the raw column lets the planner
 * count from products_category_price_idx alone; the few groups are folded afterwards.
 */
export async function countByCategory(
  ex: Executor,
  filter: { supplierId?: string | undefined; deletedSupplierIds: string[] },
): Promise<CategoryCountRow[]> {
  const where = and(
    isNull(products.deletedAt),
    eq(products.active, true),
    filter.supplierId ? eq(products.supplierId, filter.supplierId) : undefined,
    filter.deletedSupplierIds.length > 0
      ? notInArray(products.supplierId, filter.deletedSupplierIds)
      : undefined,
  );
  return queryRows<CategoryCountRow>(
    ex,
    sql`SELECT category, iris_fold(category) AS folded, n AS products
        FROM (SELECT ${products.category} AS category, count(*)::int AS n FROM ${products} WHERE ${where}
              GROUP BY ${products.category}) counted`,
  );
}
