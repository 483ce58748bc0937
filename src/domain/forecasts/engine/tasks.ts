import { backtestModels, type BacktestPlan, type BacktestResult } from './backtest.js';
import type { ModelContext, ModelName } from './models.js';
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
      kind: 'backtest';
      models: ModelName[];
      series: DailySeries;
      plan: BacktestPlan;
      ctx: ModelContext;
    };

export type ForecastTaskResult =
  | ({ kind: 'forecast'; fitMs: number } & ServedForecast)
  | ({ kind: 'select-and-forecast'; choice: ModelChoice; fitMs: number } & ServedForecast)
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
    case 'backtest':
      return { kind: 'backtest', results: backtestModels(task.models, task.series, task.plan, task.ctx) };
  }
}
