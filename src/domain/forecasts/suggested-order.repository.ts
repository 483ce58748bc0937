import { and, asc, eq, gte, inArray, isNull, lte } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import { suppliers } from '../organisations/organisations.models.js';
import { products } from '../products/products.models.js';
import { forecastPoints, forecastSeries } from './forecasts.models.js';

/** What a suggested order needs of a live supplier: when it delivers and its minimum order. */
export async function supplierTerms(ex: Executor, supplierId: string) {
  const [row] = await ex
    .select({
      deliveryWeekdays: suppliers.deliveryWeekdays,
      orderLeadDays: suppliers.orderLeadDays,
      minOrderCents: suppliers.minOrderCents,
      currency: suppliers.defaultCurrency,
    })
    .from(suppliers)
    .where(and(eq(suppliers.id, supplierId), isNull(suppliers.deletedAt)));
  return row;
}

/** The restaurant's forecast series for the supplier's live products, with what ordering them needs. */
export async function forecastProducts(ex: Executor, restaurantId: string, supplierId: string) {
  return ex
    .select({
      seriesId: forecastSeries.id,
      model: forecastSeries.model,
      productId: products.id,
      sku: products.sku,
      name: products.name,
      unit: products.unit,
      packSize: products.packSize,
      priceCents: products.priceCents,
      active: products.active,
    })
    .from(forecastSeries)
    .innerJoin(products, eq(products.id, forecastSeries.productId))
    .where(
      and(
        eq(forecastSeries.scope, 'restaurant'),
        eq(forecastSeries.restaurantId, restaurantId),
        isNull(forecastSeries.deletedAt),
        eq(products.supplierId, supplierId),
        isNull(products.deletedAt),
      ),
    )
    .orderBy(asc(products.name), asc(products.id));
}

/** Forecast points of several series in [from, through]. */
export async function pointsBetween(ex: Executor, seriesIds: string[], from: string, through: string) {
  if (seriesIds.length === 0) return [];
  return ex
    .select({
      seriesId: forecastPoints.seriesId,
      day: forecastPoints.day,
      quantity: forecastPoints.quantity,
      upper: forecastPoints.upper,
    })
    .from(forecastPoints)
    .where(
      and(
        inArray(forecastPoints.seriesId, seriesIds),
        gte(forecastPoints.day, from),
        lte(forecastPoints.day, through),
      ),
    )
    .orderBy(asc(forecastPoints.day));
}
