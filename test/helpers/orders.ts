import { randomUUID } from 'node:crypto';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/core/db.types.js';
import { insertProducts, recordPrices } from '../../src/domain/products/products.repository.js';
import type { ProductInsert } from '../../src/domain/products/products.models.js';

export async function createProduct(
  db: Database,
  supplierId: string,
  overrides: Partial<ProductInsert> = {},
): Promise<string> {
  const sku = overrides.sku ?? `T-${randomUUID().slice(0, 8)}`;
  const [row] = await db.transaction(async (tx) => {
    const rows = await insertProducts(tx, [
      {
        supplierId,
        sku,
        name: `Vara ${sku}`,
        category: 'Test',
        unit: 'st',
        priceCents: 1000,
        vatCategory: 'food',
        ...overrides,
      },
    ]);
    await recordPrices(
      tx,
      rows.map((r) => ({ productId: r.id, priceCents: r.priceCents, currency: r.currency })),
    );
    return rows;
  });
  return row!.id;
}

export function placeOrder(
  app: App,
  headers: Record<string, string>,
  body: Record<string, unknown>,
  key: string | null = randomUUID(),
) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/orders',
    headers: { ...headers, ...(key === null ? {} : { 'idempotency-key': key }) },
    payload: body,
  });
}
