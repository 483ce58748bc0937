import { int } from './config.fields.js';

/** Order-placement settings (spec §5: rate limits), parsed with the rest of the environment in config.ts. */
export const orderEnv = {
  ORDER_RATE_LIMIT_PER_RESTAURANT: int(60, 0, 1_000_000),
  ORDER_RATE_LIMIT_WINDOW_MS: int(60_000, 1_000, 86_400_000),
};

export interface OrderConfig {
  /** Orders one restaurant may place per window, whoever places them (0: no such limit). */
  placementLimit: number;
  placementWindowMs: number;
}

export function orderConfig(e: {
  ORDER_RATE_LIMIT_PER_RESTAURANT: number;
  ORDER_RATE_LIMIT_WINDOW_MS: number;
}): OrderConfig {
  return {
    placementLimit: e.ORDER_RATE_LIMIT_PER_RESTAURANT,
    placementWindowMs: e.ORDER_RATE_LIMIT_WINDOW_MS,
  };
}
