import {
  buildJobRegistry,
  type EventRoutes,
  type JobRegistry,
  type ScheduleDefinition,
} from '../core/jobs.js';
import type { DeliveryService } from '../domain/notifications/deliveries.service.js';
import type { IdempotencyService } from '../domain/idempotency/idempotency.service.js';
import { deviceTokensPruneJob } from './device-tokens-prune.processor.js';
import { idempotencyPurgeJob } from './idempotency-purge.processor.js';
import type { PrivacyService } from '../domain/privacy/privacy.service.js';
import { notificationsDispatchJob } from './notifications-dispatch.processor.js';
import { retentionHardDeleteJob } from './retention-hard-delete.processor.js';

/** Recurring jobs; cron patterns are evaluated in JOB_TIMEZONE (default Europe/Stockholm). */
export const SCHEDULES: readonly ScheduleDefinition[] = [
  { job: 'device-tokens.prune', cron: '30 3 * * *' },
  { job: 'idempotency-keys.purge', cron: '0 * * * *' },
  { job: 'retention.hard-delete', cron: '15 4 * * *' },
];

/** Jobs the outbox relay enqueues per event type. */
export const EVENT_ROUTES: EventRoutes = {
  'order.placed': ['notifications.dispatch'],
  'order.status_changed': ['notifications.dispatch'],
};

export interface JobServices {
  deliveries: DeliveryService;
  idempotency: IdempotencyService;
  privacy: Pick<PrivacyService, 'runRetention'>;
}

export interface RegistryOptions {
  /** False when a serverless scheduler invokes the hard-delete function instead (RETENTION_SCHEDULE_ENABLED). */
  retentionSchedule?: boolean;
}

/** Every job name with its one processor. Start-up fails if a schedule or route names a job missing here. */
export function createJobRegistry(
  services: JobServices,
  timezone: string,
  options: RegistryOptions = {},
): JobRegistry {
  return buildJobRegistry(
    [
      notificationsDispatchJob(services.deliveries),
      deviceTokensPruneJob(services.deliveries),
      idempotencyPurgeJob(services.idempotency),
      retentionHardDeleteJob(services.privacy),
    ],
    options.retentionSchedule !== false
      ? SCHEDULES
      : SCHEDULES.filter((s) => s.job !== 'retention.hard-delete'),
    EVENT_ROUTES,
    timezone,
  );
}
