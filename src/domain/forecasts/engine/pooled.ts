import { mean } from './metrics.js';
import { addDays, daysBetween, isoWeekday, type DailySeries, type FutureDays } from './series.js';

/**
 * A pooled (global) regression over all series of one place: each day's demand ÷ the series' recent level on
 * weekday, holiday, weather and the same weekday two weeks before (÷ level). One short series estimates weather
 * and holiday effects noisily; a restaurant's series share them, so fitting them together pools the evidence.
 */
export const POOLED_SETTINGS = {
  /** The level: mean demand over this many open days, ending `lagDays` before the day explained. */
  levelDays: 56,
  /** The longest horizon served from one origin: lags and levels reach at least this far back. */
  lagDays: 14,
  /** Training rows: the most recent this-many open days of each series. */
  trainDays: 365,
  ridge: 1,
  /** Same-weekday lags beyond the first, in weeks after it (each ÷ level). */
  extraLagWeeks: [] as number[],
  /** Also the mean of this many same weekdays from the first lag back (÷ level); 0: left out. */
  weekdayMeanWeeks: 0,
};
export type PooledSettings = typeof POOLED_SETTINGS;

interface Indexed {
  series: DailySeries;
  byDate: Map<string, number>;
  /** prefix[i]: sum of values before index i. */
  prefix: number[];
}

function indexed(series: DailySeries): Indexed {
  const prefix = [0];
  for (const v of series.values) prefix.push((prefix.at(-1) ?? 0) + v);
  return { series, byDate: new Map(series.dates.map((d, i) => [d, i])), prefix };
}

/** Mean of the `days` open days up to and including index `end`. */
function levelAt(s: Indexed, end: number, days: number): number {
  const from = Math.max(0, end - days + 1);
  return end < from ? 0 : ((s.prefix[end + 1] ?? 0) - (s.prefix[from] ?? 0)) / (end - from + 1);
}

/** The last index on or before `date`. */
function lastIndexUpTo(s: Indexed, date: string): number {
  let lo = 0;
  let hi = s.series.dates.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((s.series.dates[mid] ?? '') <= date) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The lag ratios of one day: same weekdays `back` days and more before, ÷ level. */
function lagRatios(
  s: Indexed,
  date: string,
  back: number,
  level: number,
  p: PooledSettings,
): number[] | null {
  const first = sameWeekdayBefore(s, date, back);
  if (first === null) return null;
  const out = [first / level];
  for (const weeks of p.extraLagWeeks)
    out.push((sameWeekdayBefore(s, date, back + 7 * weeks) ?? first) / level);
  if (p.weekdayMeanWeeks > 0) {
    const seen: number[] = [];
    for (let k = 0; k < p.weekdayMeanWeeks; k++) {
      const i = s.byDate.get(addDays(date, -back - 7 * k));
      if (i !== undefined) seen.push(s.series.values[i] ?? 0);
    }
    out.push((seen.length > 0 ? mean(seen) : first) / level);
  }
  return out;
}

/** The same weekday `lagDays` or more before `date`, up to four weeks further back when closed. */
function sameWeekdayBefore(s: Indexed, date: string, lagDays: number): number | null {
  for (let back = lagDays; back <= lagDays + 28; back += 7) {
    const i = s.byDate.get(addDays(date, -back));
    if (i !== undefined) return s.series.values[i] ?? 0;
  }
  return null;
}

interface Design {
  holidays: ReadonlySet<string>;
  weather: readonly string[];
  /** Per weather column: mean and standard deviation over the training rows. */
  scale: { mean: number; sd: number }[];
}

function features(design: Design, date: string, weather: number[], lagRatios: number[]): number[] {
  const weekday = isoWeekday(date);
  const row: number[] = Array.from({ length: 7 }, (_, k) => (weekday === k + 1 ? 1 : 0));
  row.push(design.holidays.has(date) ? 1 : 0);
  weather.forEach((w, k) => row.push((w - (design.scale[k]?.mean ?? 0)) / (design.scale[k]?.sd || 1)));
  row.push(...lagRatios);
  return row;
}

/** Solves (XᵀX + λI) β = Xᵀy by Gaussian elimination; the weekday intercepts are not shrunk. */
function ridge(rows: number[][], targets: number[], lambda: number): number[] {
  const p = rows[0]?.length ?? 0;
  const a = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p + 1 }, (_, j): number => (i === j && i >= 7 ? lambda : 0)),
  );
  rows.forEach((x, r) => {
    for (let i = 0; i < p; i++) {
      const xi = x[i] ?? 0;
      if (xi === 0) continue;
      const ai = a[i]!;
      for (let j = 0; j < p; j++) ai[j]! += xi * (x[j] ?? 0);
      ai[p]! += xi * (targets[r] ?? 0);
    }
  });
  for (let c = 0; c < p; c++) {
    let pivot = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    const lead = a[c]![c]!;
    if (Math.abs(lead) < 1e-12) continue;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / lead;
      if (f !== 0) for (let j = c; j <= p; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[p]! / row[i]!));
}

/**
 * Forecasts `future` for every series of one place from one pooled regression. Every series' `future` is the
 * same days (the place's open days); weather comes from the series' and the future's regressors.
 */
export function pooledForecasts(
  all: readonly DailySeries[],
  future: FutureDays,
  holidays: readonly string[],
  weather: readonly string[],
  settings: Partial<PooledSettings> = {},
): number[][] {
  const s = { ...POOLED_SETTINGS, ...settings };
  const series = all.map(indexed);
  const design: Design = { holidays: new Set(holidays), weather, scale: [] };
  type Raw = { date: string; weather: number[]; lags: number[]; target: number };
  const raw: Raw[] = [];
  for (const one of series) {
    const n = one.series.dates.length;
    for (let i = Math.max(0, n - s.trainDays); i < n; i++) {
      const date = one.series.dates[i] ?? '';
      const ref = lastIndexUpTo(one, addDays(date, -s.lagDays));
      if (ref < s.levelDays - 1) continue;
      const level = levelAt(one, ref, s.levelDays);
      const lags = level < 1 ? null : lagRatios(one, date, s.lagDays, level, s);
      if (!lags) continue;
      raw.push({
        date,
        weather: weather.map((w) => one.series.regressors?.[w]?.[i] ?? 0),
        lags,
        target: (one.series.values[i] ?? 0) / level,
      });
    }
  }
  design.scale = weather.map((_, k) => {
    const values = raw.map((r) => r.weather[k] ?? 0);
    const m = mean(values);
    return { mean: m, sd: Math.sqrt(mean(values.map((v) => (v - m) ** 2))) };
  });
  const beta =
    raw.length > 20
      ? ridge(
          raw.map((r) => features(design, r.date, r.weather, r.lags)),
          raw.map((r) => r.target),
          s.ridge,
        )
      : null;
  return series.map((one) => {
    const n = one.series.dates.length;
    const level = levelAt(one, n - 1, s.levelDays);
    const last = one.series.dates.at(-1) ?? '';
    return future.dates.map((date, h) => {
      // Beyond `lagDays` ahead, the nearest same weekday the history has.
      const back = Math.max(s.lagDays, 7 * Math.ceil(daysBetween(last, date) / 7));
      const lags = level < 1 ? null : lagRatios(one, date, back, level, s);
      if (!beta || !lags) return sameWeekdayBefore(one, date, back) ?? level;
      const x = features(
        design,
        date,
        weather.map((w) => future.regressors?.[w]?.[h] ?? 0),
        lags,
      );
      return Math.max(0, level * x.reduce((sum, v, k) => sum + v * (beta[k] ?? 0), 0));
    });
  });
}
