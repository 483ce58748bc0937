import type { UserContext } from '../../core/context.js';
import type { Database } from '../../core/db.types.js';
import { DomainError } from '../../core/errors.js';
import { orgNotFound } from '../organisations/organisations.errors.js';
import type { ModelName } from './engine/models.js';
import { mayPlanFor } from './restaurant-access.js';
import type { SuggestedOrderBody, SuggestedOrderDto } from './forecasts.schemas.js';
import { deliveryWindow, lineNeed, type ForecastDay } from './suggested-order.js';
import * as orderRepo from './suggested-order.repository.js';

type Skipped = SuggestedOrderDto['skipped'][number];

/**
 * Suggested orders (#16): for each product the restaurant has a forecast for at this supplier, the forecast demand
 * from today until the supplier's next delivery after this one, plus a safety stock from the intervals, minus what
 * the kitchen says it has on hand, rounded up to the pack size. The answer's `order` posts to POST /orders as is.
 */
export function createSuggestedOrderService(deps: { db: Database; today: () => string }) {
  const { db } = deps;

  return {
    async suggest(
      ctx: UserContext,
      restaurantId: string,
      body: SuggestedOrderBody,
    ): Promise<SuggestedOrderDto> {
      if (!(await mayPlanFor(db, ctx, restaurantId))) throw orgNotFound('restaurant', restaurantId);
      const supplier = await orderRepo.supplierTerms(db, body.supplier_id);
      if (!supplier) throw orgNotFound('supplier', body.supplier_id);
      const today = deps.today();
      const window = deliveryWindow(
        today,
        supplier.deliveryWeekdays,
        supplier.orderLeadDays,
        body.horizon_days,
      );
      if (!window)
        throw new DomainError(
          'UNPROCESSABLE',
          `The supplier's first possible delivery lies beyond the ${body.horizon_days}-day horizon`,
          [{ path: 'horizon_days', message: 'too short for the supplier to deliver within it' }],
        );
      const series = await orderRepo.forecastProducts(db, restaurantId, body.supplier_id);
      const points = await orderRepo.pointsBetween(
        db,
        series.map((s) => s.seriesId),
        today,
        window.coversThrough,
      );
      const daysOf = new Map<string, ForecastDay[]>();
      for (const p of points) {
        const days = daysOf.get(p.seriesId) ?? [];
        days.push({ quantity: p.quantity, upper: p.upper });
        daysOf.set(p.seriesId, days);
      }
      const onHand = new Map(body.on_hand.map((l) => [l.product_id, l.quantity]));
      const lines: SuggestedOrderDto['lines'] = [];
      const skipped: Skipped[] = [];
      for (const s of series) {
        const days = daysOf.get(s.seriesId) ?? [];
        if (!s.active) skipped.push({ product_id: s.productId, reason: 'inactive' });
        else if (days.length === 0) skipped.push({ product_id: s.productId, reason: 'no_forecast_points' });
        else {
          const packSize = s.packSize === null ? null : Number(s.packSize);
          const have = onHand.get(s.productId) ?? 0;
          const need = lineNeed(days, have, s.unit, packSize);
          if (need.quantity === 0) skipped.push({ product_id: s.productId, reason: 'covered_by_on_hand' });
          else
            lines.push({
              product_id: s.productId,
              sku: s.sku,
              name: s.name,
              unit: s.unit,
              pack_size: packSize,
              model: s.model as ModelName,
              forecast_quantity: need.forecast,
              safety_stock: need.safetyStock,
              on_hand: have,
              needed: need.needed,
              quantity: need.quantity,
              unit_price_cents: s.priceCents,
              net_cents: Math.round(s.priceCents * need.quantity),
            });
        }
        onHand.delete(s.productId);
      }
      // Stated stock of products without a forecast here: said, so the kitchen knows they were not planned.
      for (const productId of onHand.keys()) skipped.push({ product_id: productId, reason: 'no_forecast' });
      const estimated = lines.reduce((sum, l) => sum + l.net_cents, 0);
      return {
        restaurant_id: restaurantId,
        supplier_id: body.supplier_id,
        delivery_date: window.deliveryDate,
        covers_from: today,
        covers_through: window.coversThrough,
        horizon_days: body.horizon_days,
        order:
          lines.length === 0
            ? null
            : {
                restaurant_id: restaurantId,
                supplier_id: body.supplier_id,
                delivery_date: window.deliveryDate,
                lines: lines.map((l) => ({ product_id: l.product_id, quantity: l.quantity })),
              },
        lines,
        skipped,
        estimated_net_cents: estimated,
        currency: supplier.currency,
        min_order_cents: supplier.minOrderCents,
        below_min_order:
          lines.length > 0 && supplier.minOrderCents !== null && estimated < supplier.minOrderCents,
      };
    },
  };
}

export type SuggestedOrderService = ReturnType<typeof createSuggestedOrderService>;
