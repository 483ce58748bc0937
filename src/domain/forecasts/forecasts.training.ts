import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../core/db.types.js';
import type { ForecastScope } from './forecasts.models.js';
import * as repo from './forecasts.repository.js';
import type { ForecastPool } from './engine/pool.js';
import { PLACE_SETTINGS } from './engine/place.js';
import { createPlaceIndexes, type PlaceIndexes, type SeriesInput } from './forecasts.place-index.js';
import { publicHolidays } from './engine/holidays.js';
import { candidateModels, usesWeather } from './engine/models.js';
import { storedChoiceHolds, type ServedForecast } from './engine/select.js';
import { addDays, buildDailySeries, daysBetween, openDays, type OpeningRules } from './engine/series.js';
import { MAX_HORIZON_DAYS } from './forecasts.schemas.js';
import { WEATHER_REGRESSORS, type WeatherOutcome, type WeatherProvider } from './weather.service.js';

export interface TrainingSettings {
  historyDays: number;
  country: string;
  timezone: string;
  /** Days a model choice stands before the backtest runs again (FORECAST_RESELECT_DAYS). */
  reselectDays: number;
}

export interface RefreshSummary {
  considered: number;
  retrained: number;
  /** Of those retrained, how many chose their model anew (the rest refitted the stored choice). */
  reselected: number;
  unchanged: number;
  failed: number;
  /**
   * Fits that threw (Prophet's optimizer can fail its line search) without failing the series: `backtest`, series
   * whose choice left out a candidate that failed; `refit`, series served by a fallback model tonight.
   */
  fitFailures: { backtest: number; refit: number };
  weatherFallbacks: Record<string, number>;
}

const ALL_DAYS: OpeningRules = { openWeekdays: [1, 2, 3, 4, 5, 6, 7] };

/** Today's date in the business time zone. */
export function localToday(timezone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/**
 * Retrains the series whose demand changed since they were last trained (the digest differs), `pool.size` at a
 * time in worker threads, and stores each with its chosen model, backtest error and 90 days of points. The model
 * choice (a backtest of every candidate) is remade only every `reselectDays`; between, the chosen model is refitted.
 */
export function createForecastTraining(deps: {
  db: Database;
  pool: () => ForecastPool;
  weather: WeatherProvider;
  settings: TrainingSettings;
}) {
  const { db, settings } = deps;

  /**
   * A series chooses again after `days` minus up to half of that, by a stable hash of its key, so series first
   * trained on the same night do not all run their backtests together again.
   */
  function reselectAfter(key: repo.SeriesKey, days: number): number {
    let hash = 2166136261;
    for (const c of `${key.ownerId}:${key.productId}`) hash = Math.imul(hash ^ c.charCodeAt(0), 16777619);
    return days - ((hash >>> 0) % Math.ceil(days / 2));
  }

  /** A series' history and future with their regressors (the place's weather, fetched once per night). */
  async function seriesInput(
    key: repo.SeriesKey,
    today: string,
    weatherCache: Map<string, WeatherOutcome>,
    onWeatherFallback: (reason: string) => void,
  ): Promise<SeriesInput & { weather: WeatherOutcome }> {
    const from = addDays(today, -settings.historyDays);
    const observations = await repo.demandOf(db, key, from);
    const place = key.scope === 'restaurant' ? await repo.placeOf(db, key.ownerId) : undefined;
    const rules: OpeningRules = place ? { openWeekdays: place.openingWeekdays } : ALL_DAYS;
    const first = observations[0]?.date ?? addDays(today, -1);
    const history = buildDailySeries(observations, { from: first, to: addDays(today, -1) }, rules);
    const futureDates = openDays(today, addDays(today, MAX_HORIZON_DAYS - 1), rules);
    const holidays = publicHolidays(
      settings.country,
      Number(first.slice(0, 4)),
      Number(today.slice(0, 4)) + 1,
    );

    let weather: WeatherOutcome = {
      ok: false,
      reason: 'no_coordinates',
      note: 'supplier-wide demand has no single place: forecast made without weather',
    };
    if (place) {
      const placeKey = `${place.latitude}:${place.longitude}:${first}`;
      weather =
        weatherCache.get(placeKey) ??
        (await deps.weather.forPlace(
          place.latitude,
          place.longitude,
          first,
          futureDates.at(-1) ?? today,
          today,
        ));
      weatherCache.set(placeKey, weather);
      if (!weather.ok) onWeatherFallback(weather.reason);
    }
    const regressorsFor = (dates: string[]) =>
      weather.ok
        ? {
            regressors: {
              temperature: dates.map((d) => weather.byDay.get(d)?.temperature ?? 0),
              precipitation: dates.map((d) => weather.byDay.get(d)?.precipitation ?? 0),
            },
          }
        : {};
    return {
      history: { ...history, ...regressorsFor(history.dates) },
      future: { dates: futureDates, ...regressorsFor(futureDates) },
      ctx: { holidays, weather: weather.ok ? [...WEATHER_REGRESSORS] : [] },
      weather,
    };
  }

  async function trainOne(
    key: repo.SeriesKey & { digest: string },
    today: string,
    weatherCache: Map<string, WeatherOutcome>,
    onWeatherFallback: (reason: string) => void,
    places: PlaceIndexes,
  ): Promise<{ reselected: boolean; failedCandidates: string[]; fallback: ServedForecast['fallback'] }> {
    const { weather, ...input } = await seriesInput(key, today, weatherCache, onWeatherFallback);
    const { history, ctx } = input;
    const futureDates = input.future.dates;
    const stored = await repo.findSeries(db, key);
    const selectedOn = typeof stored?.training.selected_on === 'string' ? stored.training.selected_on : null;
    // A night served by a fallback keeps the choice it fell back from.
    const chosen = typeof stored?.training.chosen_model === 'string' ? stored.training.chosen_model : null;
    const kept =
      stored && selectedOn && daysBetween(selectedOn, today) < reselectAfter(key, settings.reselectDays)
        ? storedChoiceHolds(
            {
              model: chosen ?? stored.model,
              backtest:
                stored.backtestMase === null
                  ? null
                  : {
                      mase: stored.backtestMase,
                      smape: stored.backtestSmape ?? 0,
                      origins: stored.backtestOrigins,
                    },
              candidates: stored.candidates,
              interval: stored.backtestInterval,
            },
            candidateModels(input.history, ctx),
          )
        : null;
    const place = key.scope === 'restaurant' ? await places.forRestaurant(key.ownerId, !kept) : undefined;
    if (place) input.ctx = { ...ctx, place };
    const result = await deps.pool().run(
      kept
        ? {
            kind: 'forecast',
            model: kept.model,
            interval: kept.interval,
            candidates: kept.candidates,
            ...input,
          }
        : { kind: 'select-and-forecast', ...input },
    );
    if (result.kind === 'backtest' || result.kind === 'place')
      throw new Error('unexpected forecast task result');
    const choice = result.kind === 'select-and-forecast' ? result.choice : kept;
    if (!choice) throw new Error('unexpected forecast task result');
    const { forecast, fallback } = result;
    const values = history.values;
    const failedCandidates = Object.entries(choice.failed);
    await db.transaction((tx) =>
      repo.saveForecast(
        tx,
        {
          scope: key.scope,
          restaurantId: key.scope === 'restaurant' ? key.ownerId : null,
          supplierId: key.scope === 'supplier' ? key.ownerId : null,
          productId: key.productId,
          model: result.model,
          weatherUsed: weather.ok && usesWeather(result.model),
          weatherNote: weather.ok ? null : weather.note,
          backtestMase: choice.backtest?.mase ?? null,
          backtestSmape: choice.backtest?.smape ?? null,
          backtestOrigins: choice.backtest?.origins ?? 0,
          backtestInterval: choice.interval,
          candidates: Object.fromEntries(
            Object.entries(choice.candidates).filter(([, v]) => Number.isFinite(v)),
          ),
          training: {
            open_days: values.length,
            mean_daily_demand: values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length,
            fit_ms: Math.round(result.fitMs),
            selected_on: kept && selectedOn ? selectedOn : today,
            ...(place && result.model.startsWith('ensemble')
              ? { top_down_weight: PLACE_SETTINGS.weight }
              : {}),
            ...(fallback ? { chosen_model: choice.model, fallback_reason: fallback.reason } : {}),
            ...(failedCandidates.length > 0
              ? { failed_candidates: failedCandidates.map(([m, why]) => `${m} (${why})`).join('; ') }
              : {}),
          },
          historyFrom: history.dates[0] ?? null,
          historyTo: history.dates.at(-1) ?? null,
          dataDigest: key.digest,
          trainedAt: new Date(),
        },
        futureDates.map((day, i) => {
          const quantity = forecast.points[i] ?? 0;
          return {
            day,
            quantity,
            lower: Math.min(quantity, forecast.lower[i] ?? quantity),
            upper: Math.max(quantity, forecast.upper[i] ?? quantity),
          };
        }),
      ),
    );
    return { reselected: !kept, failedCandidates: failedCandidates.map(([m]) => m), fallback };
  }

  return {
    /** `onWeatherFallback` is told the reason each time a restaurant series trains without weather. */
    async refresh(
      log: FastifyBaseLogger,
      onWeatherFallback: (reason: string) => void = () => {},
      now = new Date(),
    ): Promise<RefreshSummary> {
      const today = localToday(settings.timezone, now);
      const from = addDays(today, -settings.historyDays);
      const summary: RefreshSummary = {
        considered: 0,
        retrained: 0,
        reselected: 0,
        unchanged: 0,
        failed: 0,
        fitFailures: { backtest: 0, refit: 0 },
        weatherFallbacks: {},
      };
      const todo: (repo.SeriesKey & { digest: string })[] = [];
      const productsOf = new Map<string, repo.SeriesKey[]>();
      for (const scope of ['restaurant', 'supplier'] as ForecastScope[]) {
        const stored = await repo.storedDigests(db, scope);
        for (const key of await repo.demandDigests(db, scope, from)) {
          summary.considered++;
          if (scope === 'restaurant') {
            const products = productsOf.get(key.ownerId);
            if (products) products.push(key);
            else productsOf.set(key.ownerId, [key]);
          }
          if (stored.get(`${key.ownerId}:${key.productId}`) === key.digest) summary.unchanged++;
          else todo.push(key);
        }
      }
      const weatherCache = new Map<string, WeatherOutcome>();
      const places = createPlaceIndexes({
        pool: deps.pool,
        onFailure: (restaurantId, err) => {
          log.warn(
            { err, restaurant_id: restaurantId },
            'restaurant demand index failed: series forecast without it',
          );
        },
        inputsOf: (restaurantId) =>
          Promise.all(
            (productsOf.get(restaurantId) ?? []).map((key) =>
              seriesInput(key, today, weatherCache, () => {}),
            ),
          ),
      });
      const width = Math.max(1, deps.pool().size);
      let next = 0;
      // `width` series in flight: enough to keep every worker thread busy while the others read and write.
      await Promise.all(
        Array.from({ length: width }, async () => {
          while (next < todo.length) {
            const key = todo[next++];
            if (!key) break;
            try {
              const outcome = await trainOne(key, today, weatherCache, onWeatherFallback, places);
              summary.retrained++;
              if (outcome.reselected) summary.reselected++;
              const series = { scope: key.scope, owner_id: key.ownerId, product_id: key.productId };
              if (outcome.failedCandidates.length > 0) {
                summary.fitFailures.backtest++;
                log.warn(
                  { ...series, models: outcome.failedCandidates },
                  'forecast candidates failed to fit',
                );
              }
              if (outcome.fallback) {
                summary.fitFailures.refit++;
                log.warn(
                  { ...series, ...outcome.fallback },
                  'forecast model failed to fit: served a fallback',
                );
              }
            } catch (err) {
              summary.failed++;
              log.error(
                { err, scope: key.scope, product_id: key.productId },
                'forecast series failed to train',
              );
            }
          }
        }),
      );
      for (const outcome of weatherCache.values()) {
        if (!outcome.ok)
          summary.weatherFallbacks[outcome.reason] = (summary.weatherFallbacks[outcome.reason] ?? 0) + 1;
      }
      return summary;
    },
  };
}

export type ForecastTraining = ReturnType<typeof createForecastTraining>;
