import type { ForecastPool } from './engine/pool.js';
import { originWindows } from './engine/backtest.js';
import type { ModelContext } from './engine/models.js';
import { placeIndex, type PlaceContext, type PlaceForecast } from './engine/place.js';
import { SELECTION_PLAN } from './engine/select.js';
import type { DailySeries, FutureDays } from './engine/series.js';

/** One of a restaurant's series as the night trains it: history and future with their regressors. */
export interface SeriesInput {
  history: DailySeries;
  future: FutureDays;
  ctx: ModelContext;
}

/**
 * The restaurant demand-index forecasts of one night (engine/place.ts), made once per restaurant and shared by its
 * series: tonight's from the whole history, and — only when one of its series chooses its model again tonight —
 * one from each origin of the selection backtest, so the backtest scores the ensembles as they will be served.
 * A restaurant with fewer than two series with demand has no index worth blending: its series go without.
 */
export function createPlaceIndexes(deps: {
  pool: () => ForecastPool;
  /** Every series of the restaurant with demand in the history window, changed tonight or not. */
  inputsOf: (restaurantId: string) => Promise<SeriesInput[]>;
  /** The index is an improvement, not a requirement: when it fails, the series train without it. */
  onFailure: (restaurantId: string, err: unknown) => void;
}) {
  const failed = new Set<string>();
  const indexes = new Map<string, Promise<SeriesInput | undefined>>();
  const tonight = new Map<string, Promise<PlaceForecast[]>>();
  const origins = new Map<string, Promise<PlaceForecast[]>>();

  const indexOf = (restaurantId: string): Promise<SeriesInput | undefined> =>
    once(indexes, restaurantId, () =>
      deps.inputsOf(restaurantId).then((inputs) => {
        const withDemand = inputs.filter((s) => s.history.values.some((v) => v > 0));
        const first = withDemand[0];
        if (!first || withDemand.length < 2) return undefined;
        return {
          history: placeIndex(withDemand.map((s) => s.history)),
          future: first.future,
          ctx: first.ctx,
        };
      }),
    );

  async function forecasts(
    index: SeriesInput,
    windows: { index: DailySeries; future: FutureDays }[],
  ): Promise<PlaceForecast[]> {
    if (windows.length === 0) return [];
    const result = await deps.pool().run({ kind: 'place', windows, ctx: index.ctx });
    if (result.kind !== 'place') throw new Error('unexpected forecast task result');
    return result.forecasts;
  }

  /** The night's one promise per restaurant for `cache`: made on first use, shared after. */
  function once<T>(cache: Map<string, Promise<T>>, restaurantId: string, make: () => Promise<T>): Promise<T> {
    let made = cache.get(restaurantId);
    if (!made) {
      made = make();
      cache.set(restaurantId, made);
    }
    return made;
  }

  return {
    async forRestaurant(restaurantId: string, withOrigins: boolean): Promise<PlaceContext | undefined> {
      try {
        const index = await indexOf(restaurantId);
        if (!index) return undefined;
        const now = once(tonight, restaurantId, () =>
          forecasts(index, [{ index: index.history, future: index.future }]),
        );
        const past = withOrigins
          ? once(origins, restaurantId, () =>
              forecasts(
                index,
                originWindows(index.history, SELECTION_PLAN).map((w) => ({
                  index: w.history,
                  future: w.future,
                })),
              ),
            )
          : Promise.resolve([]);
        return { forecasts: [...(await now), ...(await past)] };
      } catch (err) {
        if (!failed.has(restaurantId)) deps.onFailure(restaurantId, err);
        failed.add(restaurantId);
        return undefined;
      }
    },
  };
}

export type PlaceIndexes = ReturnType<typeof createPlaceIndexes>;
