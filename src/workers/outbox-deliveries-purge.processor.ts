import { z } from 'zod';
import { defineJob } from '../core/jobs.js';
import type { OutboxService } from '../domain/outbox/outbox.service.js';

/**
 * Hourly: deletes `outbox_deliveries` rows of jobs completed more than OUTBOX_DELIVERY_RETENTION_DAYS (7) ago.
 * Failed ones (the dead letters) are kept for the operator.
 */
export const outboxDeliveriesPurgeJob = (outbox: Pick<OutboxService, 'purgeCompleted'>) =>
  defineJob({
    name: 'outbox-deliveries.purge',
    queue: 'maintenance',
    payload: z.strictObject({}),
    attempts: 3,
    backoff: { type: 'exponential', delay: 60_000 },
    async process(_payload, ctx) {
      ctx.log.info({ purged: await outbox.purgeCompleted() }, 'completed outbox deliveries purged');
    },
  });
