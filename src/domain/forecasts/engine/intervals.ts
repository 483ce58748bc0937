import type { PointForecast } from './baselines.js';
import type { ModelName } from './models.js';

/**
 * The 80 % interval as ratios to the point forecast, from the out-of-sample errors of the model-choice backtest
 * (split conformal): every backtest day is a forecast 1–14 days ahead that the fit had not seen, unlike the
 * in-sample errors the ensembles otherwise scale from. Stored with the model choice, so refit nights use it too.
 */
export interface IntervalRatios {
  /** actual ÷ forecast that 10 % of the backtest days fell below. */
  low: number;
  /** actual ÷ forecast that 10 % of the backtest days rose above. */
  high: number;
  /** Backtest days the ratios come from. */
  days: number;
}

export const CONFORMAL_SETTINGS = {
  width: 0.8,
  /** Days whose forecast is below this are left out: a ratio to a near-zero forecast says nothing. */
  minForecast: 1,
  /** Fewer usable backtest days than this and the model keeps its own interval. */
  minDays: 10,
  /**
   * The ensembles' interval is the wider, per side, of the ratios' and their own in-sample one (1.04× stretched,
   * engine/ensemble.ts): 50-odd backtest days give noisy quantiles, a year of in-sample ratios steady but
   * narrow ones; the wider of the two reached 80 % on the tuning origins with narrower intervals than either.
   */
  widenToOwn: true,
  /**
   * Both intervals' distance from the point is scaled by this factor, chosen on the 8 tuning origins of the YAZ
   * backtest for 80 % coverage there (docs/benchmarks.md): the finite-sample ranks alone covered 84 %.
   */
  scale: 0.85,
};

/** The seasonal baselines' own intervals already come from their one-week-ahead errors, out of sample for them. */
export function takesConformalInterval(model: ModelName): boolean {
  return model !== 'seasonal_naive' && model !== 'moving_average';
}

/**
 * Split-conformal ratio quantiles of `actual ÷ forecast` over the backtest days, at the finite-sample ranks
 * ⌊(n+1)·α/2⌋ and ⌈(n+1)·(1−α/2)⌉, so the interval holds its width on exchangeable errors; null when too few days
 * had a usable forecast.
 */
export function conformalRatios(
  days: readonly { actual: number; forecast: number }[],
  settings: Partial<typeof CONFORMAL_SETTINGS> = {},
): IntervalRatios | null {
  const s = { ...CONFORMAL_SETTINGS, ...settings };
  const ratios = days
    .filter((d) => d.forecast >= s.minForecast)
    .map((d) => d.actual / d.forecast)
    .sort((a, b) => a - b);
  const n = ratios.length;
  if (n < s.minDays) return null;
  const tail = (1 - s.width) / 2;
  // The epsilon keeps a rank that is a whole number from slipping by one on 0.8's binary rounding.
  const lowRank = Math.max(1, Math.floor((n + 1) * tail + 1e-9));
  const highRank = Math.min(n, Math.ceil((n + 1) * (1 - tail) - 1e-9));
  return { low: ratios[lowRank - 1] ?? 1, high: ratios[highRank - 1] ?? 1, days: n };
}

/**
 * The point forecast with the interval the ratios give, their distance from 1 scaled by `scale`. With `own` (a
 * model whose own interval costs nothing, the ensembles), each side is the wider of that and the model's own
 * interval, its distance from the point scaled alike.
 */
export function withConformalInterval(
  forecast: PointForecast,
  ratios: IntervalRatios,
  scale = CONFORMAL_SETTINGS.scale,
  own: PointForecast | null = null,
): PointForecast {
  const low = Math.max(0, 1 - scale * (1 - ratios.low));
  const high = Math.max(1, 1 + scale * (ratios.high - 1));
  const ownLow = (p: number, i: number) => (own ? p - scale * (p - (own.lower[i] ?? p)) : p);
  const ownHigh = (p: number, i: number) => (own ? p + scale * ((own.upper[i] ?? p) - p) : p);
  return {
    points: forecast.points,
    lower: forecast.points.map((p, i) => Math.max(0, Math.min(p, p * low, ownLow(p, i)))),
    upper: forecast.points.map((p, i) => Math.max(p * high, ownHigh(p, i))),
  };
}
