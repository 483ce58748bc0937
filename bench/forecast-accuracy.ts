import { headOf } from '../src/domain/forecasts/engine/series.js';
import { placeIndex, type PLACE_SETTINGS, type PlaceContext } from '../src/domain/forecasts/engine/place.js';
import {
  originWindows,
  type BacktestPlan,
  type BacktestResult,
} from '../src/domain/forecasts/engine/backtest.js';
import { mase, mean, smape } from '../src/domain/forecasts/engine/metrics.js';
import type { EnsembleSettings } from '../src/domain/forecasts/engine/ensemble.js';
import type { CONFORMAL_SETTINGS } from '../src/domain/forecasts/engine/intervals.js';
import type { ModelContext, ModelName } from '../src/domain/forecasts/engine/models.js';
import type { ForecastPool } from '../src/domain/forecasts/engine/pool.js';
import { SELECTION_PLAN } from '../src/domain/forecasts/engine/select.js';
import type { ProphetSettings } from '../src/domain/forecasts/engine/prophet.js';
import { loadYaz, YAZ_WEATHER } from './forecast-yaz.js';

const HORIZON = 14;
/** 13 origins × 14 days = the last 6 months, held out; tuning used only the 8 origins before them. */
export const TEST_PLAN: BacktestPlan = { horizonDays: HORIZON, origins: 13, minTrainingDays: 56 };
export const TUNING_PLAN: BacktestPlan = {
  horizonDays: HORIZON,
  origins: 8,
  skipLatest: 13,
  minTrainingDays: 56,
};

/** What a tuning run varies; everything else is the production default. */
export interface EngineSettings {
  prophet?: Partial<ProphetSettings>;
  ensemble?: Partial<EnsembleSettings>;
  conformal?: Partial<typeof CONFORMAL_SETTINGS>;
  /** Origins of the per-series model choice's backtest (production: SELECTION_PLAN). */
  selectionOrigins?: number;
  /** The top-down blend (engine/place.ts); `{"weight":0}` switches it off. */
  place?: Partial<typeof PLACE_SETTINGS>;
}

/** BENCH_FORECAST_WEATHER=temperature,rain narrows the weather regressors (default: all five columns). */
function weatherColumns(): string[] {
  const wanted = (process.env.BENCH_FORECAST_WEATHER ?? '').split(',').filter((w) => w.length > 0);
  return wanted.length > 0 ? wanted : [...YAZ_WEATHER];
}

/**
 * The restaurant's demand-index forecasts on the 14-day grid the backtests' origins lie on (every plan counts
 * back from the data's end in 14-day steps), each from the items' history before it: what the nightly job
 * gives a restaurant's series.
 */
const placeCache = new Map<string, Promise<PlaceContext>>();
function placeContext(pool: ForecastPool, ctx: ModelContext, plan: BacktestPlan): Promise<PlaceContext> {
  const yaz = loadYaz()!;
  const origins = plan.origins + (plan.skipLatest ?? 0) + SELECTION_PLAN.origins + 8;
  const key = JSON.stringify({ origins, weather: ctx.weather, prophet: ctx.prophet, ensemble: ctx.ensemble });
  const cached = placeCache.get(key);
  if (cached) return cached;
  const first = yaz.series[yaz.items[0]!]!;
  const grid = { horizonDays: HORIZON, origins, minTrainingDays: 56 };
  const windows = originWindows(first, grid).map(({ history, future }) => ({
    index: placeIndex(yaz.items.map((item) => headOf(yaz.series[item]!, history.dates.length))),
    future,
  }));
  const made = pool.run({ kind: 'place', windows, ctx }).then((result) => {
    if (result.kind !== 'place') throw new Error('unexpected task result');
    return { forecasts: result.forecasts };
  });
  placeCache.set(key, made);
  return made;
}

async function contextWithPlace(
  pool: ForecastPool,
  settings: EngineSettings,
  plan: BacktestPlan,
): Promise<ModelContext> {
  const ctx = contextFor(settings);
  if (settings.place?.weight === 0) return ctx;
  const place = await placeContext(pool, ctx, plan);
  return { ...ctx, place, ...(settings.place ? { placeSettings: settings.place } : {}) };
}

function contextFor(settings: EngineSettings): ModelContext {
  return {
    holidays: loadYaz()!.holidays,
    weather: weatherColumns(),
    ...(settings.prophet ? { prophet: settings.prophet } : {}),
    ...(settings.ensemble ? { ensemble: settings.ensemble } : {}),
    ...(settings.conformal ? { conformal: settings.conformal } : {}),
  };
}

export type ItemResults = Record<string, Partial<Record<ModelName, BacktestResult>>>;

/** Points-only backtest of fixed models, one task per item (an ensemble re-uses its parts' fits). */
export async function evaluate(
  pool: ForecastPool,
  plan: BacktestPlan,
  settings: EngineSettings,
  models: ModelName[],
): Promise<ItemResults> {
  const yaz = loadYaz()!;
  const ctx = await contextWithPlace(pool, settings, plan);
  const out: ItemResults = {};
  await Promise.all(
    yaz.items.map(async (item) => {
      const result = await pool.run({
        kind: 'backtest',
        models,
        series: yaz.series[item]!,
        plan,
        ctx,
      });
      if (result.kind !== 'backtest') throw new Error('unexpected task result');
      out[item] = Object.fromEntries(result.results.map((r) => [r.model, r]));
    }),
  );
  return out;
}

export interface ServedScore {
  mase: number;
  smape: number;
  /** Share of actual days inside the served 80 % interval. */
  coverage: number;
  /** Mean interval width relative to the mean actual. */
  relativeWidth: number;
  chosen: Partial<Record<ModelName, number>>;
}

/**
 * What production serves, origin by origin: the same `select-and-forecast` task the nightly job runs, on the
 * history before each origin (its own model choice included), scored on the next 14 days with its intervals.
 * With `model` set, that one model is served instead (for interval coverage of a fixed model).
 */
export async function evaluateServed(
  pool: ForecastPool,
  plan: BacktestPlan,
  settings: EngineSettings,
  model?: ModelName,
): Promise<Record<string, ServedScore>> {
  const yaz = loadYaz()!;
  const ctx = await contextWithPlace(pool, settings, plan);
  const out: Record<string, ServedScore> = {};
  await Promise.all(
    yaz.items.map(async (item) => {
      const windows = originWindows(yaz.series[item]!, plan);
      const scores = await Promise.all(
        windows.map(async ({ history, future, actual }) => {
          const result = await pool.run(
            model
              ? { kind: 'forecast', model, history, future, ctx }
              : {
                  kind: 'select-and-forecast',
                  history,
                  future,
                  ctx,
                  ...(settings.selectionOrigins
                    ? { plan: { ...SELECTION_PLAN, origins: settings.selectionOrigins } }
                    : {}),
                },
          );
          if (result.kind === 'backtest' || result.kind === 'place')
            throw new Error('unexpected task result');
          const served = result.model;
          const f = result.forecast;
          return {
            served,
            mase: mase(actual, f.points, history),
            smape: smape(actual, f.points),
            inside: actual.filter((a, i) => a >= (f.lower[i] ?? 0) && a <= (f.upper[i] ?? 0)).length,
            days: actual.length,
            width: mean(actual.map((_, i) => (f.upper[i] ?? 0) - (f.lower[i] ?? 0))) / (mean(actual) || 1),
          };
        }),
      );
      const chosen: Partial<Record<ModelName, number>> = {};
      for (const s of scores) chosen[s.served] = (chosen[s.served] ?? 0) + 1;
      out[item] = {
        mase: mean(scores.map((s) => s.mase)),
        smape: mean(scores.map((s) => s.smape)),
        coverage:
          scores.reduce((a, s) => a + s.inside, 0) /
          Math.max(
            1,
            scores.reduce((a, s) => a + s.days, 0),
          ),
        relativeWidth: mean(scores.map((s) => s.width)),
        chosen,
      };
    }),
  );
  return out;
}

export function meanMase(results: ItemResults, model: ModelName): number {
  return mean(Object.values(results).map((r) => r[model]!.mase));
}
