import { z } from 'zod';
import { defineJob } from '../core/jobs.js';
import type { PopularityService } from '../domain/products/popularity.service.js';

/** Every 10 minutes: recounts each product's recent orders, the popularity signal of search ranking. */
export const productsPopularityJob = (popularity: PopularityService) =>
  defineJob({
    name: 'products.popularity-refresh',
    queue: 'maintenance',
    payload: z.strictObject({}),
    attempts: 3,
    backoff: { type: 'exponential', delay: 60_000 },
    async process(_payload, ctx) {
      ctx.log.info({ written: await popularity.refresh() }, 'product popularity refreshed');
    },
  });
