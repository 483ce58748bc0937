import { z } from 'zod';
import { defineJob } from '../core/jobs.js';
import { PRICING_OUTCOMES, type PricingJob } from '../domain/pricing/pricing.job.js';

/**
 * Hourly at :05 Europe/Stockholm (spec §10 "Price refresh"): computes a proposal for every product under an
 * active pricing rule and applies it at once for `auto` suppliers. One product's failure is counted and logged,
 * never stops the run; a retried run finds the prices already moved and changes nothing twice within the hour.
 */
export const pricingRefreshJob = (pricing: PricingJob) =>
  defineJob({
    name: 'pricing.refresh',
    queue: 'maintenance',
    payload: z.strictObject({}),
    attempts: 2,
    backoff: { type: 'exponential', delay: 60_000 },
    async process(_payload, ctx) {
      const summary = await pricing.refresh(ctx.log);
      for (const outcome of PRICING_OUTCOMES)
        if (summary[outcome] > 0) ctx.metrics?.pricingProducts.inc({ outcome }, summary[outcome]);
      ctx.log.info(summary, 'prices refreshed');
    },
  });
