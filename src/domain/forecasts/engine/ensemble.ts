import { quantile, type PointForecast } from './baselines.js';
import { mean } from './metrics.js';
import { isoWeekday, type DailySeries, type FutureDays } from './series.js';

/**
 * Chosen on the 8 tuning origins before the held-out half year of the YAZ backtest (docs/benchmarks.md): Prophet's
 * trend is fitted to two years and lags a recent change of level, and its smooth weekly shape misses a weekday
 * that recently moved; the last weeks of the series know both.
 */
export const ENSEMBLE_SETTINGS = {
  /** Prophet is moved to its recent level by its in-sample errors over these most recent days. */
  levelDays: 56,
  /**
   * `ratio`: Prophet is scaled by the median of actual ÷ fitted over `levelDays` (its seasonality is
   * multiplicative, so a level change scales a busy weekday more); `additive`: shifted by the median error.
   */
  levelMode: 'ratio' as 'additive' | 'ratio',
  /** The second member: the median (or mean) of the last this-many same weekdays. */
  weekdayWeeks: 16,
  weekdayStatistic: 'median' as 'mean' | 'median',
  /** Its weight in the mean; Prophet (level-corrected) has the rest. */
  weekdayWeight: 0.25,
  /** The 80 % interval: quantiles of actual ÷ fitted over these most recent days, applied to each point. */
  intervalDays: 365,
  intervalWidth: 0.8,
  /**
   * In-sample ratios understate a forecast's error two weeks out (the fit has seen those days): the quantiles'
   * distance from 1 is stretched by this factor, calibrated to 80 % coverage on the 8 tuning origins. Served only
   * when the model choice has no backtest interval (engine/intervals.ts).
   */
  intervalInflation: 1.04,
};

export type EnsembleSettings = typeof ENSEMBLE_SETTINGS;

/**
 * A weighted mean of Prophet, corrected to its recent level, and the median of the last same weekdays. `prophet`
 * must carry its in-sample fit. The interval comes from the in-sample ratio of actual to fitted demand, widened by
 * `intervalInflation` to out-of-sample size, so a busy weekday gets a proportionally wider interval, at no
 * sampling cost.
 */
export function levelCorrectedEnsemble(
  history: DailySeries,
  future: FutureDays,
  prophet: PointForecast & { fitted?: number[] },
  settings: Partial<EnsembleSettings> = {},
): PointForecast {
  const s = { ...ENSEMBLE_SETTINGS, ...settings };
  const fitted = prophet.fitted;
  if (!fitted || fitted.length !== history.values.length)
    throw new Error('the ensemble needs Prophet with its in-sample fit');
  const n = history.values.length;
  const correct = levelCorrection(history.values, fitted, s);
  const weekdays = recentWeekdayLevels(history, s.weekdayWeeks, s.weekdayStatistic);
  const points = future.dates.map((d, i) => {
    const corrected = correct(prophet.points[i] ?? 0);
    const weekday = weekdays.get(isoWeekday(d)) ?? corrected;
    return (1 - s.weekdayWeight) * corrected + s.weekdayWeight * weekday;
  });
  const ratios: number[] = [];
  for (let i = Math.max(0, n - s.intervalDays); i < n; i++) {
    const f = correct(fitted[i] ?? 0);
    if (f >= 1) ratios.push((history.values[i] ?? 0) / f);
  }
  ratios.sort((a, b) => a - b);
  const low = ratios.length > 0 ? quantile(ratios, (1 - s.intervalWidth) / 2) : 1;
  const high = ratios.length > 0 ? quantile(ratios, 1 - (1 - s.intervalWidth) / 2) : 1;
  const lowRatio = Math.max(0, 1 - s.intervalInflation * (1 - low));
  const highRatio = 1 + s.intervalInflation * (high - 1);
  return { points, lower: points.map((p) => p * lowRatio), upper: points.map((p) => p * highRatio) };
}

/** Moves a Prophet value to the level of the last `levelDays`: by the median error, or the median ratio. */
function levelCorrection(
  values: readonly number[],
  fitted: readonly number[],
  s: EnsembleSettings,
): (value: number) => number {
  const from = Math.max(0, values.length - s.levelDays);
  const recent = values.slice(from).map((y, i) => ({ y, f: fitted[from + i] ?? 0 }));
  if (s.levelMode === 'ratio') {
    const ratios = recent.filter((r) => r.f >= 1).map((r) => r.y / r.f);
    const factor = ratios.length > 0 ? median(ratios) : 1;
    return (value) => value * factor;
  }
  const shift = median(recent.map((r) => r.y - r.f));
  return (value) => Math.max(0, value + shift);
}

function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

function recentWeekdayLevels(
  history: DailySeries,
  weeks: number,
  statistic: 'mean' | 'median',
): Map<number, number> {
  const seen = new Map<number, number[]>();
  for (let i = history.dates.length - 1; i >= 0; i--) {
    const weekday = isoWeekday(history.dates[i] ?? '');
    const values = seen.get(weekday) ?? [];
    if (values.length < weeks) values.push(history.values[i] ?? 0);
    seen.set(weekday, values);
  }
  return new Map(
    [...seen].map(([weekday, values]) => [weekday, statistic === 'mean' ? mean(values) : median(values)]),
  );
}
