import { expect } from 'vitest';
import type { App } from '../../src/app.js';
import type { TestUser } from './identity.js';

/** A vegetable for bulk upserts: only SKU and name vary between search fixtures. */
export const vegetable = (sku: string, name: string, i = 0) => ({
  sku,
  name,
  unit: 'kg',
  category: 'Grönsaker',
  vat_category: 'food',
  price_cents: 3000 + i,
  stock_quantity: 100,
});

/** Upserts products through the API as the supplier's member, and insists it worked. */
export async function bulkUpsert(
  app: App,
  member: TestUser,
  supplierId: string,
  products: Record<string, unknown>[],
): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/products/bulk',
    headers: member.headers,
    payload: { supplier_id: supplierId, products },
  });
  expect(res.statusCode, res.body).toBe(200);
}
