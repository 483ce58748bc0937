import type { ErrorDetail } from '../../core/errors.js';
import type { PlacementProduct } from './orders.repository.js';
import { lineNet, milliToString, toMilli } from './money.js';
import * as e from './orders.errors.js';
import { vatRateBp } from './vat.js';

/**
 * The placement rules on the locked products, and each line's price and quoted VAT rate: every product must be
 * the supplier's, active, in the order's currency and, when its stock is tracked, in stock. All offending lines
 * are reported at once (422 PRODUCT_UNAVAILABLE, then 409 INSUFFICIENT_INVENTORY with what is available).
 */
export function priceLines(
  lines: readonly { product_id: string; quantity: number | string }[],
  products: readonly PlacementProduct[],
  supplierId: string,
  currency: string,
  vatDate: string,
) {
  const locked = new Map(products.map((p) => [p.id, p]));
  const unavailable: ErrorDetail[] = [];
  const shortages: { product_id: string; requested: string; available: string }[] = [];
  const priced = lines.flatMap((line, index) => {
    const product = locked.get(line.product_id);
    const path = `lines.${index}.product_id`;
    if (!product || product.supplierId !== supplierId) {
      unavailable.push({ path, message: 'not a product of this supplier' });
    } else if (!product.active) {
      unavailable.push({ path, message: 'product is not available for ordering' });
    } else if (product.currency !== currency) {
      unavailable.push({ path, message: `priced in ${product.currency}, the order is in ${currency}` });
    } else {
      const milli = toMilli(line.quantity);
      if (product.stockQuantity !== null && toMilli(product.stockQuantity) < milli) {
        shortages.push({
          product_id: product.id,
          requested: milliToString(milli),
          available: product.stockQuantity,
        });
      }
      const rate = vatRateBp(product.vatCategory, vatDate);
      return [{ product, milli, rate, net: lineNet(product.priceCents, milli) }];
    }
    return [];
  });
  if (unavailable.length > 0) throw e.productsUnavailable(unavailable);
  if (shortages.length > 0) throw e.insufficientInventory(shortages);
  return priced;
}
