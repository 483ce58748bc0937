import { z } from 'zod';
import { MODEL_NAMES } from './engine/models.js';

/** Forecasts are stored 90 days ahead; the spec's 30 is the default answer. */
export const MAX_HORIZON_DAYS = 90;

export const forecastQuery = z
  .strictObject({
    restaurant_id: z.uuid().optional(),
    supplier_id: z.uuid().optional(),
    product_id: z.uuid(),
    horizon_days: z.coerce.number().int().min(1).max(MAX_HORIZON_DAYS).default(30),
  })
  .refine((q) => (q.restaurant_id === undefined) !== (q.supplier_id === undefined), {
    error: 'give exactly one of restaurant_id and supplier_id',
    path: ['restaurant_id'],
  });
export type ForecastQuery = z.infer<typeof forecastQuery>;

export const forecastPointDto = z.object({
  date: z.string(),
  quantity: z.number(),
  lower: z.number(),
  upper: z.number(),
});

export const forecastDto = z.object({
  scope: z.enum(['restaurant', 'supplier']),
  restaurant_id: z.uuid().nullable(),
  supplier_id: z.uuid().nullable(),
  product_id: z.uuid(),
  model: z.enum(MODEL_NAMES),
  /** Why this model: the backtest comparison in words. */
  model_reason: z.string(),
  weather_used: z.boolean(),
  weather_note: z.string().nullable(),
  backtest: z.object({ mase: z.number(), smape: z.number(), origins: z.number().int() }).nullable(),
  candidates: z.record(z.string(), z.number()),
  training: z.record(z.string(), z.union([z.number(), z.string()])),
  history_from: z.string().nullable(),
  history_to: z.string().nullable(),
  trained_at: z.string(),
  interval_level: z.number(),
  points: z.array(forecastPointDto),
});
export type ForecastDto = z.infer<typeof forecastDto>;

/** Each product at most once; quantities in the product's unit. */
export const suggestedOrderBody = z.strictObject({
  supplier_id: z.uuid(),
  /** How far ahead the order may look: the covered window ends at the next delivery or here, whichever is first. */
  horizon_days: z.number().int().min(1).max(MAX_HORIZON_DAYS).default(14),
  on_hand: z
    .array(z.strictObject({ product_id: z.uuid(), quantity: z.number().min(0).max(100_000_000) }))
    .max(1000)
    .refine(
      (lines) => new Set(lines.map((l) => l.product_id)).size === lines.length,
      'each product at most once',
    )
    .default([]),
});
export type SuggestedOrderBody = z.infer<typeof suggestedOrderBody>;

export const suggestedOrderLineDto = z.object({
  product_id: z.uuid(),
  sku: z.string(),
  name: z.string(),
  unit: z.string(),
  pack_size: z.number().nullable(),
  model: z.enum(MODEL_NAMES),
  /** Forecast demand over the covered days. */
  forecast_quantity: z.number(),
  /** Margin from the 80 % intervals: root of the summed squared daily margins. */
  safety_stock: z.number(),
  on_hand: z.number(),
  /** forecast + safety stock − on hand, before rounding. */
  needed: z.number(),
  /** `needed` rounded up to the pack size: what the order line asks for. */
  quantity: z.number(),
  unit_price_cents: z.number().int(),
  net_cents: z.number().int(),
});

export const suggestedOrderDto = z.object({
  restaurant_id: z.uuid(),
  supplier_id: z.uuid(),
  delivery_date: z.string(),
  covers_from: z.string(),
  covers_through: z.string(),
  horizon_days: z.number().int(),
  /** The body for POST /api/v1/orders, as it is; null when nothing needs ordering. */
  order: z
    .object({
      restaurant_id: z.uuid(),
      supplier_id: z.uuid(),
      delivery_date: z.string(),
      lines: z.array(z.object({ product_id: z.uuid(), quantity: z.number() })),
    })
    .nullable(),
  lines: z.array(suggestedOrderLineDto),
  skipped: z.array(
    z.object({
      product_id: z.uuid(),
      reason: z.enum(['covered_by_on_hand', 'no_forecast', 'inactive', 'no_forecast_points']),
    }),
  ),
  estimated_net_cents: z.number().int(),
  currency: z.string(),
  min_order_cents: z.number().int().nullable(),
  below_min_order: z.boolean(),
});
export type SuggestedOrderDto = z.infer<typeof suggestedOrderDto>;

z.globalRegistry.add(suggestedOrderBody, { id: 'SuggestedOrderRequest' });
z.globalRegistry.add(suggestedOrderDto, { id: 'SuggestedOrder' });
