import { z } from 'zod';
import { defineJob } from '../core/jobs.js';
import type { IdempotencyService } from '../domain/idempotency/idempotency.service.js';

/** Hourly: deletes Idempotency-Key records past their retention (IDEMPOTENCY_TTL_SECONDS, 24 h by default). */
export const idempotencyPurgeJob = (idempotency: IdempotencyService) =>
  defineJob({
    name: 'idempotency-keys.purge',
    queue: 'maintenance',
    payload: z.strictObject({}),
    attempts: 3,
    backoff: { type: 'exponential', delay: 60_000 },
    async process(_payload, ctx) {
      ctx.log.info({ purged: await idempotency.purgeExpired() }, 'expired idempotency keys purged');
    },
  });
