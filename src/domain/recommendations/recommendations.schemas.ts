import { z } from 'zod';
import { SCORE_COMPONENTS } from '../../core/config.recommendations.js';

export const recommendationQuery = z
  .strictObject({
    category: z.string().trim().min(1).max(100).optional(),
    product_id: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .refine((q) => (q.category === undefined) !== (q.product_id === undefined), {
    error: 'give exactly one of category and product_id',
    path: ['category'],
  });
export type RecommendationQuery = z.infer<typeof recommendationQuery>;

const weight = z.number().min(0).max(1000);

/** Every component's weight; they need not sum to 1 (the score divides by the sum), but the sum must be positive. */
export const scoreWeights = z
  .strictObject(
    Object.fromEntries(SCORE_COMPONENTS.map((c) => [c, weight])) as Record<
      (typeof SCORE_COMPONENTS)[number],
      typeof weight
    >,
  )
  .refine((w) => Object.values(w).reduce((a, b) => a + b, 0) > 0, {
    error: 'the weights must sum to a positive number',
  });

export const weightsDto = z.object({
  restaurant_id: z.uuid(),
  /** `restaurant`: the restaurant's own weights; `default`: the admin default from configuration. */
  source: z.enum(['default', 'restaurant']),
  weights: z.record(z.string(), z.number()),
  defaults: z.record(z.string(), z.number()),
});
export type WeightsDto = z.infer<typeof weightsDto>;

export const componentDto = z.object({
  name: z.enum(SCORE_COMPONENTS),
  weight: z.number(),
  value: z.number().nullable(),
  contribution: z.number().nullable(),
  explanation: z.string(),
});

export const recommendationDto = z.object({
  rank: z.number().int(),
  supplier_id: z.uuid(),
  supplier_name: z.string(),
  /** 0 … 1; null when no weighted component could be scored. */
  score: z.number().nullable(),
  /** False: fewer finished orders than the threshold; the history components are left out, not zeroed. */
  enough_history: z.boolean(),
  offer: z.object({
    product_id: z.uuid(),
    name: z.string(),
    unit: z.string(),
    price_cents: z.number().int(),
    normalised_price_cents: z.number().int().nullable(),
    normalised_per: z.enum(['kg', 'l', 'piece']).nullable(),
  }),
  distance_km: z.number().nullable(),
  components: z.array(componentDto),
});

export const recommendationsDto = z.object({
  restaurant_id: z.uuid(),
  weights_source: z.enum(['default', 'restaurant']),
  weights: z.record(z.string(), z.number()),
  suppliers: z.array(recommendationDto),
  /** Suppliers with a matching product whose delivery radius does not reach the restaurant. */
  out_of_delivery_area: z.array(z.uuid()),
});
export type RecommendationsDto = z.infer<typeof recommendationsDto>;

z.globalRegistry.add(scoreWeights, { id: 'ScoreWeights' });
z.globalRegistry.add(weightsDto, { id: 'RecommendationWeights' });
z.globalRegistry.add(recommendationsDto, { id: 'SupplierRecommendations' });
