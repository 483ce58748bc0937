import type { RequestContext } from '../../core/context.js';
import type { Transaction } from '../../core/db.types.js';
import { recordAudit } from '../audit/audit.service.js';
import { insertOutboxEvents } from '../outbox/outbox.repository.js';
import { priceChanged } from '../products/products.events.js';
import type { PriceSource } from '../products/products.models.js';
import { type ProductView, recordPrices, updateProduct } from '../products/products.repository.js';
import { allowedRange, type AllowedRange, MIN_CHANGE_INTERVAL_MS } from './pricing.bounds.js';
import type { PricingRuleRow } from './pricing.models.js';
import * as repo from './pricing.repository.js';

/** Where a product's price stands, read under its row lock: list price, recent periods and the allowed range. */
export interface PriceState {
  now: Date;
  listPriceCents: number;
  range: AllowedRange | undefined;
  /** A dynamic price set less than an hour ago: the product waits for the next run. */
  changedWithinHour: boolean;
}

export async function priceState(
  tx: Transaction,
  product: ProductView,
  rule: PricingRuleRow,
): Promise<PriceState> {
  const now = await repo.transactionNow(tx);
  const periods = await repo.periodsSinceList(tx, product.id);
  const listPriceCents = periods.find((p) => p.source !== 'dynamic')?.priceCents ?? product.priceCents;
  const current = periods.at(-1);
  return {
    now,
    listPriceCents,
    range: allowedRange(listPriceCents, rule, periods, now),
    changedWithinHour:
      current?.source === 'dynamic' && now.getTime() - current.from.getTime() < MIN_CHANGE_INTERVAL_MS,
  };
}

/**
 * Sets a product's price from pricing (a rule's proposal, or a rollback to the list price): the product row, a new
 * price-history row with the rule and inputs, the `product.price_changed` event and the audit row, in the
 * caller's transaction. The product must be locked.
 */
export async function setPrice(
  tx: Transaction,
  ctx: RequestContext,
  product: ProductView,
  change: {
    toPriceCents: number;
    source: Exclude<PriceSource, 'manual'>;
    ruleId: string | null;
    proposalId: string | null;
    inputs: Record<string, unknown> | null;
  },
): Promise<void> {
  await updateProduct(tx, product.id, { priceCents: change.toPriceCents });
  await recordPrices(tx, [
    {
      productId: product.id,
      priceCents: change.toPriceCents,
      currency: product.currency,
      source: change.source,
      pricingRuleId: change.ruleId,
      pricingProposalId: change.proposalId,
      pricingInputs: change.inputs,
    },
  ]);
  await insertOutboxEvents(tx, [
    priceChanged({
      productId: product.id,
      supplierId: product.supplierId,
      fromPriceCents: product.priceCents,
      toPriceCents: change.toPriceCents,
      currency: product.currency,
      source: change.source,
      pricingRuleId: change.ruleId,
    }),
  ]);
  await recordAudit(tx, ctx, {
    action: change.source === 'rollback' ? 'pricing.rollback' : 'pricing.apply',
    resourceType: 'product',
    resourceId: product.id,
    details: {
      from_price_cents: product.priceCents,
      to_price_cents: change.toPriceCents,
      rule_id: change.ruleId,
      proposal_id: change.proposalId,
    },
  });
}
