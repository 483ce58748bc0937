import { z } from 'zod';
import { defineJob } from '../core/jobs.js';
import type { CatalogWritesService } from '../domain/products/catalog-writes.service.js';

/** Hourly: deletes catalog-write notes older than an hour, which the search cache no longer compares against. */
export const catalogWritesPruneJob = (catalogWrites: CatalogWritesService) =>
  defineJob({
    name: 'products.catalog-writes-prune',
    queue: 'maintenance',
    payload: z.strictObject({}),
    attempts: 3,
    backoff: { type: 'exponential', delay: 60_000 },
    async process(_payload, ctx) {
      ctx.log.info({ pruned: await catalogWrites.prune() }, 'old catalog-write notes pruned');
    },
  });
