import { backtestModels, type BacktestPlan, type BacktestResult } from './backtest.js';
import { runModel, type ModelContext, type ModelName } from './models.js';
import { PLACE_SETTINGS, type PlaceForecast } from './place.js';
import type { IntervalRatios } from './intervals.js';
import {
  chooseModel,
  forecastServed,
  SELECTION_PLAN,
  type ModelChoice,
  type ServedForecast,
} from './select.js';
import type { DailySeries, FutureDays } from './series.js';

/** Work a forecast worker thread does; plain data in and out so it crosses the thread boundary. */
export type ForecastTask =
  | {
      kind: 'forecast';
      model: ModelName;
      history: DailySeries;
      future: FutureDays;
      ctx: ModelContext;
      /** A stored choice's backtest interval; without it the model's own interval is served. */
      interval?: IntervalRatios | null;
      /** The stored choice's candidates by backtest MASE: the order to fall back in when the model's fit throws. */
      candidates?: Partial<Record<ModelName, number>>;
    }
  | {
      kind: 'select-and-forecast';
      history: DailySeries;
      future: FutureDays;
      ctx: ModelContext;
      plan?: BacktestPlan;
    }
  | {
      /** The restaurant's demand-index forecasts, one per history end (engine/place.ts). */
      kind: 'place';
      windows: { index: DailySeries; future: FutureDays }[];
      ctx: ModelContext;
    }
  | {
      kind: 'backtest';
      models: ModelName[];
      series: DailySeries;
      plan: BacktestPlan;
      ctx: ModelContext;
    };

export type ForecastTaskResult =
  | ({ kind: 'forecast'; fitMs: number } & ServedForecast)
  | ({ kind: 'select-and-forecast'; choice: ModelChoice; fitMs: number } & ServedForecast)
  | { kind: 'place'; forecasts: PlaceForecast[] }
  | { kind: 'backtest'; results: BacktestResult[] };

export function runTask(task: ForecastTask): ForecastTaskResult {
  const started = performance.now();
  switch (task.kind) {
    case 'forecast': {
      const choice = {
        model: task.model,
        interval: task.interval ?? null,
        candidates: task.candidates ?? {},
      };
      const served = forecastServed(choice, task.history, task.future, task.ctx);
      return { kind: 'forecast', ...served, fitMs: performance.now() - started };
    }
    case 'select-and-forecast': {
      const choice = chooseModel(task.history, task.ctx, task.plan ?? SELECTION_PLAN);
      const served = forecastServed(choice, task.history, task.future, task.ctx);
      return { kind: 'select-and-forecast', choice, ...served, fitMs: performance.now() - started };
    }
    case 'place':
      return {
        kind: 'place',
        forecasts: task.windows.map((w) => forecastPlace(w.index, w.future, task.ctx)),
      };
    case 'backtest':
      return { kind: 'backtest', results: backtestModels(task.models, task.series, task.plan, task.ctx) };
  }
}

/** The index's forecast of `future` from its history (the ensemble of the series, weather when it has it). */
export function forecastPlace(index: DailySeries, future: FutureDays, ctx: ModelContext): PlaceForecast {
  const { place: _ownForecasts, ...indexCtx } = ctx;
  const model = ctx.weather.length > 0 && index.regressors ? 'ensemble_weather' : 'ensemble';
  const { points } = runModel(model, index, future, { ...indexCtx, pointsOnly: true });
  const shareWeeks = ctx.placeSettings?.shareWeeks ?? PLACE_SETTINGS.shareWeeks;
  const from = Math.max(0, index.dates.length - 7 * shareWeeks);
  return {
    historyEnd: index.dates.at(-1) ?? '',
    recent: { dates: index.dates.slice(from), values: index.values.slice(from) },
    dates: future.dates,
    points,
  };
}
