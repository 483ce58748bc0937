import type { ProductView } from './products.repository.js';
import type { ProductInsert } from './products.models.js';
import type { ProductDto, ProductRowInput } from './products.schemas.js';
import { priceChanged } from './products.events.js';

const numberOrNull = (v: string | null) => (v === null ? null : Number(v));
const decimal = (v: number | null | undefined) => (v === null || v === undefined ? v : v.toFixed(3));

export function productToDto(p: ProductView): ProductDto {
  return {
    id: p.id,
    supplier_id: p.supplierId,
    sku: p.sku,
    gtin: p.gtin,
    name: p.name,
    description: p.description,
    brand: p.brand,
    category: p.category,
    unit: p.unit,
    pack_size: numberOrNull(p.packSize),
    price_cents: p.priceCents,
    currency: p.currency,
    vat_category: p.vatCategory,
    stock_quantity: numberOrNull(p.stockQuantity),
    active: p.active,
    country_of_origin: p.countryOfOrigin,
    storage: p.storage,
    best_before_date: p.bestBeforeDate,
    image_urls: p.imageUrls,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

/** A product on a cached search page with its stock (and update time) read again. */
export function withLiveStock(
  dto: ProductDto,
  live: { stockQuantity: string | null; updatedAt: Date } | undefined,
): ProductDto {
  if (!live) return dto;
  return {
    ...dto,
    stock_quantity: numberOrNull(live.stockQuantity),
    updated_at: live.updatedAt.toISOString(),
  };
}

export function toColumns(input: Partial<ProductRowInput>): Partial<ProductInsert> {
  const c: Partial<ProductInsert> = {};
  if (input.sku !== undefined) c.sku = input.sku;
  if (input.gtin !== undefined) c.gtin = input.gtin;
  if (input.name !== undefined) c.name = input.name;
  if (input.description !== undefined) c.description = input.description;
  if (input.brand !== undefined) c.brand = input.brand;
  if (input.category !== undefined) c.category = input.category;
  if (input.unit !== undefined) c.unit = input.unit;
  if (input.pack_size !== undefined) c.packSize = decimal(input.pack_size);
  if (input.price_cents !== undefined) c.priceCents = input.price_cents;
  if (input.currency !== undefined) c.currency = input.currency;
  if (input.vat_category !== undefined) c.vatCategory = input.vat_category;
  if (input.stock_quantity !== undefined) c.stockQuantity = decimal(input.stock_quantity);
  if (input.active !== undefined) c.active = input.active;
  if (input.country_of_origin !== undefined) c.countryOfOrigin = input.country_of_origin;
  if (input.storage !== undefined) c.storage = input.storage;
  if (input.best_before_date !== undefined) c.bestBeforeDate = input.best_before_date;
  if (input.image_urls !== undefined) c.imageUrls = input.image_urls;
  return c;
}

/** The supplier set a new list price: restaurants learn of it through the outbox. */
export const manualPriceChange = (before: ProductView, after: ProductView) =>
  priceChanged({
    productId: after.id,
    supplierId: after.supplierId,
    fromPriceCents: before.priceCents,
    toPriceCents: after.priceCents,
    currency: after.currency,
    source: 'manual',
  });
