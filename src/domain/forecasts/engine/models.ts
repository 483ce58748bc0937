import { movingAverage, seasonalNaive, type PointForecast } from './baselines.js';
import { levelCorrectedEnsemble, type EnsembleSettings } from './ensemble.js';
import type { CONFORMAL_SETTINGS } from './intervals.js';
import { blendTopDown, type PLACE_SETTINGS, type PlaceContext } from './place.js';
import { prophetForecast, type ProphetSettings } from './prophet.js';
import type { DailySeries, FutureDays } from './series.js';

export const MODEL_NAMES = [
  'ensemble_weather',
  'ensemble',
  'prophet_weather',
  'prophet',
  'seasonal_naive',
  'moving_average',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** The Prophet an ensemble is built on (engine/ensemble.ts). */
const ENSEMBLE_BASE = { ensemble_weather: 'prophet_weather', ensemble: 'prophet' } as const;

/** The Prophet fit a model stands on, or null for the baselines, which cannot fail to fit. */
export function prophetFitOf(model: ModelName): ModelName | null {
  if (model === 'ensemble' || model === 'ensemble_weather') return ENSEMBLE_BASE[model];
  return model === 'prophet' || model === 'prophet_weather' ? model : null;
}

/** A forecast with, for Prophet asked `withFitted`, its in-sample fit. */
export type Fitted = PointForecast & { fitted?: number[] };

/** Whether a model's forecast uses the weather regressors (itself or through its Prophet). */
export function usesWeather(model: ModelName): boolean {
  return model === 'prophet_weather' || model === 'ensemble_weather';
}

/** Below eight weeks of history Prophet has too little to learn a weekly and trend shape from (spec §12). */
export const MIN_DAYS_FOR_PROPHET = 56;

export interface ModelContext {
  holidays: readonly string[];
  /** Weather regressor names available for this series (empty without weather). */
  weather: readonly string[];
  prophet?: Partial<ProphetSettings>;
  ensemble?: Partial<EnsembleSettings>;
  /** The restaurant's demand-index forecasts the ensembles blend in (engine/place.ts); absent: none. */
  place?: PlaceContext;
  /** The top-down blend's settings; tuning varies them. */
  placeSettings?: Partial<typeof PLACE_SETTINGS>;
  /** The backtest interval's settings (engine/intervals.ts); tuning varies them. */
  conformal?: Partial<typeof CONFORMAL_SETTINGS>;
  pointsOnly?: boolean;
  /** Prophet also returns its in-sample fit (points only). */
  withFitted?: boolean;
}

/**
 * Forecasts `future` with `model`. `memo` holds forecasts already made from this same history and future (points
 * only, as in a backtest), so an ensemble and its Prophet share one fit.
 */
export function runModel(
  model: ModelName,
  history: DailySeries,
  future: FutureDays,
  ctx: ModelContext,
  memo?: Map<ModelName, Fitted>,
): Fitted {
  const hit = memo?.get(model);
  if (hit && (!ctx.withFitted || hit.fitted)) return hit;
  const result = compute(model, history, future, ctx, memo);
  memo?.set(model, result);
  return result;
}

function compute(
  model: ModelName,
  history: DailySeries,
  future: FutureDays,
  ctx: ModelContext,
  memo: Map<ModelName, Fitted> | undefined,
): Fitted {
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
        ...(ctx.withFitted ? { withFitted: true } : {}),
      });
    case 'ensemble':
    case 'ensemble_weather': {
      const base = { ...ctx, pointsOnly: true, withFitted: true };
      const own = levelCorrectedEnsemble(
        history,
        future,
        runModel(ENSEMBLE_BASE[model], history, future, base, memo),
        ctx.ensemble,
      );
      if (!ctx.place) return own;
      // The interval keeps its ratios to the points: a blended point carries them along.
      const points = blendTopDown(own.points, history, future, ctx.place, ctx.placeSettings);
      return {
        points,
        lower: points.map((p, i) => (own.points[i] ? (p * (own.lower[i] ?? 0)) / own.points[i] : 0)),
        upper: points.map((p, i) => (own.points[i] ? (p * (own.upper[i] ?? 0)) / own.points[i] : 0)),
      };
    }
  }
}

/** The models a series of this length and with these regressors can run. */
export function candidateModels(history: DailySeries, ctx: ModelContext): ModelName[] {
  const models: ModelName[] = [];
  if (history.dates.length >= MIN_DAYS_FOR_PROPHET) {
    const weather = ctx.weather.length > 0 && ctx.weather.every((w) => history.regressors?.[w]);
    if (weather) models.push('ensemble_weather');
    models.push('ensemble');
    if (weather) models.push('prophet_weather');
    models.push('prophet');
  }
  // A moving average ignores the weekday: it stands in only until a week of history allows seasonal naive.
  if (history.dates.length >= 7) models.push('seasonal_naive');
  else models.push('moving_average');
  return models;
}
