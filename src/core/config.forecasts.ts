import { z } from 'zod';
import { emptyToUndefined, int, optionalString } from './config.fields.js';

/** Demand forecasting and its weather source (spec §12), parsed with the rest of the environment. */
export const forecastEnv = {
  OPENWEATHER_API_KEY: optionalString,
  OPENWEATHER_BASE_URL: z.preprocess(
    emptyToUndefined,
    z.url({ protocol: /^https?$/ }).default('https://api.openweathermap.org'),
  ),
  OPENWEATHER_TIMEOUT_MS: int(5_000, 100, 60_000),
  OPENWEATHER_RETRIES: int(2, 0, 5),
  FORECAST_THREADS: int(1, 1, 16),
  FORECAST_HISTORY_DAYS: int(730, 56, 1_825),
  /**
   * A series' model choice (a rolling backtest of every candidate, several fits each) is remade at most this
   * often; on the nights between, the chosen model alone is refitted to the new data.
   */
  FORECAST_RESELECT_DAYS: int(28, 1, 365),
  FORECAST_HOLIDAY_COUNTRY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Z]{2}$/)
      .default('SE'),
  ),
};

type ForecastEnv = z.infer<z.ZodObject<typeof forecastEnv>>;

export interface ForecastConfig {
  /** Worker threads the nightly job fits models on: its bound on parallelism. */
  threads: number;
  historyDays: number;
  holidayCountry: string;
  /** Days a series keeps its model choice before the backtest chooses again. */
  reselectDays: number;
  /** Undefined without OPENWEATHER_API_KEY: forecasts then run without weather regressors and say so. */
  openWeather: { apiKey: string; baseUrl: string; timeoutMs: number; retries: number } | undefined;
}

export function forecastConfig(e: ForecastEnv): ForecastConfig {
  return {
    threads: e.FORECAST_THREADS,
    historyDays: e.FORECAST_HISTORY_DAYS,
    holidayCountry: e.FORECAST_HOLIDAY_COUNTRY,
    reselectDays: e.FORECAST_RESELECT_DAYS,
    openWeather: e.OPENWEATHER_API_KEY
      ? {
          apiKey: e.OPENWEATHER_API_KEY,
          baseUrl: e.OPENWEATHER_BASE_URL,
          timeoutMs: e.OPENWEATHER_TIMEOUT_MS,
          retries: e.OPENWEATHER_RETRIES,
        }
      : undefined,
  };
}
