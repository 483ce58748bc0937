import { backtestModels, type BacktestPlan } from './backtest.js';
import { candidateModels, runModel, type ModelContext, type ModelName } from './models.js';
import type { DailySeries, FutureDays } from './series.js';
import type { PointForecast } from './baselines.js';

export interface ModelChoice {
  model: ModelName;
  /** The chosen model's backtest error (absent when the series was too short to backtest at all). */
  backtest: { mase: number; smape: number; origins: number } | null;
  /** Every candidate's backtest MASE, so the choice can be shown and explained. */
  candidates: Partial<Record<ModelName, number>>;
}

export const SELECTION_PLAN: BacktestPlan = { horizonDays: 14, origins: 4, minTrainingDays: 7 };

/**
 * Picks the model with the lowest backtest MASE on the series' own history. Seasonal naive is the bar: a model
 * wins only by beating it, so Iris never serves something that did worse than "same weekday last week" there.
 */
export function chooseModel(
  series: DailySeries,
  ctx: ModelContext,
  plan: BacktestPlan = SELECTION_PLAN,
): ModelChoice {
  const candidates = candidateModels(series, ctx);
  const results = backtestModels(candidates, series, plan, ctx).filter((r) => r.origins.length > 0);
  const scores = Object.fromEntries(results.map((r) => [r.model, r.mase])) as Partial<
    Record<ModelName, number>
  >;
  if (results.length === 0) {
    return {
      model: candidates.includes('seasonal_naive') ? 'seasonal_naive' : 'moving_average',
      backtest: null,
      candidates: scores,
    };
  }
  const bar = results.find((r) => r.model === 'seasonal_naive');
  let best = bar ?? results[0];
  if (!best) throw new Error('no backtest result');
  for (const r of results) if (Number.isFinite(r.mase) && r.mase < best.mase) best = r;
  return {
    model: best.model,
    backtest: { mase: best.mase, smape: best.smape, origins: best.origins.length },
    candidates: scores,
  };
}

/** Forecast the future days with the chosen model. */
export function forecastWith(
  choice: ModelChoice,
  history: DailySeries,
  future: FutureDays,
  ctx: ModelContext,
): PointForecast {
  return runModel(choice.model, history, future, { ...ctx, pointsOnly: false });
}

/** A choice stored from an earlier night, with its backtest figures. */
export interface StoredChoice {
  model: string;
  backtest: ModelChoice['backtest'];
  candidates: Record<string, number>;
}

/**
 * The stored choice can be served again without a new backtest when it was backtested and today's candidates are
 * exactly those it was chosen among: a series that gained or lost weather, or grew long enough for Prophet,
 * chooses again.
 */
export function storedChoiceHolds(stored: StoredChoice, today: readonly ModelName[]): ModelChoice | null {
  const model = today.find((m) => m === stored.model);
  if (!model || !stored.backtest) return null;
  const before = Object.keys(stored.candidates);
  if (before.length !== today.length || !today.every((m) => m in stored.candidates)) return null;
  return { model, backtest: stored.backtest, candidates: stored.candidates };
}
