import { z } from 'zod';
import { defineJob } from '../core/jobs.js';
import type { PrivacyService } from '../domain/privacy/privacy.service.js';

/**
 * Daily: the hard-delete function run in-process, for deployments without a serverless scheduler (and the
 * embedded default). With RETENTION_SCHEDULE_ENABLED=false the schedule is left out and the function
 * (src/functions/hard-delete.ts) is invoked by the platform's scheduler instead.
 */
export const retentionHardDeleteJob = (privacy: Pick<PrivacyService, 'runRetention'>) =>
  defineJob({
    name: 'retention.hard-delete',
    queue: 'maintenance',
    payload: z.strictObject({ dry_run: z.boolean().optional() }),
    attempts: 3,
    backoff: { type: 'exponential', delay: 300_000 },
    async process(payload, ctx) {
      const run = await privacy.runRetention({ dryRun: payload.dry_run ?? false, trigger: 'schedule' });
      ctx.log.info({ run }, 'hard-delete run finished');
    },
  });
