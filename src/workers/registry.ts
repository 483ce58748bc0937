import {
  buildJobRegistry,
  type EventRoutes,
  type JobRegistry,
  type ScheduleDefinition,
} from '../core/jobs.js';
import type { ConnectorJobs } from '../domain/integrations/integrations.jobs.js';
import type { DeliveryService } from '../domain/notifications/deliveries.service.js';
import type { IdempotencyService } from '../domain/idempotency/idempotency.service.js';
import type { ForecastTraining } from '../domain/forecasts/forecasts.training.js';
import { forecastsRefreshJob } from './forecasts-refresh.processor.js';
import {
  connectorDomWatchJob,
  connectorInvoicePullJob,
  connectorNightlyJob,
  connectorSyncJob,
} from './connectors.processors.js';
import { deviceTokensPruneJob } from './device-tokens-prune.processor.js';
import { idempotencyPurgeJob } from './idempotency-purge.processor.js';
import type { PrivacyService } from '../domain/privacy/privacy.service.js';
import { notificationsDispatchJob } from './notifications-dispatch.processor.js';
import type { PopularityService } from '../domain/products/popularity.service.js';
import { productsPopularityJob } from './products-popularity.processor.js';
import type { CatalogWritesService } from '../domain/products/catalog-writes.service.js';
import { catalogWritesPruneJob } from './catalog-writes-prune.processor.js';
import type { ExtractionService } from '../domain/supplier-invoices/supplier-invoices.extraction.js';
import { supplierInvoicesExtractJob } from './supplier-invoices-extract.processor.js';
import type { PaymentSync } from '../domain/payments/payments.sync.js';
import { paymentsReconcileJob, paymentsSyncJob } from './payments.processor.js';
import { retentionHardDeleteJob } from './retention-hard-delete.processor.js';
import type { PricingJob } from '../domain/pricing/pricing.job.js';
import { pricingRefreshJob } from './pricing-refresh.processor.js';
import type { OutboxService } from '../domain/outbox/outbox.service.js';
import { outboxDeliveriesPurgeJob } from './outbox-deliveries-purge.processor.js';

/** Recurring jobs; cron patterns are evaluated in JOB_TIMEZONE (default Europe/Stockholm). */
export const SCHEDULES: readonly ScheduleDefinition[] = [
  { job: 'device-tokens.prune', cron: '30 3 * * *' },
  { job: 'idempotency-keys.purge', cron: '0 * * * *' },
  { job: 'outbox-deliveries.purge', cron: '40 * * * *' },
  { job: 'products.popularity-refresh', cron: '*/10 * * * *' },
  { job: 'products.catalog-writes-prune', cron: '50 * * * *' },
  { job: 'forecasts.refresh', cron: '0 2 * * *' },
  { job: 'pricing.refresh', cron: '5 * * * *' },
  { job: 'payments.reconcile', cron: '*/10 * * * *' },
  { job: 'connectors.nightly', cron: '0 3 * * *' },
  { job: 'connectors.dom-watch', cron: '0 4 * * 1' },
  { job: 'retention.hard-delete', cron: '15 4 * * *' },
];

/** Jobs the outbox relay enqueues per event type. */
export const EVENT_ROUTES: EventRoutes = {
  'order.placed': ['notifications.dispatch', 'payments.sync'],
  'order.status_changed': ['notifications.dispatch', 'payments.sync'],
  'payment.authorised': ['notifications.dispatch', 'payments.sync'],
  'payment.authorisation_expired': ['notifications.dispatch', 'payments.sync'],
  'payment.captured': ['notifications.dispatch'],
  'payment.refunded': ['notifications.dispatch'],
  'payment.failed': ['notifications.dispatch'],
  'payment.disputed': ['notifications.dispatch'],
  'supplier_invoice.received': ['supplier-invoices.extract'],
  'supplier_invoice.disputed': ['notifications.dispatch'],
  'connector.connected': ['connectors.sync'],
  'connector.sync_requested': ['connectors.sync'],
  'connector.selectors_failed': ['connectors.dom-watch'],
  'connector.cart_prefilled': ['connectors.invoice-pull'],
};

export interface JobServices {
  deliveries: DeliveryService;
  idempotency: IdempotencyService;
  popularity: PopularityService;
  catalogWrites: CatalogWritesService;
  invoiceExtraction: ExtractionService;
  forecastTraining: ForecastTraining;
  paymentSync: PaymentSync;
  connectors: ConnectorJobs;
  privacy: Pick<PrivacyService, 'runRetention'>;
  pricing: PricingJob;
  outbox: Pick<OutboxService, 'purgeCompleted'>;
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
      productsPopularityJob(services.popularity),
      catalogWritesPruneJob(services.catalogWrites),
      supplierInvoicesExtractJob(services.invoiceExtraction),
      forecastsRefreshJob(services.forecastTraining),
      paymentsSyncJob(services.paymentSync),
      paymentsReconcileJob(services.paymentSync),
      connectorSyncJob(services.connectors),
      connectorNightlyJob(services.connectors),
      connectorDomWatchJob(services.connectors),
      connectorInvoicePullJob(services.connectors),
      retentionHardDeleteJob(services.privacy),
      pricingRefreshJob(services.pricing),
      outboxDeliveriesPurgeJob(services.outbox),
    ],
    options.retentionSchedule !== false
      ? SCHEDULES
      : SCHEDULES.filter((s) => s.job !== 'retention.hard-delete'),
    EVENT_ROUTES,
    timezone,
  );
}
