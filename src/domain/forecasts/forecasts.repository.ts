import { and, asc, eq, gte, isNull, lte, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import { orderLines, orders } from '../orders/orders.models.js';
import {
  restaurantMembers,
  restaurants,
  supplierMembers,
  suppliers,
} from '../organisations/organisations.models.js';
import { products } from '../products/products.models.js';
import {
  type ForecastScope,
  forecastPoints,
  forecastSeries,
  type ForecastSeriesRow,
  weatherDays,
  type WeatherDayRow,
} from './forecasts.models.js';

/** Orders that never happened carry no demand. */
const NO_DEMAND = ['cancelled', 'rejected'];

/** The demand day of an order: its requested delivery day, else the Stockholm calendar day it was placed. */
const demandDay = sql<string>`coalesce(${orders.deliveryDate}, (${orders.placedAt} AT TIME ZONE 'Europe/Stockholm')::date)::text`;

const ownerColumn = (scope: ForecastScope) =>
  scope === 'restaurant' ? orders.restaurantId : orders.supplierId;

export interface SeriesKey {
  scope: ForecastScope;
  ownerId: string;
  productId: string;
}

/**
 * Every (owner, product) with demand since `from`, and a digest of that demand (lines, total, latest day and
 * latest change), so the nightly job can skip series whose data has not changed since they were trained.
 */
export async function demandDigests(
  ex: Executor,
  scope: ForecastScope,
  from: string,
): Promise<(SeriesKey & { digest: string })[]> {
  const owner = ownerColumn(scope);
  const rows = await ex
    .select({
      ownerId: owner,
      productId: orderLines.productId,
      digest: sql<string>`count(*)::text || ':' || sum(${orderLines.quantity})::text || ':' || max(${demandDay}) || ':' || max(${orders.updatedAt})::text`,
    })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(
      and(
        sql`${orders.status}::text NOT IN ${NO_DEMAND}`,
        gte(sql`${demandDay}`, from),
        isNull(orders.deletedAt),
      ),
    )
    .groupBy(owner, orderLines.productId);
  return rows.map((r) => ({ scope, ownerId: r.ownerId, productId: r.productId, digest: r.digest }));
}

/** Daily demand of one series since `from`, summed per demand day. */
export async function demandOf(
  ex: Executor,
  key: SeriesKey,
  from: string,
): Promise<{ date: string; quantity: number }[]> {
  const rows = await ex
    .select({ date: demandDay, quantity: sql<string>`sum(${orderLines.quantity})::text` })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(
      and(
        eq(ownerColumn(key.scope), key.ownerId),
        eq(orderLines.productId, key.productId),
        sql`${orders.status}::text NOT IN ${NO_DEMAND}`,
        gte(sql`${demandDay}`, from),
        isNull(orders.deletedAt),
      ),
    )
    .groupBy(demandDay)
    .orderBy(asc(demandDay));
  return rows.map((r) => ({ date: r.date, quantity: Number(r.quantity) }));
}

export async function placeOf(
  ex: Executor,
  restaurantId: string,
): Promise<{ latitude: number | null; longitude: number | null; openingWeekdays: number[] } | undefined> {
  const [row] = await ex
    .select({
      latitude: restaurants.latitude,
      longitude: restaurants.longitude,
      openingWeekdays: restaurants.openingWeekdays,
    })
    .from(restaurants)
    .where(and(eq(restaurants.id, restaurantId), isNull(restaurants.deletedAt)));
  return row;
}

export async function storedDigests(ex: Executor, scope: ForecastScope): Promise<Map<string, string>> {
  const rows = await ex
    .select({
      restaurantId: forecastSeries.restaurantId,
      supplierId: forecastSeries.supplierId,
      productId: forecastSeries.productId,
      digest: forecastSeries.dataDigest,
    })
    .from(forecastSeries)
    .where(and(eq(forecastSeries.scope, scope), isNull(forecastSeries.deletedAt)));
  return new Map(rows.map((r) => [`${r.restaurantId ?? r.supplierId}:${r.productId}`, r.digest]));
}

export type SeriesValues = Omit<
  typeof forecastSeries.$inferInsert,
  'id' | 'createdAt' | 'updatedAt' | 'deletedAt'
>;

/** Replaces a series' model facts and all its points in one transaction. */
export async function saveForecast(
  tx: Transaction,
  values: SeriesValues,
  points: { day: string; quantity: number; lower: number; upper: number }[],
): Promise<string> {
  const target =
    values.scope === 'restaurant'
      ? { target: [forecastSeries.restaurantId, forecastSeries.productId], where: sql`scope = 'restaurant'` }
      : { target: [forecastSeries.supplierId, forecastSeries.productId], where: sql`scope = 'supplier'` };
  const [row] = await tx
    .insert(forecastSeries)
    .values(values)
    .onConflictDoUpdate({
      target: target.target,
      targetWhere: target.where,
      set: { ...values, deletedAt: null },
    })
    .returning({ id: forecastSeries.id });
  if (!row) throw new Error('forecast series upsert returned no row');
  const id = row.id;
  await tx.delete(forecastPoints).where(eq(forecastPoints.seriesId, id));
  if (points.length > 0) await tx.insert(forecastPoints).values(points.map((p) => ({ ...p, seriesId: id })));
  return id;
}

export async function findSeries(ex: Executor, key: SeriesKey): Promise<ForecastSeriesRow | undefined> {
  const owner = key.scope === 'restaurant' ? forecastSeries.restaurantId : forecastSeries.supplierId;
  const [row] = await ex
    .select()
    .from(forecastSeries)
    .where(
      and(
        eq(forecastSeries.scope, key.scope),
        eq(owner, key.ownerId),
        eq(forecastSeries.productId, key.productId),
        isNull(forecastSeries.deletedAt),
      ),
    );
  return row;
}

export async function pointsOf(ex: Executor, seriesId: string, days: number) {
  return ex
    .select({
      day: forecastPoints.day,
      quantity: forecastPoints.quantity,
      lower: forecastPoints.lower,
      upper: forecastPoints.upper,
    })
    .from(forecastPoints)
    .where(eq(forecastPoints.seriesId, seriesId))
    .orderBy(asc(forecastPoints.day))
    .limit(days);
}

/** A live product and its supplier, or nothing. */
export async function liveProduct(ex: Executor, productId: string) {
  const [row] = await ex
    .select({ id: products.id, supplierId: products.supplierId, name: products.name, unit: products.unit })
    .from(products)
    .innerJoin(suppliers, eq(suppliers.id, products.supplierId))
    .where(and(eq(products.id, productId), isNull(products.deletedAt), isNull(suppliers.deletedAt)));
  return row;
}

export async function isMember(
  ex: Executor,
  scope: ForecastScope,
  orgId: string,
  accountId: string,
): Promise<boolean> {
  const members = scope === 'restaurant' ? restaurantMembers : supplierMembers;
  const [row] = await ex
    .select({ one: sql`1` })
    .from(members)
    .where(and(eq(members.orgId, orgId), eq(members.accountId, accountId), isNull(members.deletedAt)));
  return row !== undefined;
}

export async function orgExists(ex: Executor, scope: ForecastScope, orgId: string): Promise<boolean> {
  const table = scope === 'restaurant' ? restaurants : suppliers;
  const [row] = await ex
    .select({ one: sql`1` })
    .from(table)
    .where(and(eq(table.id, orgId), isNull(table.deletedAt)));
  return row !== undefined;
}

export const placeKey = (lat: number, lon: number) => ({
  latitude: Math.round(lat * 100) / 100,
  longitude: Math.round(lon * 100) / 100,
});

export async function cachedWeather(
  ex: Executor,
  lat: number,
  lon: number,
  from: string,
  to: string,
): Promise<WeatherDayRow[]> {
  const place = placeKey(lat, lon);
  return ex
    .select()
    .from(weatherDays)
    .where(
      and(
        eq(weatherDays.latitude, place.latitude),
        eq(weatherDays.longitude, place.longitude),
        gte(weatherDays.day, from),
        lte(weatherDays.day, to),
      ),
    )
    .orderBy(asc(weatherDays.day));
}

export async function storeWeather(
  ex: Executor,
  lat: number,
  lon: number,
  days: { day: string; temperatureC: number; precipitationMm: number; source: 'history' | 'forecast' }[],
): Promise<void> {
  if (days.length === 0) return;
  const place = placeKey(lat, lon);
  await ex
    .insert(weatherDays)
    .values(days.map((d) => ({ ...place, ...d, fetchedAt: new Date() })))
    .onConflictDoUpdate({
      target: [weatherDays.latitude, weatherDays.longitude, weatherDays.day],
      set: {
        temperatureC: sql`excluded.temperature_c`,
        precipitationMm: sql`excluded.precipitation_mm`,
        source: sql`excluded.source`,
        fetchedAt: sql`excluded.fetched_at`,
      },
    });
}
