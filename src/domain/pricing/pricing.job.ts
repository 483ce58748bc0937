import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../../core/context.js';
import type { Database, Transaction } from '../../core/db.types.js';
import { addDays } from '../forecasts/engine/series.js';
import { demandOf, findSeries, pointsOf } from '../forecasts/forecasts.repository.js';
import { localToday } from '../forecasts/forecasts.training.js';
import { findProduct, lockProducts, type ProductView } from '../products/products.repository.js';
import { clampPrice } from './pricing.bounds.js';
import { priceState, setPrice } from './pricing.apply.js';
import type { PricingMode, PricingRuleRow } from './pricing.models.js';
import * as repo from './pricing.repository.js';
import { demandAdjustment, stockAdjustment, targetPrice } from './pricing.signals.js';

export const PRICING_OUTCOMES = [
  'applied',
  'proposed',
  'unchanged',
  'too_soon',
  'out_of_bounds',
  'failed',
] as const;
export type PricingOutcome = (typeof PRICING_OUTCOMES)[number];
export type RefreshSummary = Record<PricingOutcome, number> & { considered: number };

/** The hourly job acts as the `pricing` service principal in the audit trail. */
const jobContext = (runId: string): RequestContext => ({
  principal: { kind: 'service', name: 'pricing', scopes: [] },
  requestId: `job:pricing:${runId}`,
  ip: '',
  userAgent: undefined,
});

const PERISHABLE_STORAGE = new Set(['chilled']);

interface Signals {
  adjustBp: number;
  inputs: Record<string, unknown>;
}

/**
 * The hourly price refresh (spec §10): for every product under an active rule, the signals' target price moved
 * into the rule's bounds becomes a proposal; `auto` suppliers have it applied at once, `review` suppliers find it
 * in their list. A product whose price needs no move has its pending proposal expired.
 */
export function createPricingJob(deps: { db: Database; timezone: string }) {
  const { db } = deps;

  /** Demand and stock signals, read outside the product's lock (forecasts and order history only). */
  async function signalsOf(product: ProductView, rule: PricingRuleRow, today: string): Promise<Signals> {
    const key = { scope: 'supplier' as const, ownerId: product.supplierId, productId: product.id };
    const recentDays = rule.demand?.recent_days ?? 28;
    const history = await demandOf(db, key, addDays(today, -recentDays));
    const recentQuantity = history.filter((h) => h.date < today).reduce((sum, h) => sum + h.quantity, 0);
    const inputs: Record<string, unknown> = { recent_days: recentDays, recent_demand: recentQuantity };
    let adjustBp = 0;
    if (rule.demand) {
      const series = await findSeries(db, key);
      const horizonEnd = addDays(today, rule.demand.horizon_days);
      const points = series ? await pointsOf(db, series.id, 90) : [];
      const ahead = points.filter((p) => p.day >= today && p.day < horizonEnd);
      const demand = demandAdjustment(rule.demand, {
        forecastQuantity: ahead.length > 0 ? ahead.reduce((sum, p) => sum + p.quantity, 0) : null,
        recentQuantity,
      });
      adjustBp += demand.adjustBp;
      inputs.demand = {
        forecast_model: series?.model ?? null,
        forecast_quantity: ahead.length > 0 ? ahead.reduce((sum, p) => sum + p.quantity, 0) : null,
        expected_quantity: demand.expected,
        ratio: demand.ratio,
        adjust_bp: demand.adjustBp,
        reason: demand.reason,
      };
    }
    if (rule.stock) {
      const stock = stockAdjustment(rule.stock, {
        stockQuantity: product.stockQuantity === null ? null : Number(product.stockQuantity),
        dailyDemand: recentQuantity / recentDays,
        perishable: PERISHABLE_STORAGE.has(product.storage ?? '') || product.bestBeforeDate !== null,
        bestBeforeDate: product.bestBeforeDate,
        today,
      });
      adjustBp += stock.adjustBp;
      inputs.stock = {
        stock_quantity: product.stockQuantity === null ? null : Number(product.stockQuantity),
        best_before_date: product.bestBeforeDate,
        cover_days: stock.cover_days,
        days_to_best_before: stock.days_to_best_before,
        adjust_bp: stock.adjustBp,
        reason: stock.reason,
      };
    }
    return { adjustBp, inputs };
  }

  async function priceOne(
    tx: Transaction,
    ctx: RequestContext,
    productId: string,
    rule: PricingRuleRow,
    mode: PricingMode,
    signals: Signals,
  ): Promise<PricingOutcome> {
    const [product] = await lockProducts(tx, [productId]);
    if (!product?.active) return 'unchanged';
    const state = await priceState(tx, product, rule);
    if (!state.range) {
      await repo.closePending(tx, [productId], 'expired');
      return 'out_of_bounds';
    }
    const target = targetPrice(state.listPriceCents, signals.adjustBp);
    const proposed = clampPrice(target, state.range);
    if (proposed === product.priceCents) {
      await repo.closePending(tx, [productId], 'expired');
      return 'unchanged';
    }
    if (state.changedWithinHour) return 'too_soon';
    const pending = await repo.pendingProposal(tx, productId);
    // The same proposal as last hour's still waiting for review stays as it is rather than being replaced.
    if (
      mode === 'review' &&
      pending?.ruleId === rule.id &&
      pending.fromPriceCents === product.priceCents &&
      pending.listPriceCents === state.listPriceCents &&
      pending.proposedPriceCents === proposed
    )
      return 'proposed';
    await repo.closePending(tx, [productId], 'superseded');
    const inputs = {
      ...signals.inputs,
      adjust_bp: signals.adjustBp,
      list_price_cents: state.listPriceCents,
      allowed: { low: state.range.low, high: state.range.high },
      bounds: {
        min_price_cents: rule.minPriceCents,
        max_price_cents: rule.maxPriceCents,
        max_daily_change_bp: rule.maxDailyChangeBp,
        max_weekly_change_bp: rule.maxWeeklyChangeBp,
      },
    };
    const proposal = await repo.insertProposal(tx, {
      supplierId: product.supplierId,
      productId,
      ruleId: rule.id,
      listPriceCents: state.listPriceCents,
      fromPriceCents: product.priceCents,
      targetPriceCents: target,
      proposedPriceCents: proposed,
      currency: product.currency,
      inputs,
    });
    if (mode === 'review') return 'proposed';
    await setPrice(tx, ctx, product, {
      toPriceCents: proposed,
      source: 'dynamic',
      ruleId: rule.id,
      proposalId: proposal.id,
      inputs,
    });
    await repo.decideProposal(tx, proposal.id, 'applied', null);
    return 'applied';
  }

  return {
    async refresh(log: { warn: (obj: object, msg: string) => void }): Promise<RefreshSummary> {
      const runId = randomUUID();
      const ctx = jobContext(runId);
      const today = localToday(deps.timezone);
      const summary: RefreshSummary = {
        considered: 0,
        applied: 0,
        proposed: 0,
        unchanged: 0,
        too_soon: 0,
        out_of_bounds: 0,
        failed: 0,
      };
      const targets = await repo.pricingTargets(db);
      const rules = await repo.rulesByIds(db, [...new Set(targets.map((t) => t.ruleId))]);
      const modes = new Map<string, PricingMode>();
      for (const target of targets) {
        const rule = rules.get(target.ruleId);
        const product = await findProduct(db, target.productId);
        if (!rule || !product) continue;
        summary.considered++;
        let mode = modes.get(rule.supplierId);
        if (!mode) {
          mode = (await repo.modeOf(db, rule.supplierId)) ?? 'review';
          modes.set(rule.supplierId, mode);
        }
        try {
          const signals = await signalsOf(product, rule, today);
          const outcome = await db.transaction((tx) =>
            priceOne(tx, ctx, target.productId, rule, mode, signals),
          );
          summary[outcome]++;
        } catch (err) {
          // One product's failure leaves its price as it was and never stops the others.
          summary.failed++;
          log.warn({ err, product_id: target.productId, rule_id: rule.id }, 'pricing a product failed');
        }
      }
      return summary;
    },
  };
}

export type PricingJob = ReturnType<typeof createPricingJob>;
