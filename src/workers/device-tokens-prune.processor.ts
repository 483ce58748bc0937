import { z } from 'zod';
import { defineJob } from '../core/jobs.js';
import type { DeliveryService } from '../domain/notifications/deliveries.service.js';

/** Daily: forgets device tokens not registered again for DEVICE_TOKEN_STALE_DAYS (FCM expires idle tokens). */
export const deviceTokensPruneJob = (deliveries: DeliveryService) =>
  defineJob({
    name: 'device-tokens.prune',
    queue: 'maintenance',
    payload: z.strictObject({}),
    attempts: 3,
    backoff: { type: 'exponential', delay: 60_000 },
    async process(_payload, ctx) {
      ctx.log.info({ pruned: await deliveries.pruneStaleDevices() }, 'stale device tokens soft-deleted');
    },
  });
