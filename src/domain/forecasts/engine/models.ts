import { movingAverage, seasonalNaive, type PointForecast } from './baselines.js';
import { prophetForecast, type ProphetSettings } from './prophet.js';
import type { DailySeries, FutureDays } from './series.js';

export const MODEL_NAMES = ['prophet_weather', 'prophet', 'seasonal_naive', 'moving_average'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Below eight weeks of history Prophet has too little to learn a weekly and trend shape from (spec §12). */
export const MIN_DAYS_FOR_PROPHET = 56;

export interface ModelContext {
  holidays: readonly string[];
  /** Weather regressor names available for this series (empty without weather). */
  weather: readonly string[];
  prophet?: Partial<ProphetSettings>;
  pointsOnly?: boolean;
}

export function runModel(
  model: ModelName,
  history: DailySeries,
  future: FutureDays,
  ctx: ModelContext,
): PointForecast {
  switch (model) {
    case 'seasonal_naive':
      return seasonalNaive(history, future);
    case 'moving_average':
      return movingAverage(history, future);
    case 'prophet':
    case 'prophet_weather':
      return prophetForecast({
        history,
        future,
        holidays: ctx.holidays,
        regressors: model === 'prophet_weather' ? ctx.weather : [],
        ...(ctx.prophet ? { settings: ctx.prophet } : {}),
        ...(ctx.pointsOnly ? { pointsOnly: true } : {}),
      });
  }
}

/** The models a series of this length and with these regressors can run. */
export function candidateModels(history: DailySeries, ctx: ModelContext): ModelName[] {
  const models: ModelName[] = [];
  if (history.dates.length >= MIN_DAYS_FOR_PROPHET) {
    if (ctx.weather.length > 0 && ctx.weather.every((w) => history.regressors?.[w]))
      models.push('prophet_weather');
    models.push('prophet');
  }
  if (history.dates.length >= 7) models.push('seasonal_naive');
  models.push('moving_average');
  return models;
}
