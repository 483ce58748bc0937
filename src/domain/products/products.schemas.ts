import { z } from 'zod';
import { paginated, paginationQuery } from '../../core/pagination.js';
import { validGtin } from './gtin.js';
import { PRICE_SOURCES, STORAGE_KINDS, VAT_CATEGORIES } from './products.models.js';

export const UNITS = [
  'st',
  'kg',
  'g',
  'l',
  'dl',
  'cl',
  'ml',
  'förp',
  'krt',
  'fl',
  'burk',
  'pkt',
  'påse',
  'hink',
  'säck',
  'ask',
  'bricka',
] as const;

/** At most three decimals (grams of a kilo, millilitres of a litre). */
const quantity = (max: number) =>
  z
    .number()
    .min(0)
    .max(max)
    .refine((n) => /^\d+(\.\d{1,3})?$/.test(String(n)), 'at most 3 decimals');

const productFields = {
  sku: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'letters, digits and . _ - / only'),
  gtin: z
    .string()
    .refine(validGtin, 'must be a GTIN-8/12/13/14 with a valid check digit')
    .nullable()
    .optional(),
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(4000).nullable().optional(),
  brand: z.string().trim().min(1).max(100).nullable().optional(),
  category: z.string().trim().min(1).max(100),
  unit: z.enum(UNITS),
  pack_size: quantity(1_000_000)
    .refine((n) => n > 0, 'must be positive')
    .nullable()
    .optional(),
  price_cents: z.number().int().min(1).max(100_000_000),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
    .optional(),
  // Required: a product saved without it must not be taxed silently as food.
  vat_category: z.enum(VAT_CATEGORIES),
  stock_quantity: quantity(100_000_000).nullable().optional(),
  active: z.boolean().optional(),
  country_of_origin: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
    .nullable()
    .optional(),
  storage: z.enum(STORAGE_KINDS).nullable().optional(),
  best_before_date: z.iso
    .date()
    .nullable()
    .optional()
    .meta({ description: 'Best-before date of the stock on hand; dynamic pricing may discount as it nears' }),
  image_urls: z
    .array(z.url({ protocol: /^https$/, error: 'must be an https URL' }).max(2048))
    .max(10)
    .optional(),
};

export const productRow = z.strictObject(productFields);
export const productCreate = z.strictObject({ supplier_id: z.uuid(), ...productFields });
export const productUpdate = productRow.partial();
/** Rows one bulk upsert (JSON or file) writes at most. */
export const MAX_BULK_ROWS = 1000;

export const bulkUpsert = z.strictObject({
  supplier_id: z.uuid(),
  // Rows are checked one by one in the service, so a 422 can report every bad row; the document shows their shape.
  products: z
    .array(z.unknown())
    .min(1)
    .max(MAX_BULK_ROWS)
    .meta({ items: { $ref: '#/components/schemas/ProductRowInput' } }),
});

export const SORT_FIELDS = ['name', 'price_cents', 'created_at', 'relevance'] as const;

export const productQuery = z.strictObject({
  ...paginationQuery,
  q: z.string().trim().min(1).max(200).optional(),
  category: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .meta({
      description: 'Category name, ignoring case and diacritics ("kott" finds "Kött"); see GET /categories',
    }),
  supplier_id: z.uuid().optional(),
  min_price_cents: z.coerce.number().int().min(0).optional(),
  max_price_cents: z.coerce.number().int().min(0).optional(),
  in_stock: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .meta({
      description:
        'false lists inactive products only: a supplier its own (others never see inactive products), admins all',
    }),
  sort: z
    .string()
    .max(100)
    .regex(
      new RegExp(`^-?(${SORT_FIELDS.join('|')})(,-?(${SORT_FIELDS.join('|')}))*$`),
      `comma-separated fields among ${SORT_FIELDS.join(', ')}, "-" for descending`,
    )
    .optional(),
});

export const productDto = z.object({
  id: z.uuid(),
  supplier_id: z.uuid(),
  sku: z.string(),
  gtin: z.string().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  brand: z.string().nullable(),
  category: z.string(),
  unit: z.string(),
  pack_size: z.number().nullable(),
  price_cents: z.number().int(),
  currency: z.string(),
  vat_category: z.enum(VAT_CATEGORIES),
  stock_quantity: z.number().nullable(),
  active: z.boolean(),
  country_of_origin: z.string().nullable(),
  storage: z.enum(STORAGE_KINDS).nullable(),
  best_before_date: z.string().nullable(),
  image_urls: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});

export const productPage = paginated(productDto).extend({
  pagination: z.object({
    limit: z.number().int(),
    offset: z.number().int(),
    total: z.number().int(),
    total_exact: z.boolean(),
  }),
  /** How q was understood; present when q was given. */
  search: z
    .object({
      query: z.string(),
      corrected_query: z.string().nullable(),
      relaxed: z.boolean(),
      unmatched_words: z.array(z.string()),
    })
    .optional(),
});

export const priceDto = z.object({
  price_cents: z.number().int(),
  currency: z.string(),
  valid_from: z.string(),
  valid_to: z.string().nullable(),
  source: z.enum(PRICE_SOURCES).meta({
    description:
      "manual: the supplier's list price; dynamic: set by a pricing rule; rollback: back to the list price",
  }),
  pricing_rule_id: z.uuid().nullable(),
  pricing_proposal_id: z.uuid().nullable(),
  /** What a dynamic price was computed from (list price, demand, stock, bounds applied). */
  pricing_inputs: z.record(z.string(), z.unknown()).nullable(),
});
export const priceHistoryDto = z.object({ data: z.array(priceDto) });

export const bulkResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  products: z.array(z.object({ id: z.uuid(), sku: z.string(), outcome: z.enum(['created', 'updated']) })),
});

export const importQuery = z.strictObject({ supplier_id: z.uuid() });

/** The raw file of a spreadsheet import; its Content-Type says which kind. */
export const importFile = z.custom<Buffer>((v) => Buffer.isBuffer(v)).meta({
  type: 'string',
  format: 'binary',
  description: 'A CSV (UTF-8 or Windows-1252, ";", "," or tab separated) or the first sheet of an XLSX workbook',
});

export const categoryQuery = z.strictObject({
  supplier_id: z
    .uuid()
    .optional()
    .meta({ description: "Count only this supplier's products (unknown or deleted suppliers count none)" }),
});

export const categoryList = z.object({
  data: z.array(
    z.object({
      name: z
        .string()
        .meta({ description: 'The most used spelling; pass it as the category filter of /products' }),
      product_count: z.number().int().meta({ description: 'Active products of live suppliers' }),
    }),
  ),
  total_products: z.number().int(),
});

export type ProductRowInput = z.infer<typeof productRow>;
export type ProductCreate = z.infer<typeof productCreate>;
export type ProductUpdate = z.infer<typeof productUpdate>;
export type ProductQuery = z.infer<typeof productQuery>;

/** A parsed query in its query-string form again: stored, it parses back to the same query (search warm-up). */
export function productQueryInput(query: ProductQuery): Record<string, unknown> {
  const flag = (value: boolean | undefined) => (value === undefined ? undefined : String(value));
  return { ...query, in_stock: flag(query.in_stock), active: flag(query.active) };
}
export type ProductDto = z.infer<typeof productDto>;
export type CategoryList = z.infer<typeof categoryList>;

// Named components of the OpenAPI document and of the generated client (docs/adding-a-domain.md).
z.globalRegistry.add(productRow, { id: 'ProductRow' });
z.globalRegistry.add(productCreate, { id: 'ProductCreate' });
z.globalRegistry.add(productUpdate, { id: 'ProductUpdate' });
z.globalRegistry.add(bulkUpsert, { id: 'ProductBulkUpsert' });
z.globalRegistry.add(productDto, { id: 'Product' });
z.globalRegistry.add(productPage, { id: 'ProductPage' });
z.globalRegistry.add(priceDto, { id: 'Price' });
z.globalRegistry.add(priceHistoryDto, { id: 'PriceHistory' });
z.globalRegistry.add(bulkResult, { id: 'ProductBulkResult' });
z.globalRegistry.add(categoryList, { id: 'CategoryList' });
