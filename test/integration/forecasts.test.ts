import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/rows.js';
import { CONFORMAL_SETTINGS } from '../../src/domain/forecasts/engine/intervals.js';
import { PLACE_SETTINGS } from '../../src/domain/forecasts/engine/place.js';
import { ForecastPool } from '../../src/domain/forecasts/engine/pool.js';
import { addDays } from '../../src/domain/forecasts/engine/series.js';
import { createForecastTraining, localToday } from '../../src/domain/forecasts/forecasts.training.js';
import { createWeatherClient } from '../../src/domain/forecasts/weather.client.js';
import { createWeatherProvider } from '../../src/domain/forecasts/weather.service.js';
import { createTestContext, type TestContext } from '../helpers/app.js';
import { createOrg, createUser, type TestUser } from '../helpers/identity.js';
import { createProduct } from '../helpers/orders.js';

/** A local stand-in for OpenWeather One Call 3.0: day summaries and the daily forecast, or a 503 outage. */
let weatherDown = false;
let weatherCalls = 0;
const fakeWeather: Server = createServer((req, res) => {
  weatherCalls++;
  const url = new URL(req.url ?? '/', 'http://x');
  if (weatherDown || url.searchParams.get('appid') !== 'test-key') {
    res.writeHead(weatherDown ? 503 : 401).end();
    return;
  }
  res.setHeader('content-type', 'application/json');
  if (url.pathname === '/data/3.0/onecall/day_summary') {
    const day = url.searchParams.get('date') ?? '';
    const t = 5 + ((Date.parse(day) / 86_400_000) % 10);
    res.end(
      JSON.stringify({
        date: day,
        temperature: { morning: t, afternoon: t + 4, evening: t + 2, night: t - 2 },
        precipitation: { total: 1.5 },
      }),
    );
  } else if (url.pathname === '/data/3.0/onecall') {
    const start = Math.floor(Date.now() / 86_400_000) * 86_400;
    res.end(
      JSON.stringify({
        timezone_offset: 3600,
        daily: Array.from({ length: 8 }, (_, i) => ({
          dt: start + i * 86_400 + 36_000,
          temp: { morn: 3, day: 7, eve: 5, night: 1 },
          rain: 0.4,
        })),
      }),
    );
  } else res.writeHead(404).end();
});

let ctx: TestContext;
let chef: TestUser;
let otherChef: TestUser;
let seller: TestUser;
let restaurantId: string;
let dryRestaurantId: string;
let supplierId: string;
let productId: string;
let pool: ForecastPool;
const log = pino({ level: 'silent' });
const today = localToday('Europe/Stockholm');

async function seedDemand(restaurant: string, days: number, product = productId) {
  // One delivered order per open day (Mon–Sat) with a weekday-shaped quantity, dated in the past.
  await ctx.database.db.execute(sql`
    WITH days AS (
      SELECT d::date AS day, row_number() OVER (ORDER BY d) AS n FROM generate_series(${addDays(today, -days)}::date, ${addDays(today, -1)}::date, '1 day') d
      WHERE extract(isodow FROM d) < 7
    ), placed AS (
      INSERT INTO orders (restaurant_id, supplier_id, status, currency, subtotal_cents, tax_cents, total_cents, delivery_date, vat_date)
      SELECT ${restaurant}, ${supplierId}, 'confirmed', 'SEK', 1000, 120, 1120, day, day FROM days RETURNING id, delivery_date
    )
    INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit, quantity, unit_price_cents, vat_category, vat_rate_bp, net_cents, stock_taken)
    SELECT p.id, 1, ${product}, 'LAX', 'Lax', 'kg', (4 + extract(isodow FROM p.delivery_date) * 2 + (extract(doy FROM p.delivery_date)::int % 5))::numeric, 1000, 'food', 1200, 1000, false FROM placed p`);
}

beforeAll(async () => {
  await new Promise<void>((resolve) => fakeWeather.listen(0, '127.0.0.1', resolve));
  ctx = await createTestContext();
  const db = ctx.database.db;
  chef = await createUser(db, ctx.config, 'RESTAURANT');
  otherChef = await createUser(db, ctx.config, 'RESTAURANT');
  seller = await createUser(db, ctx.config, 'SUPPLIER');
  restaurantId = await createOrg(db, 'restaurant', 'Bistro Väder AB', [{ user: chef, role: 'owner' }]);
  dryRestaurantId = await createOrg(db, 'restaurant', 'Bistro Torka AB', [
    { user: otherChef, role: 'owner' },
  ]);
  supplierId = await createOrg(db, 'supplier', 'Fisk AB', [{ user: seller, role: 'owner' }]);
  productId = await createProduct(db, supplierId, { unit: 'kg', name: 'Lax' });
  // Coordinates and a Sunday-closed week are set through the API, as a restaurant owner would.
  for (const [id, user, lat] of [
    [restaurantId, chef, 59.33],
    [dryRestaurantId, otherChef, 57.7],
  ] as const) {
    const res = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/restaurants/${id}`,
      headers: user.headers,
      payload: { latitude: lat, longitude: 18.07, opening_weekdays: [1, 2, 3, 4, 5, 6] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ latitude: lat, opening_weekdays: [1, 2, 3, 4, 5, 6] });
  }
  await seedDemand(restaurantId, 70);
  await seedDemand(dryRestaurantId, 70);
  pool = new ForecastPool(1);
}, 120_000);

afterAll(async () => {
  await pool.close();
  await ctx.close();
  fakeWeather.close();
});

function training(apiKey: string | undefined) {
  const { port } = fakeWeather.address() as AddressInfo;
  const client = apiKey
    ? createWeatherClient({
        apiKey,
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 2_000,
        retries: 1,
        backoffMs: 10,
      })
    : undefined;
  return createForecastTraining({
    db: ctx.database.db,
    pool: () => pool,
    weather: createWeatherProvider({ db: ctx.database.db, client }),
    settings: { historyDays: 400, country: 'SE', timezone: 'Europe/Stockholm', reselectDays: 28 },
  });
}

const forecastUrl = (restaurant: string, extra = '') =>
  `/api/v1/forecasts?restaurant_id=${restaurant}&product_id=${productId}${extra}`;

describe('forecasts.refresh and reads', () => {
  it('trains with weather from OpenWeather (cached per place and day), survives an outage, and skips unchanged series', async () => {
    const fallbacks: string[] = [];
    // The first restaurant's weather is fetched while OpenWeather is up…
    const first = await training('test-key').refresh(log, (reason) => fallbacks.push(reason));
    expect(first).toMatchObject({ retrained: 3, failed: 0 }); // two restaurants and the supplier-wide series
    const [cached] = await queryRows<{ n: number }>(
      ctx.database.db,
      sql`SELECT count(*)::int AS n FROM weather_days WHERE latitude = 59.33`,
    );
    expect(cached!.n).toBeGreaterThan(60);

    // …nothing changed: nothing retrains, and OpenWeather is not asked again.
    const calls = weatherCalls;
    const second = await training('test-key').refresh(log);
    expect(second).toMatchObject({ retrained: 0, unchanged: 3 });
    expect(weatherCalls).toBe(calls);

    const res = await ctx.app.inject({
      method: 'GET',
      url: forecastUrl(restaurantId),
      headers: chef.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.points.length).toBeGreaterThan(20);
    expect(body.points.length).toBeLessThanOrEqual(30);
    // Sundays are closed: no point is forecast for them.
    expect(body.points.every((p: { date: string }) => new Date(p.date).getUTCDay() !== 0)).toBe(true);
    for (const p of body.points) expect(p.lower).toBeLessThanOrEqual(p.quantity);
    expect(body.candidates).toHaveProperty('prophet_weather');
    expect(body.candidates).toHaveProperty('seasonal_naive');
    expect(body.backtest.mase).toBeLessThanOrEqual(body.candidates.seasonal_naive);
    expect(body.weather_note).toBeNull();
    expect(body.model_reason).toMatch(/MASE/);
    expect(fallbacks).toEqual([]);
  }, 300_000);

  it('an OpenWeather outage falls back to no weather, says so, and counts it', async () => {
    await seedDemand(dryRestaurantId, 1); // new data for the second restaurant only
    await ctx.database.db.execute(sql`DELETE FROM weather_days WHERE latitude = 57.70`);
    weatherDown = true;
    const fallbacks: string[] = [];
    try {
      const summary = await training('test-key').refresh(log, (reason) => fallbacks.push(reason));
      expect(summary).toMatchObject({ failed: 0, weatherFallbacks: { outage: 1 } });
    } finally {
      weatherDown = false;
    }
    expect(fallbacks).toContain('outage');
    const res = await ctx.app.inject({
      method: 'GET',
      url: forecastUrl(dryRestaurantId),
      headers: otherChef.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      weather_used: false,
      weather_note: expect.stringMatching(/OpenWeather unavailable/),
    });
    expect(res.json().candidates).not.toHaveProperty('prophet_weather');
  }, 300_000);

  it('without a key, forecasts run without weather and say so', async () => {
    await seedDemand(dryRestaurantId, 1);
    const summary = await training(undefined).refresh(log);
    expect(summary.weatherFallbacks).toEqual({ no_key: 1 });
    const res = await ctx.app.inject({
      method: 'GET',
      url: forecastUrl(dryRestaurantId),
      headers: otherChef.headers,
    });
    expect(res.json().weather_note).toMatch(/no OpenWeather key/);
  }, 300_000);

  it('serves the chart as SVG, and the supplier its own product demand', async () => {
    const chart = await ctx.app.inject({
      method: 'GET',
      url: forecastUrl(restaurantId).replace('/forecasts?', '/forecasts/chart.svg?'),
      headers: chef.headers,
    });
    expect(chart.statusCode).toBe(200);
    expect(chart.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(chart.body).toContain('<title>80 % interval</title>');
    const supplierView = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/forecasts?supplier_id=${supplierId}&product_id=${productId}&horizon_days=7`,
      headers: seller.headers,
    });
    expect(supplierView.statusCode).toBe(200);
    expect(supplierView.json()).toMatchObject({ scope: 'supplier', weather_used: false });
    expect(supplierView.json().points.length).toBeLessThanOrEqual(7);
  });

  it('answers 404 for what the caller may not see and 400 for a bad query', async () => {
    const foreign = await ctx.app.inject({
      method: 'GET',
      url: forecastUrl(restaurantId),
      headers: otherChef.headers,
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('FORECAST_NOT_FOUND');
    const otherSupplier = await createUser(ctx.database.db, ctx.config, 'SUPPLIER');
    const notTheirs = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/forecasts?supplier_id=${supplierId}&product_id=${productId}`,
      headers: otherSupplier.headers,
    });
    expect(notTheirs.statusCode).toBe(404);
    const tooFar = await ctx.app.inject({
      method: 'GET',
      url: forecastUrl(restaurantId, '&horizon_days=91'),
      headers: chef.headers,
    });
    expect(tooFar.statusCode).toBe(400);
    const both = await ctx.app.inject({
      method: 'GET',
      url: `${forecastUrl(restaurantId)}&supplier_id=${supplierId}`,
      headers: chef.headers,
    });
    expect(both.statusCode).toBe(400);
    const badWeekdays = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/restaurants/${restaurantId}`,
      headers: chef.headers,
      payload: { opening_weekdays: [1, 1, 8] },
    });
    expect(badWeekdays.statusCode).toBe(400);
  });

  it('blends a restaurant demand index into the ensembles of a restaurant with several products', async () => {
    const bistro = await createOrg(ctx.database.db, 'restaurant', 'Bistro Index AB', [
      { user: chef, role: 'owner' },
    ]);
    const cod = await createProduct(ctx.database.db, supplierId, { unit: 'kg', name: 'Torsk' });
    await seedDemand(bistro, 70);
    await seedDemand(bistro, 70, cod);
    const summary = await training(undefined).refresh(log);
    expect(summary).toMatchObject({ failed: 0 });
    const rows = await queryRows<{ product_id: string; model: string; training: Record<string, unknown> }>(
      ctx.database.db,
      sql`SELECT product_id, model, training FROM forecast_series WHERE restaurant_id IN (${bistro}, ${restaurantId})`,
    );
    const indexed = rows.filter((r) => r.training.top_down_weight === PLACE_SETTINGS.weight);
    // Both of the new restaurant's series; the one-product restaurant has no index to blend.
    expect(indexed.map((r) => r.product_id).sort()).toEqual([productId, cod].sort());
    expect(rows.filter((r) => !indexed.includes(r))).toHaveLength(1);
  }, 300_000);

  it('refits the standing model choice on new data, and chooses again when the choice is due', async () => {
    const before = await ctx.app.inject({
      method: 'GET',
      url: forecastUrl(restaurantId),
      headers: chef.headers,
    });
    const selectedOn = before.json().training.selected_on;
    expect(selectedOn).toBe(today);

    const storedInterval = () =>
      queryRows<{ model: string; interval: { low: number; high: number; days: number } | null }>(
        ctx.database.db,
        sql`SELECT model, backtest_interval AS interval FROM forecast_series WHERE restaurant_id = ${restaurantId}`,
      ).then((rows) => rows[0]!);
    const chosen = await storedInterval();
    // The ensemble is preferred; its choice keeps the 80 % interval ratios of its backtest days.
    expect(chosen.model).toMatch(/^ensemble/);
    expect(chosen.interval!.days).toBeGreaterThanOrEqual(CONFORMAL_SETTINGS.minDays);
    expect(chosen.interval!.low).toBeLessThanOrEqual(chosen.interval!.high);

    // Stored ratios far wider than anything the ensemble's own interval gives, so the served interval shows them.
    const wide = { low: 0.2, high: 3, days: chosen.interval!.days };
    await ctx.database.db.execute(
      sql`UPDATE forecast_series SET backtest_interval = ${JSON.stringify(wide)}::jsonb WHERE restaurant_id = ${restaurantId}`,
    );
    await seedDemand(restaurantId, 1);
    const kept = await training('test-key').refresh(log);
    expect(kept).toMatchObject({ retrained: 2, reselected: 0, failed: 0 }); // the restaurant and supplier-wide
    // The refit night served the stored ratios, scaled, and kept them with the choice.
    expect((await storedInterval()).interval).toEqual(wide);
    const { scale } = CONFORMAL_SETTINGS;
    const points = (
      await ctx.app.inject({ method: 'GET', url: forecastUrl(restaurantId), headers: chef.headers })
    ).json().points as { quantity: number; lower: number; upper: number }[];
    expect(points.some((p) => p.quantity > 0)).toBe(true);
    for (const p of points.filter((p) => p.quantity > 0)) {
      expect(p.upper / p.quantity).toBeCloseTo(1 + scale * (wide.high - 1), 6);
      expect(p.lower / p.quantity).toBeCloseTo(1 - scale * (1 - wide.low), 6);
    }
    const refitted = await ctx.app.inject({
      method: 'GET',
      url: forecastUrl(restaurantId),
      headers: chef.headers,
    });
    expect(refitted.json()).toMatchObject({
      model: before.json().model,
      backtest: before.json().backtest,
      candidates: before.json().candidates,
      training: { selected_on: selectedOn },
    });

    // A night whose chosen model failed to fit was served by a fallback; the choice stands and is refitted next.
    await ctx.database.db.execute(
      sql`UPDATE forecast_series SET model = 'seasonal_naive', training = training || ${JSON.stringify({ chosen_model: chosen.model, fallback_reason: 'Line search failed' })}::jsonb WHERE restaurant_id = ${restaurantId}`,
    );
    const fellBack = await ctx.app.inject({
      method: 'GET',
      url: forecastUrl(restaurantId),
      headers: chef.headers,
    });
    expect(fellBack.json()).toMatchObject({ model: 'seasonal_naive' });
    expect(fellBack.json().model_reason).toMatch(/failed to fit.*Line search failed.*seasonal_naive/);
    await seedDemand(restaurantId, 1);
    const afterFallback = await training('test-key').refresh(log);
    expect(afterFallback).toMatchObject({ reselected: 0, failed: 0, fitFailures: { backtest: 0, refit: 0 } });
    const again = (
      await ctx.app.inject({ method: 'GET', url: forecastUrl(restaurantId), headers: chef.headers })
    ).json();
    expect(again).toMatchObject({ model: chosen.model, training: { selected_on: selectedOn } });
    expect(again.training).not.toHaveProperty('fallback_reason');

    // Five weeks on (the last test: it trains for a later day), every choice is past FORECAST_RESELECT_DAYS (28) and the backtest runs again.
    await seedDemand(restaurantId, 1);
    const later = new Date(Date.now() + 35 * 86_400_000);
    const due = await training('test-key').refresh(log, () => {}, later);
    expect(due).toMatchObject({ retrained: 2, reselected: 2, failed: 0 });
  }, 300_000);
});
