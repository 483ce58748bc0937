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
