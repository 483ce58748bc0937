import { isoWeekday, type DailySeries, type FutureDays } from './series.js';

export interface PointForecast {
  points: number[];
  lower: number[];
  upper: number[];
}

/**
 * Seasonal naive: the value of the most recent history day on the same weekday ("same weekday last week"; further
 * ahead than a week it repeats that week). Without any same-weekday day it uses the last value.
 */
export function seasonalNaive(history: DailySeries, future: FutureDays, intervalWidth = 0.8): PointForecast {
  const lastByWeekday = new Map<number, number>();
  for (let i = 0; i < history.dates.length; i++)
    lastByWeekday.set(isoWeekday(history.dates[i] ?? ''), history.values[i] ?? 0);
  const fallback = history.values.at(-1) ?? 0;
  const points = future.dates.map((d) => lastByWeekday.get(isoWeekday(d)) ?? fallback);
  return withEmpiricalIntervals(points, seasonalNaiveResiduals(history), intervalWidth);
}

/** Moving average of the last `window` days; what a very short series can honestly support. */
export function movingAverage(
  history: DailySeries,
  future: FutureDays,
  window = 14,
  intervalWidth = 0.8,
): PointForecast {
  const recent = history.values.slice(-window);
  const mean = recent.length === 0 ? 0 : recent.reduce((a, b) => a + b, 0) / recent.length;
  const residuals = recent.map((v) => v - mean);
  return withEmpiricalIntervals(
    future.dates.map(() => mean),
    residuals,
    intervalWidth,
  );
}

/** In-sample errors of "same weekday one week earlier" over the history, the MASE scale as well. */
export function seasonalNaiveResiduals(history: DailySeries): number[] {
  const byDate = new Map<string, number>();
  history.dates.forEach((d, i) => byDate.set(d, history.values[i] ?? 0));
  const out: number[] = [];
  history.dates.forEach((d, i) => {
    const weekBefore = byDate.get(shift(d, -7));
    if (weekBefore !== undefined) out.push((history.values[i] ?? 0) - weekBefore);
  });
  return out;
}

function shift(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function withEmpiricalIntervals(points: number[], residuals: number[], width: number): PointForecast {
  const sorted = [...residuals].sort((a, b) => a - b);
  const lo = quantile(sorted, (1 - width) / 2);
  const hi = quantile(sorted, 1 - (1 - width) / 2);
  return {
    points,
    lower: points.map((p) => Math.max(0, p + lo)),
    upper: points.map((p) => Math.max(0, p + hi)),
  };
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const low = sorted[lo] ?? 0;
  return low + ((sorted[hi] ?? low) - low) * (pos - lo);
}
