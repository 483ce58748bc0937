import { z } from 'zod';
import type { DomainEvent } from '../../core/events.js';
import { PRICE_SOURCES, type PriceSource } from './products.models.js';

/** Ids, amounts and states only (copied into Redis jobs): never who changed the price. */
export const productEventSchemas = {
  /** A product's list or dynamic price changed; the new row is in its price history. */
  'product.price_changed': z.object({
    product_id: z.uuid(),
    supplier_id: z.uuid(),
    from_price_cents: z.number().int(),
    to_price_cents: z.number().int(),
    currency: z.string().length(3),
    source: z.enum(PRICE_SOURCES),
    pricing_rule_id: z.uuid().nullable(),
  }),
};

export function priceChanged(change: {
  productId: string;
  supplierId: string;
  fromPriceCents: number;
  toPriceCents: number;
  currency: string;
  source: PriceSource;
  pricingRuleId?: string | null;
}): DomainEvent<'product.price_changed'> {
  return {
    type: 'product.price_changed',
    aggregateType: 'product',
    aggregateId: change.productId,
    payload: {
      product_id: change.productId,
      supplier_id: change.supplierId,
      from_price_cents: change.fromPriceCents,
      to_price_cents: change.toPriceCents,
      currency: change.currency,
      source: change.source,
      pricing_rule_id: change.pricingRuleId ?? null,
    },
  };
}
