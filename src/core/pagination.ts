import { z } from 'zod';

/** Offset/limit pagination (docs/README.md): limit 1–200, default 50; above 200 is a 400, not a silent clamp. */
export const MAX_LIMIT = 200;

export const paginationQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

export interface Page {
  limit: number;
  offset: number;
}

export interface Paginated<T> {
  data: T[];
  pagination: { limit: number; offset: number; total: number };
}

export function paginated<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    pagination: z.object({ limit: z.number().int(), offset: z.number().int(), total: z.number().int() }),
  });
}

export function toPage<T>(data: T[], page: Page, total: number): Paginated<T> {
  return { data, pagination: { limit: page.limit, offset: page.offset, total } };
}
