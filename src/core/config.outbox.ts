import { int } from './config.fields.js';

/** Outbox delivery settings (issue #10: jobs survive Redis losing its data), parsed with the rest in config.ts. */
export const outboxDeliveryEnv = {
  /**
   * How long a handed-off job may stay unfinished before the relay asks the queue about it (and hands it over
   * again if the queue lost it). A job still waiting, running or retrying is simply leased again, so this bounds
   * how late a lost job is noticed, not how long a job may take.
   */
  OUTBOX_DELIVERY_LEASE_MS: int(600_000, 100, 86_400_000),
  OUTBOX_DELIVERY_RETENTION_DAYS: int(7, 1, 3650),
};

export interface OutboxDeliveryConfig {
  leaseMs: number;
  /** Completed deliveries are deleted this many days after completion; failed ones are kept. */
  retentionDays: number;
}

export function outboxDeliveryConfig(e: {
  OUTBOX_DELIVERY_LEASE_MS: number;
  OUTBOX_DELIVERY_RETENTION_DAYS: number;
}): OutboxDeliveryConfig {
  return { leaseMs: e.OUTBOX_DELIVERY_LEASE_MS, retentionDays: e.OUTBOX_DELIVERY_RETENTION_DAYS };
}
