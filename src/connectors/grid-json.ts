import { z } from 'zod';
import type { CardValues } from './connector.js';

/**
 * The product-grid JSON both wholesalers' shops page through (`{page, totalPages, items}`), read to exactly the
 * text their grid script prints ("123,45 kr/kg", "Jfr …", "EAN …"), so the cache holds the same raw values
 * whichever way a page was read.
 */
const gridItem = z.object({
  article: z.string().min(1),
  name: z.string(),
  brand: z.string().nullable(),
  category: z.string().nullable(),
  pack: z.string(),
  unit: z.string(),
  gtin: z.string().nullable(),
  available: z.boolean(),
  orderable: z.boolean(),
  price: z.string().nullable(),
  comparison: z.string().nullable(),
});
const gridPage = z.object({ totalPages: z.number().int().min(1), items: z.array(gridItem) });

export function readGridJson(body: unknown): { totalPages: number; cards: CardValues[] } | undefined {
  const parsed = gridPage.safeParse(body);
  if (!parsed.success) return undefined;
  const { totalPages, items } = parsed.data;
  // No customer prices means the portal no longer sees us signed in: the rendered page tells that apart.
  if (items.length > 0 && items.every((i) => i.price === null)) return undefined;
  const cards = items.map((i) => ({
    article: i.article,
    orderable: i.orderable,
    category: i.category,
    name: i.name.trim(),
    brand: (i.brand ?? '').trim(),
    pack: i.pack.trim(),
    price: i.price === null ? null : `${i.price} kr/${i.unit}`,
    comparison: i.price === null || i.comparison === null ? null : `Jfr ${i.comparison}`,
    gtin: i.gtin === null ? null : `EAN ${i.gtin}`,
    available: i.available,
  }));
  return { totalPages, cards };
}
