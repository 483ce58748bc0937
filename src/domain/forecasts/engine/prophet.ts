import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initSync, Prophet, type ProphetHoliday, type ProphetOptions } from '@bsull/augurs/prophet';
import { optimizer } from '@bsull/augurs-prophet-wasmstan';
import type { PointForecast } from './baselines.js';
import { calendarHolidays, DEFAULT_CALENDAR_SETTINGS, type CalendarSettings } from './calendar.js';
import { epochSeconds, type DailySeries, type FutureDays } from './series.js';

let initialised = false;

/**
 * The augurs WASM module cannot fetch its own file under Node, so it is compiled from the file's bytes, once per
 * thread (each worker thread has its own WebAssembly instance).
 */
function ensureInitialised(): void {
  if (initialised) return;
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve('@bsull/augurs').replace(/core\.js$/, 'prophet_bg.wasm');
  initSync({ module: readFileSync(wasmPath) });
  initialised = true;
}

/** The knobs tuned on the backtest (docs/benchmarks.md); defaults are the tuned values. */
export interface ProphetSettings {
  /** log1p before fitting and expm1 after: demand is multiplicative in weekday × season, and never negative. */
  logTransform: boolean;
  changepointPriorScale: number;
  /** Share of the history, from its start, where trend changepoints may sit; the rest keeps the last slope. */
  changepointRange: number;
  nChangepoints: number;
  seasonalityPriorScale: number;
  holidaysPriorScale: number;
  regressorPriorScale: number;
  weeklyOrder: number;
  yearlyOrder: number;
  /** Yearly seasonality needs about a year of data to be anything but noise. */
  minDaysForYearly: number;
  intervalWidth: number;
  uncertaintySamples: number;
  /** `map` makes the prior scales count; `mle` ignores them. */
  estimation: 'mle' | 'map';
  seasonalityMode: 'additive' | 'multiplicative';
  regressorMode: 'additive' | 'multiplicative';
  /** L-BFGS stops when the objective's relative change is below this × machine epsilon (Stan's default 1e4). */
  tolRelObj: number;
  calendar: CalendarSettings;
}

/**
 * Tuned on the 8 fourteen-day origins before the held-out last six months of the YAZ data (bench/forecast-tune.ts):
 * multiplicative seasonality (a busy weekday is busy by a factor, not by a constant) and a low yearly Fourier order
 * (two years cannot support a finer yearly shape) moved mean MASE from 0.775 to 0.746; log transform, other
 * changepoint scales and MAP priors did worse or nothing. 10 changepoints instead of 25 and a looser L-BFGS stop
 * (1e6) cost nothing there (0.746 → 0.747, the ensemble 0.736 → 0.737) and take about half the CPU of a fit.
 */
export const DEFAULT_PROPHET_SETTINGS: ProphetSettings = {
  logTransform: false,
  changepointPriorScale: 0.05,
  changepointRange: 0.8,
  nChangepoints: 10,
  seasonalityPriorScale: 10,
  holidaysPriorScale: 10,
  regressorPriorScale: 10,
  weeklyOrder: 3,
  yearlyOrder: 3,
  minDaysForYearly: 365,
  intervalWidth: 0.8,
  uncertaintySamples: 300,
  estimation: 'mle',
  seasonalityMode: 'multiplicative',
  regressorMode: 'multiplicative',
  tolRelObj: 1e6,
  calendar: DEFAULT_CALENDAR_SETTINGS,
};

export interface ProphetInput {
  history: DailySeries;
  future: FutureDays;
  /** Public holidays (ISO dates) across history and future. */
  holidays: readonly string[];
  /** Regressor names to use; each must be present in history and future. Empty = no regressors. */
  regressors: readonly string[];
  settings?: Partial<ProphetSettings>;
  /** Skip intervals (backtests only need points). */
  pointsOnly?: boolean;
  /** Also return the in-sample fit (`fitted`); only with `pointsOnly`, as sampled intervals over it cost much. */
  withFitted?: boolean;
}

export function prophetForecast(input: ProphetInput): PointForecast & { fitted?: number[] } {
  ensureInitialised();
  const s = { ...DEFAULT_PROPHET_SETTINGS, ...input.settings };
  const calendar = { ...DEFAULT_CALENDAR_SETTINGS, ...input.settings?.calendar };
  const { history, future } = input;
  const span =
    history.dates.length === 0
      ? 0
      : (epochSeconds(history.dates.at(-1) ?? '') - epochSeconds(history.dates[0] ?? '')) / 86_400;
  const options: ProphetOptions = {
    optimizer,
    weeklySeasonality: { type: 'fourier', order: s.weeklyOrder },
    yearlySeasonality:
      span >= s.minDaysForYearly
        ? { type: 'fourier', order: s.yearlyOrder }
        : { type: 'manual', enabled: false },
    dailySeasonality: { type: 'manual', enabled: false },
    changepointPriorScale: s.changepointPriorScale,
    changepointRange: s.changepointRange,
    nChangepoints: s.nChangepoints,
    seasonalityPriorScale: s.seasonalityPriorScale,
    holidaysPriorScale: s.holidaysPriorScale,
    intervalWidth: s.intervalWidth,
    estimation: s.estimation,
    seasonalityMode: s.seasonalityMode,
    uncertaintySamples: input.pointsOnly ? 0 : s.uncertaintySamples,
  };
  const holidays = holidayMap(input.holidays) ?? new Map<string, ProphetHoliday>();
  const first = history.dates[0];
  const last = future.dates.at(-1) ?? history.dates.at(-1);
  if (first && last)
    for (const [name, group] of calendarHolidays(input.holidays, first, last, calendar))
      holidays.set(name, group);
  if (holidays.size > 0) options.holidays = holidays;
  const model = new Prophet(options);
  try {
    for (const name of input.regressors)
      model.addRegressor(name, { priorScale: s.regressorPriorScale, mode: s.regressorMode });
    const forward = s.logTransform ? Math.log1p : (v: number) => v;
    model.fit(
      {
        ds: history.dates.map(epochSeconds),
        y: history.values.map((v) => forward(Math.max(0, v))),
        ...(input.regressors.length > 0 ? { x: regressorMap(input.regressors, history.regressors) } : {}),
      },
      { tolRelObj: s.tolRelObj },
    );
    const fitted = input.pointsOnly === true && input.withFitted === true;
    // One predict over history and future together: the in-sample fit costs no second call.
    const days = fitted
      ? { dates: [...history.dates, ...future.dates], regressors: joined(history, future) }
      : future;
    const predicted = model.predict({
      ds: days.dates.map(epochSeconds),
      ...(input.regressors.length > 0 ? { x: regressorMap(input.regressors, days.regressors) } : {}),
    });
    const back = s.logTransform ? Math.expm1 : (v: number) => v;
    const clamp = (v: number) => Math.max(0, back(v));
    const all = predicted.yhat.point.map(clamp);
    const skip = fitted ? history.dates.length : 0;
    const points = all.slice(skip);
    const intervals = predicted.yhat.intervals;
    return {
      points,
      lower: intervals ? intervals.lower.map(clamp) : points,
      upper: intervals ? intervals.upper.map(clamp) : points,
      ...(fitted ? { fitted: all.slice(0, skip) } : {}),
    };
  } finally {
    model.free();
  }
}

function joined(history: DailySeries, future: FutureDays): Record<string, number[]> | undefined {
  if (!history.regressors || !future.regressors) return undefined;
  const ahead = future.regressors;
  return Object.fromEntries(
    Object.entries(history.regressors).map(([name, past]) => [name, [...past, ...(ahead[name] ?? [])]]),
  );
}

function holidayMap(dates: readonly string[]): Map<string, ProphetHoliday> | undefined {
  if (dates.length === 0) return undefined;
  const occurrences = dates.map((d) => ({ start: epochSeconds(d), end: epochSeconds(d) + 86_400 }));
  return new Map([['public_holiday', { occurrences }]]);
}

function regressorMap(
  names: readonly string[],
  values: Record<string, number[]> | undefined,
): Map<string, number[]> {
  return new Map(
    names.map((name) => {
      const column = values?.[name];
      if (!column) throw new Error(`regressor ${name} is missing`);
      return [name, column];
    }),
  );
}
