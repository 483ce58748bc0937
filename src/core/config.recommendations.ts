import { z } from 'zod';
import { emptyToUndefined, int } from './config.fields.js';

/** The components of the supplier score (spec §12 and #16), in the order answers list them. */
export const SCORE_COMPONENTS = [
  'reliability',
  'price',
  'distance',
  'unit_price',
  'delivery_reliability',
  'fill_rate',
  'invoice_accuracy',
  'stock_availability',
  'min_order_value',
] as const;
export type ScoreComponent = (typeof SCORE_COMPONENTS)[number];
export type ScoreWeights = Record<ScoreComponent, number>;

/**
 * Starting values until A/B tests say otherwise (the spec leaves the numbers open): what a kitchen feels first —
 * the price per kilo and whether the goods come on the day asked — weighs most; invoice accuracy least, because
 * it only exists once supplier invoices are reconciled.
 */
export const DEFAULT_SCORE_WEIGHTS: ScoreWeights = {
  reliability: 0.15,
  price: 0.1,
  distance: 0.1,
  unit_price: 0.2,
  delivery_reliability: 0.15,
  fill_rate: 0.1,
  invoice_accuracy: 0.05,
  stock_availability: 0.1,
  min_order_value: 0.05,
};

/** "price=0.2,distance=0.05": named weights over the defaults; unknown names, negatives or a zero sum are refused. */
const weights = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      const out: ScoreWeights = { ...DEFAULT_SCORE_WEIGHTS };
      for (const pair of (text ?? '').split(',').filter((p) => p.trim().length > 0)) {
        const [name = '', value = ''] = pair.split('=').map((s) => s.trim());
        const weight = Number(value);
        if (!(SCORE_COMPONENTS as readonly string[]).includes(name) || value === '' || !(weight >= 0))
          ctx.addIssue({
            code: 'custom',
            message: `"${pair}" is not <component>=<weight ≥ 0>; components: ${SCORE_COMPONENTS.join(', ')}`,
          });
        else out[name as ScoreComponent] = weight;
      }
      if (Object.values(out).reduce((a, b) => a + b, 0) <= 0)
        ctx.addIssue({ code: 'custom', message: 'the weights must sum to a positive number' });
      return out;
    }),
);

export const recommendationEnv = {
  RECOMMENDATION_WEIGHTS: weights,
  /** Order history the history-based components look at. */
  RECOMMENDATION_HISTORY_DAYS: int(180, 14, 1095),
  /** Below this many finished orders a supplier is marked "not enough history". */
  RECOMMENDATION_MIN_ORDERS: int(5, 1, 1000),
  /** The distance at which the distance component is one half. */
  RECOMMENDATION_DISTANCE_SCALE_KM: int(25, 1, 1000),
  /** A typical order (öre, net) when the restaurant has no order history: the minimum-order component's yardstick. */
  RECOMMENDATION_TYPICAL_ORDER_CENTS: int(300_000, 100, 100_000_000),
};

type RecommendationEnv = z.infer<z.ZodObject<typeof recommendationEnv>>;

export interface RecommendationConfig {
  weights: ScoreWeights;
  historyDays: number;
  minOrders: number;
  distanceScaleKm: number;
  typicalOrderCents: number;
}

export function recommendationConfig(e: RecommendationEnv): RecommendationConfig {
  return {
    weights: e.RECOMMENDATION_WEIGHTS,
    historyDays: e.RECOMMENDATION_HISTORY_DAYS,
    minOrders: e.RECOMMENDATION_MIN_ORDERS,
    distanceScaleKm: e.RECOMMENDATION_DISTANCE_SCALE_KM,
    typicalOrderCents: e.RECOMMENDATION_TYPICAL_ORDER_CENTS,
  };
}
