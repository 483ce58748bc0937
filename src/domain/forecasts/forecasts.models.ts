import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { baseColumns, instant } from '../../db/base.js';
import type { IntervalRatios } from './engine/intervals.js';
import { restaurants, suppliers } from '../organisations/organisations.models.js';
import { products } from '../products/products.models.js';

export const FORECAST_SCOPES = ['restaurant', 'supplier'] as const;
export type ForecastScope = (typeof FORECAST_SCOPES)[number];
export const forecastScope = pgEnum('forecast_scope', FORECAST_SCOPES);

export const WEATHER_SOURCES = ['history', 'forecast'] as const;
export const weatherSource = pgEnum('weather_source', WEATHER_SOURCES);

/**
 * One demand series (a restaurant's or a supplier's demand for one product) and its current model: which model
 * the backtest chose, how well it did there, and what it was trained on. The points live in `forecast_points`.
 */
export const forecastSeries = pgTable(
  'forecast_series',
  {
    ...baseColumns(),
    scope: forecastScope('scope').notNull(),
    restaurantId: uuid('restaurant_id').references(() => restaurants.id, { onDelete: 'cascade' }),
    supplierId: uuid('supplier_id').references(() => suppliers.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    model: text('model').notNull(),
    weatherUsed: boolean('weather_used').notNull().default(false),
    /** Why weather was not used (no key, outage, no coordinates), shown with the forecast. */
    weatherNote: text('weather_note'),
    backtestMase: doublePrecision('backtest_mase'),
    backtestSmape: doublePrecision('backtest_smape'),
    backtestOrigins: integer('backtest_origins').notNull().default(0),
    /** The 80 % interval ratios from the choice's backtest errors (engine/intervals.ts); null: the model's own. */
    backtestInterval: jsonb('backtest_interval').$type<IntervalRatios>(),
    /** Backtest MASE of every candidate model, keyed by model name. */
    candidates: jsonb('candidates').$type<Record<string, number>>().notNull().default({}),
    /** Training facts: open days, mean demand, fit time. */
    training: jsonb('training').$type<Record<string, number | string>>().notNull().default({}),
    historyFrom: date('history_from', { mode: 'string' }),
    historyTo: date('history_to', { mode: 'string' }),
    /** Digest of the demand observations trained on; the nightly job retrains only when it changes. */
    dataDigest: text('data_digest').notNull(),
    trainedAt: instant('trained_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('forecast_series_restaurant_product_key')
      .on(t.restaurantId, t.productId)
      .where(sql`${t.scope} = 'restaurant'`),
    uniqueIndex('forecast_series_supplier_product_key')
      .on(t.supplierId, t.productId)
      .where(sql`${t.scope} = 'supplier'`),
    index('forecast_series_product_idx').on(t.productId),
    check(
      'forecast_series_scope_owner',
      sql`(${t.scope} = 'restaurant' AND ${t.restaurantId} IS NOT NULL AND ${t.supplierId} IS NULL) OR (${t.scope} = 'supplier' AND ${t.supplierId} IS NOT NULL AND ${t.restaurantId} IS NULL)`,
    ),
    check(
      'forecast_series_model_known',
      sql`${t.model} IN ('ensemble_weather', 'ensemble', 'prophet_weather', 'prophet', 'seasonal_naive', 'moving_average')`,
    ),
  ],
);

/** Daily forecast with its 80 % interval, for the next 30 days after training (spec §12). */
export const forecastPoints = pgTable(
  'forecast_points',
  {
    ...baseColumns(),
    seriesId: uuid('series_id')
      .notNull()
      .references(() => forecastSeries.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    quantity: doublePrecision('quantity').notNull(),
    lower: doublePrecision('lower').notNull(),
    upper: doublePrecision('upper').notNull(),
  },
  (t) => [
    uniqueIndex('forecast_points_series_day_key').on(t.seriesId, t.day),
    check('forecast_points_interval', sql`${t.lower} <= ${t.quantity} AND ${t.quantity} <= ${t.upper}`),
  ],
);

/**
 * OpenWeather answers cached per place and day. Places are coordinates rounded to 0.01° (about 1 km), so
 * restaurants on the same block share one cache row. A `forecast` row is replaced by `history` once the day has
 * passed.
 */
export const weatherDays = pgTable(
  'weather_days',
  {
    ...baseColumns(),
    latitude: numeric('latitude', { precision: 5, scale: 2, mode: 'number' }).notNull(),
    longitude: numeric('longitude', { precision: 5, scale: 2, mode: 'number' }).notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    temperatureC: doublePrecision('temperature_c').notNull(),
    precipitationMm: doublePrecision('precipitation_mm').notNull(),
    source: weatherSource('source').notNull(),
    fetchedAt: instant('fetched_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('weather_days_place_day_key').on(t.latitude, t.longitude, t.day)],
);

export type ForecastSeriesRow = typeof forecastSeries.$inferSelect;
export type ForecastPointRow = typeof forecastPoints.$inferSelect;
export type WeatherDayRow = typeof weatherDays.$inferSelect;
