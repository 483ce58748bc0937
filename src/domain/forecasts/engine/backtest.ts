import { mase, mean, smape } from './metrics.js';
import { runModel, type Fitted, type ModelContext, type ModelName } from './models.js';
import { addDays, headOf, sliceFuture, type DailySeries, type FutureDays } from './series.js';

export interface BacktestPlan {
  /** Calendar days forecast from each origin. */
  horizonDays: number;
  /** How many origins, each `horizonDays` apart, ending at the end of the series. */
  origins: number;
  /** Leave this many most recent origins out (held out for testing while tuning on earlier ones). */
  skipLatest?: number;
  /** An origin needs at least this many training days to be used. */
  minTrainingDays?: number;
}

export interface OriginResult {
  origin: string;
  actual: number[];
  forecast: number[];
  mase: number;
  smape: number;
}

export interface BacktestResult {
  model: ModelName;
  origins: OriginResult[];
  mase: number;
  smape: number;
  /** The error of a fit that threw: the model is left out of the later origins and has none. */
  failed?: string;
}

/** How a backtest runs one model; production passes `runModel`, a test a fit that throws. */
export type RunModel = typeof runModel;

/** Origins (the first forecast day), oldest first, for a series; each test window is `horizonDays` calendar days. */
export function originDates(series: DailySeries, plan: BacktestPlan): string[] {
  const last = series.dates.at(-1);
  if (!last) return [];
  const out: string[] = [];
  for (let k = plan.skipLatest ?? 0; k < (plan.skipLatest ?? 0) + plan.origins; k++) {
    out.push(addDays(last, -plan.horizonDays * (k + 1) + 1));
  }
  return out.reverse();
}

export interface OriginWindow {
  origin: string;
  /** Everything before the origin. */
  history: DailySeries;
  /** The open days of the `horizonDays` calendar days from the origin, and what happened on them. */
  future: FutureDays;
  actual: number[];
}

/** The train/test split at each usable origin of the plan, oldest first. */
export function originWindows(series: DailySeries, plan: BacktestPlan): OriginWindow[] {
  const windows: OriginWindow[] = [];
  for (const origin of originDates(series, plan)) {
    const start = series.dates.findIndex((d) => d >= origin);
    if (start < 0 || start < (plan.minTrainingDays ?? 7)) continue;
    const end = addDays(origin, plan.horizonDays);
    let stop = start;
    while (stop < series.dates.length && (series.dates[stop] ?? end) < end) stop++;
    if (stop === start) continue;
    windows.push({
      origin,
      history: headOf(series, start),
      future: sliceFuture(series, start, stop - start),
      actual: series.values.slice(start, stop),
    });
  }
  return windows;
}

/**
 * Rolling-origin backtest: for each origin, train on everything before it and forecast the open days in the next
 * `horizonDays` calendar days. Only history is ever used to fit.
 */
export function backtest(
  model: ModelName,
  series: DailySeries,
  plan: BacktestPlan,
  ctx: ModelContext,
): BacktestResult {
  const [result] = backtestModels([model], series, plan, ctx);
  if (!result) throw new Error('no backtest result');
  return result;
}

/**
 * The backtest of several models over the same origins; an ensemble re-uses its parts' fits at each origin. A
 * model whose fit throws at any origin (Prophet's optimizer can fail its line search) is marked failed and
 * dropped: an error over fewer origins would not compare with the others'.
 */
export function backtestModels(
  models: readonly ModelName[],
  series: DailySeries,
  plan: BacktestPlan,
  ctx: ModelContext,
  run: RunModel = runModel,
): BacktestResult[] {
  const origins = new Map<ModelName, OriginResult[]>(models.map((m) => [m, []]));
  const failed = new Map<ModelName, string>();
  for (const { origin, history, future, actual } of originWindows(series, plan)) {
    const memo = new Map<ModelName, Fitted>();
    for (const model of models) {
      if (failed.has(model)) continue;
      let forecast: number[];
      try {
        forecast = run(model, history, future, { ...ctx, pointsOnly: true }, memo).points;
      } catch (error) {
        failed.set(model, `${origin}: ${error instanceof Error ? error.message : String(error)}`);
        origins.set(model, []);
        continue;
      }
      origins.get(model)?.push({
        origin,
        actual,
        forecast,
        mase: mase(actual, forecast, history),
        smape: smape(actual, forecast),
      });
    }
  }
  return models.map((model) => {
    const results = origins.get(model) ?? [];
    const failure = failed.get(model);
    return {
      model,
      origins: results,
      mase: failure === undefined ? mean(results.map((o) => o.mase)) : Number.NaN,
      smape: failure === undefined ? mean(results.map((o) => o.smape)) : Number.NaN,
      ...(failure === undefined ? {} : { failed: failure }),
    };
  });
}
