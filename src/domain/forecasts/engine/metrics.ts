import { seasonalNaiveResiduals } from './baselines.js';
import type { DailySeries } from './series.js';

/**
 * Mean absolute scaled error: forecast MAE divided by the in-sample MAE of "same weekday last week" on the
 * training history. Below 1 beats the seasonal-naive rule of thumb a kitchen already uses.
 */
export function mase(actual: readonly number[], forecast: readonly number[], training: DailySeries): number {
  // A perfectly weekly history has a zero naive error; scale by its mean level then, so MASE stays finite.
  const scale = mean(seasonalNaiveResiduals(training).map(Math.abs)) || mean(training.values.map(Math.abs));
  const mae = mean(actual.map((a, i) => Math.abs(a - (forecast[i] ?? 0))));
  if (scale === 0) return mae === 0 ? 0 : Number.POSITIVE_INFINITY;
  return mae / scale;
}

/** Symmetric MAPE in percent; a day where both are 0 counts as a perfect 0. */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  return (
    100 *
    mean(
      actual.map((a, i) => {
        const f = forecast[i] ?? 0;
        const denominator = (Math.abs(a) + Math.abs(f)) / 2;
        return denominator === 0 ? 0 : Math.abs(a - f) / denominator;
      }),
    )
  );
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
