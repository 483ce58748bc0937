import { mean } from './metrics.js';
import type { DailySeries, FutureDays } from './series.js';

/**
 * Top-down across one restaurant's series: its demand index (every series ÷ its own mean, summed per day) is
 * smoother than any one product's demand, so its forecast catches the place's weekday, holiday and weather
 * effects with less noise; a product's share of the index over its last weeks turns it back into the product's
 * demand. Chosen on the 8 tuning origins of the YAZ backtest (docs/benchmarks.md).
 */
export const PLACE_SETTINGS = {
  /** The product's share of the index: its demand ÷ the index's over this many most recent weeks. */
  shareWeeks: 8,
  /** The top-down forecast's weight in the ensembles' points; the series' own ensemble has the rest. */
  weight: 0.5,
};

/** The index forecast made from the history ending on `historyEnd` (a day of the index). */
export interface PlaceForecast {
  historyEnd: string;
  /** The index over the `shareWeeks` weeks up to `historyEnd`, for the series' share of it. */
  recent: { dates: string[]; values: number[] };
  dates: string[];
  points: number[];
}

/** The index forecasts a restaurant's series can blend in: tonight's, and those from its backtest origins. */
export interface PlaceContext {
  forecasts: PlaceForecast[];
}

/**
 * The demand index of a place's series: per day, the sum of each series' demand ÷ its mean demand (series with
 * no demand left out), so products counted in pieces and in kilograms weigh alike. Regressors are taken from
 * the first series that has them (a restaurant's series share its weather).
 */
export function placeIndex(all: readonly DailySeries[]): DailySeries {
  const byDate = new Map<string, { value: number; regressors?: Record<string, number> }>();
  for (const series of all) {
    const level = mean(series.values);
    if (!(level > 0)) continue;
    series.dates.forEach((date, i) => {
      const day = byDate.get(date) ?? { value: 0 };
      day.value += (series.values[i] ?? 0) / level;
      if (!day.regressors && series.regressors)
        day.regressors = Object.fromEntries(
          Object.entries(series.regressors).map(([name, values]) => [name, values[i] ?? 0]),
        );
      byDate.set(date, day);
    });
  }
  const dates = [...byDate.keys()].sort();
  const names = Object.keys(byDate.get(dates[0] ?? '')?.regressors ?? {});
  return {
    dates,
    values: dates.map((d) => byDate.get(d)?.value ?? 0),
    ...(names.length > 0
      ? {
          regressors: Object.fromEntries(
            names.map((name) => [name, dates.map((d) => byDate.get(d)?.regressors?.[name] ?? 0)]),
          ),
        }
      : {}),
  };
}

/**
 * The series' ensemble points moved `weight` of the way to the top-down forecast: the place's index forecast
 * from the same history end times the series' share of the index over its last `shareWeeks` weeks. Unchanged
 * without an index forecast from that day, or when the index had no demand in those weeks.
 */
export function blendTopDown(
  points: number[],
  history: DailySeries,
  future: FutureDays,
  place: PlaceContext | undefined,
  settings: Partial<typeof PLACE_SETTINGS> = {},
): number[] {
  const s = { ...PLACE_SETTINGS, ...settings };
  const historyEnd = history.dates.at(-1);
  const forecast = place?.forecasts.find((f) => f.historyEnd === historyEnd);
  if (!forecast || s.weight === 0) return points;
  const indexOn = new Map(forecast.recent.dates.map((d, i) => [d, forecast.recent.values[i] ?? 0]));
  let own = 0;
  let index = 0;
  for (let i = history.dates.length - 1, days = 0; i >= 0 && days < 7 * s.shareWeeks; i--, days++) {
    own += history.values[i] ?? 0;
    index += indexOn.get(history.dates[i] ?? '') ?? 0;
  }
  if (!(index > 0)) return points;
  const share = own / index;
  const topDown = new Map(forecast.dates.map((d, i) => [d, (forecast.points[i] ?? 0) * share]));
  return points.map((p, i) => {
    const t = topDown.get(future.dates[i] ?? '');
    return t === undefined ? p : (1 - s.weight) * p + s.weight * t;
  });
}
