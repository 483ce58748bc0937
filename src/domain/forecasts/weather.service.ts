import type { Database } from '../../core/db.types.js';
import * as repo from './forecasts.repository.js';
import { addDays } from './engine/series.js';
import { WeatherUnavailableError, type WeatherClient, type WeatherDay } from './weather.client.js';

/** The two regressors Iris gives Prophet (spec §12: temperature and precipitation). */
export const WEATHER_REGRESSORS = ['temperature', 'precipitation'] as const;

export type WeatherOutcome =
  | { ok: true; byDay: Map<string, { temperature: number; precipitation: number }> }
  | { ok: false; reason: 'no_key' | 'no_coordinates' | 'outage'; note: string };

export interface WeatherProvider {
  /** Weather for every day in [from, to]: history, then OpenWeather's forecast, then climatology beyond it. */
  forPlace(
    lat: number | null,
    lon: number | null,
    from: string,
    to: string,
    today: string,
  ): Promise<WeatherOutcome>;
}

/**
 * Fetches what the cache lacks (past days one day-summary each, a few at a time; the forecast once a day per
 * place) and fills the days past OpenWeather's 8-day forecast with climatology: the mean of the same calendar
 * fortnight in earlier years, or of the last 28 known days when there is no earlier year.
 */
export function createWeatherProvider(deps: {
  db: Database;
  client: WeatherClient | undefined;
  concurrency?: number;
}): WeatherProvider {
  const { db, client } = deps;
  return {
    async forPlace(lat, lon, from, to, today) {
      if (!client)
        return {
          ok: false,
          reason: 'no_key',
          note: 'no OpenWeather key configured: forecast made without weather',
        };
      if (lat === null || lon === null) {
        return {
          ok: false,
          reason: 'no_coordinates',
          note: 'the restaurant has no coordinates: forecast made without weather',
        };
      }
      try {
        const cached = await repo.cachedWeather(db, lat, lon, from, to);
        const have = new Map(cached.map((r) => [r.day, r]));
        const missing: string[] = [];
        for (let d = from; d < today; d = addDays(d, 1))
          if (have.get(d)?.source !== 'history') missing.push(d);
        const fetched: WeatherDay[] = [];
        await inBatches(missing, deps.concurrency ?? 4, async (day) => {
          fetched.push(await client.history(lat, lon, day));
        });
        await repo.storeWeather(
          db,
          lat,
          lon,
          fetched.map((d) => ({ ...d, source: 'history' as const })),
        );
        const forecastFresh = cached.some(
          (r) => r.source === 'forecast' && r.day >= today && isSameDay(r.fetchedAt, today),
        );
        if (!forecastFresh) {
          const ahead = (await client.forecast(lat, lon)).filter((d) => d.day >= today);
          await repo.storeWeather(
            db,
            lat,
            lon,
            ahead.map((d) => ({ ...d, source: 'forecast' as const })),
          );
        }
        const rows = await repo.cachedWeather(db, lat, lon, addDays(from, -366 * 2), to);
        return { ok: true, byDay: withClimatology(rows, from, to) };
      } catch (error) {
        if (!(error instanceof WeatherUnavailableError)) throw error;
        return {
          ok: false,
          reason: 'outage',
          note: `OpenWeather unavailable (${error.message}): forecast made without weather`,
        };
      }
    },
  };
}

function isSameDay(at: Date, day: string): boolean {
  return at.toISOString().slice(0, 10) === day;
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

function withClimatology(
  rows: { day: string; temperatureC: number; precipitationMm: number }[],
  from: string,
  to: string,
): Map<string, { temperature: number; precipitation: number }> {
  const known = new Map(
    rows.map((r) => [r.day, { temperature: r.temperatureC, precipitation: r.precipitationMm }]),
  );
  const out = new Map<string, { temperature: number; precipitation: number }>();
  const recent = rows.slice(-28);
  const recentMean = {
    temperature: average(recent.map((r) => r.temperatureC)),
    precipitation: average(recent.map((r) => r.precipitationMm)),
  };
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const hit = known.get(d);
    if (hit) {
      out.set(d, hit);
      continue;
    }
    const sameSeason: { temperature: number; precipitation: number }[] = [];
    for (const back of [365, 730]) {
      for (let k = -7; k <= 7; k++) {
        const v = known.get(addDays(d, -back + k));
        if (v) sameSeason.push(v);
      }
    }
    out.set(
      d,
      sameSeason.length > 0
        ? {
            temperature: average(sameSeason.map((v) => v.temperature)),
            precipitation: average(sameSeason.map((v) => v.precipitation)),
          }
        : recentMean,
    );
  }
  return out;
}

const average = (v: number[]) => (v.length === 0 ? 0 : v.reduce((a, b) => a + b, 0) / v.length);
