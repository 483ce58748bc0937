import type { Redis } from 'ioredis';
import { createObjectStore } from './core/storage/create-store.js';
import type { ObjectStore } from './core/storage/storage.js';
import { createOcrEngine } from './domain/supplier-invoices/extraction/ocr.js';
import { createExtractionService } from './domain/supplier-invoices/supplier-invoices.extraction.js';
import { createSupplierInvoiceService } from './domain/supplier-invoices/supplier-invoices.service.js';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './core/config.js';
import type { JobCanceller } from './core/jobs.js';
import type { Database } from './core/db.types.js';
import type { HttpMetrics } from './core/metrics.js';
import type { Migration } from './db/migrator.js';
import { createAccountService } from './domain/accounts/accounts.service.js';
import { createAuditService } from './domain/audit/audit.service.js';
import { createHealthService } from './domain/health/health.service.js';
import { createOrganisationService } from './domain/organisations/organisations.service.js';
import { createProductService } from './domain/products/products.service.js';
import { createCatalogImportService } from './domain/products/catalog-import.service.js';
import { createIdempotencyService } from './domain/idempotency/idempotency.service.js';
import { createPopularityService } from './domain/products/popularity.service.js';
import { createCatalogWritesService } from './domain/products/catalog-writes.service.js';
import { createInvoiceService } from './domain/orders/invoices.service.js';
import { createOrderService } from './domain/orders/orders.service.js';
import { createQuota } from './core/quota.js';
import { createSecretBox } from './core/secret-box.js';
import { createDeliveryService } from './domain/notifications/deliveries.service.js';
import { createFcmChannel } from './domain/notifications/notifications.fcm.js';
import { createNotificationService } from './domain/notifications/notifications.service.js';
import { createWebhookSender } from './domain/notifications/notifications.webhooks.js';
import { createConnectorRuntime } from './connectors/runtime.js';
import { registerConnectorMetrics } from './core/metrics.js';
import { createSupplierInvoiceIntake } from './domain/integrations/invoice-intake.js';
import { createConnectorJobs } from './domain/integrations/integrations.jobs.js';
import { createIntegrationService } from './domain/integrations/integrations.service.js';
import { createSessionVault } from './domain/integrations/session-vault.js';
import { Registry as PromRegistry, type Registry } from 'prom-client';
import { createOutboxService } from './domain/outbox/outbox.service.js';
import { createForecastService } from './domain/forecasts/forecasts.service.js';
import { createSuggestedOrderService } from './domain/forecasts/suggested-order.service.js';
import { stockholmDate } from './domain/orders/vat.js';
import { PopularSearches, SearchWarmup } from './domain/products/search-warmup.js';
import { createRecommendationService } from './domain/recommendations/recommendations.service.js';
import { createForecastTraining } from './domain/forecasts/forecasts.training.js';
import { ForecastPool } from './domain/forecasts/engine/pool.js';
import { createWeatherClient } from './domain/forecasts/weather.client.js';
import { createWeatherProvider } from './domain/forecasts/weather.service.js';
import { pino } from 'pino';
import { paymentMetrics, registerInvoiceMetrics } from './core/metrics.js';
import { createPaymentService } from './domain/payments/payments.service.js';
import { createPaymentSync } from './domain/payments/payments.sync.js';
import { createStripeWebhooks } from './domain/payments/payments.webhooks.js';
import { createStripeGateway } from './domain/payments/stripe.gateway.js';
import { createPrivacyService } from './domain/privacy/privacy.service.js';
import { createPricingJob } from './domain/pricing/pricing.job.js';
import { createPricingService } from './domain/pricing/pricing.service.js';

export interface ServiceDeps {
  config: Config;
  db: Database;
  redis: Redis | undefined;
  migrations: Migration[];
  log: FastifyBaseLogger;
  metrics: HttpMetrics;
  /** Publishes outbox events right after an order commits (embedded mode's in-process relay). */
  afterOrderCommit?: () => void;
  /** The clock dates that decide money are read from; the system clock unless a test pins it. */
  clock?: () => Date;
  /** Removes queued jobs (a disconnected supplier connection's syncs and pulls). */
  jobCanceller?: JobCanceller | undefined;
}

/** Connector machinery shared by the API and job sides: browser runtime, session vault, metrics, invoice intake. */
function connectorDeps(config: Config, db: Database, registry: Registry, store: ObjectStore) {
  const c = config.connectors;
  return {
    runtime: createConnectorRuntime(c),
    vault: createSessionVault({ kek: c.kek, kekId: c.kekId, appSecret: config.auth.appSecret }),
    metrics: registerConnectorMetrics(registry),
    config: c,
    intake: createSupplierInvoiceIntake({
      db,
      store,
      settings: { maxBytes: config.supplierInvoices.maxBytes },
    }),
  };
}

/** The composition root: every domain service, wired once per app instance. */
export function createServices(deps: ServiceDeps) {
  const payments = paymentParts({ ...deps, registry: deps.metrics.registry });
  // One store (one S3 client) for every domain that keeps files.
  const store = createObjectStore(deps.config.storage);
  const popular = deps.redis
    ? new PopularSearches(
        deps.redis,
        `${deps.config.jobs.queuePrefix}:search-popular:`,
        Math.max(4 * deps.config.searchWarmup.queries, 10_000),
      )
    : undefined;
  const products = createProductService({
    db: deps.db,
    cache: deps.config.searchCache,
    warmup: new SearchWarmup(popular, deps.config.searchWarmup),
  });
  const idempotency = createIdempotencyService({
    db: deps.db,
    ttlSeconds: deps.config.idempotencyTtlSeconds,
  });
  const orderHooks = {
    ...(deps.afterOrderCommit ? { afterCommit: deps.afterOrderCommit } : {}),
    ...(deps.clock ? { now: deps.clock } : {}),
  };
  return {
    integrations: createIntegrationService({
      db: deps.db,
      ...connectorDeps(deps.config, deps.db, deps.metrics.registry, store),
      jobs: deps.jobCanceller,
      ...(deps.afterOrderCommit ? { afterCommit: deps.afterOrderCommit } : {}),
    }),
    health: createHealthService({
      db: deps.db,
      migrations: deps.migrations,
      redis: deps.redis,
      searchWarmup: () => products.searchWarmupStatus(),
    }),
    accounts: createAccountService({ db: deps.db, config: deps.config }),
    audit: createAuditService({ db: deps.db }),
    suppliers: createOrganisationService('supplier', { db: deps.db }),
    restaurants: createOrganisationService('restaurant', { db: deps.db }),
    products,
    catalogImport: createCatalogImportService({ products, limits: deps.config.catalogImport }),
    notifications: createNotificationService({
      db: deps.db,
      secrets: webhookSecrets(deps.config),
      webhookPolicy: {
        allowInsecure: deps.config.notifications.webhooks.allowInsecureTargets,
        allowedPorts: deps.config.notifications.webhooks.allowedPorts,
      },
    }),
    forecasts: createForecastService({ db: deps.db }),
    recommendations: createRecommendationService({
      db: deps.db,
      config: deps.config.recommendations,
      ...(deps.clock ? { now: deps.clock } : {}),
    }),
    suggestedOrders: createSuggestedOrderService({
      db: deps.db,
      today: () => stockholmDate(deps.clock ? deps.clock() : new Date()),
    }),
    pricing: createPricingService({ db: deps.db }),
    orders: createOrderService({
      db: deps.db,
      idempotency,
      ...orderHooks,
      payments: payments.service,
      ...(deps.config.orders.placementLimit > 0
        ? {
            placementLimit: createQuota({
              policy: 'restaurant-orders',
              limit: deps.config.orders.placementLimit,
              windowMs: deps.config.orders.placementWindowMs,
              redis: deps.redis,
              onStoreError: (err) => {
                deps.metrics.rateLimitStoreFailures.inc();
                deps.log.warn(
                  { err: { message: err.message } },
                  'order-limit store unavailable; failing open',
                );
              },
            }),
          }
        : {}),
    }),
    invoices: createInvoiceService({ db: deps.db, idempotency, ...orderHooks }),
    supplierInvoices: createSupplierInvoiceService({
      db: deps.db,
      store,
      settings: {
        maxBytes: deps.config.supplierInvoices.maxBytes,
        defaultToleranceBp: deps.config.supplierInvoices.toleranceBp,
      },
      ...(deps.afterOrderCommit ? { afterCommit: deps.afterOrderCommit } : {}),
    }),
    payments: payments.service,
    stripeWebhooks: payments.webhooks,
    privacy: createPrivacyService({ db: deps.db, config: deps.config, store }),
  };
}

/** Stripe Connect: one SDK client, the sync that drives it, the API-facing service and the webhook receiver. */
function paymentParts(deps: {
  config: Config;
  db: Database;
  log: FastifyBaseLogger;
  registry: Registry;
  afterOrderCommit?: () => void;
}) {
  const metrics = paymentMetrics(deps.registry);
  const stripe = createStripeGateway(deps.config, metrics);
  const common = {
    db: deps.db,
    stripe,
    metrics,
    log: deps.log,
    ...(deps.afterOrderCommit ? { afterCommit: deps.afterOrderCommit } : {}),
  };
  const sync = createPaymentSync(common);
  return {
    sync,
    service: createPaymentService({
      db: deps.db,
      stripe,
      sync,
      platformFeeBp: deps.config.payments.platformFeeBp,
      placementTimeoutMs: deps.config.payments.placementTimeoutMs,
      onboardingReturnUrl: deps.config.payments.onboardingReturnUrl,
    }),
    webhooks: createStripeWebhooks(common),
  };
}

export type Services = ReturnType<typeof createServices>;

/** Webhook signing secrets are sealed with their own key derived from APP_SECRET. */
const webhookSecrets = (config: Config) => createSecretBox(config.auth.appSecret, 'webhook-signing-secret');

/** What the job processors and the outbox relay use, in the worker process and in embedded mode. */
export async function createJobServices(deps: {
  config: Config;
  db: Database;
  /** Where payment jobs log and count (the worker's registry, or the API's in embedded mode). */
  log?: FastifyBaseLogger;
  metrics?: Registry;
}) {
  const { config, db } = deps;
  const log = deps.log ?? pino({ level: 'silent' });
  const push = await createFcmChannel(config.notifications.fcm);
  // Worker threads start with the first forecast job, not with the process.
  let pool: ForecastPool | undefined;
  const forecastPool = () => (pool ??= new ForecastPool(config.forecasts.threads));
  const openWeather = config.forecasts.openWeather;
  const store = createObjectStore(config.storage);
  const connectors = connectorDeps(config, db, deps.metrics ?? new PromRegistry(), store);
  const reading = config.invoiceReading;
  // OCR workers start with the first scanned invoice, not with the process.
  const ocr = reading.ocr.enabled ? createOcrEngine(reading.ocr) : undefined;
  return {
    connectors: createConnectorJobs({ db, ...connectors }),
    outbox: createOutboxService({ db, deliveries: config.jobs.outbox.deliveries }),
    deliveries: createDeliveryService({
      db,
      secrets: webhookSecrets(config),
      push,
      webhooks: createWebhookSender({
        allowInsecure: config.notifications.webhooks.allowInsecureTargets,
        allowedPorts: config.notifications.webhooks.allowedPorts,
        timeoutMs: config.notifications.webhooks.timeoutMs,
      }),
      deviceTokenStaleDays: config.notifications.deviceTokenStaleDays,
    }),
    idempotency: createIdempotencyService({ db, ttlSeconds: config.idempotencyTtlSeconds }),
    popularity: createPopularityService({ db }),
    catalogWrites: createCatalogWritesService({ db }),
    invoiceExtraction: createExtractionService({
      db,
      store,
      settings: {
        defaultToleranceBp: config.supplierInvoices.toleranceBp,
        maxPdfPages: config.supplierInvoices.maxPdfPages,
        ocr: reading.ocr,
        reviewMinConfidence: reading.reviewMinConfidence,
      },
      ocr,
      metrics: deps.metrics ? registerInvoiceMetrics(deps.metrics) : undefined,
    }),
    forecastTraining: createForecastTraining({
      db,
      pool: forecastPool,
      weather: createWeatherProvider({
        db,
        client: openWeather ? createWeatherClient(openWeather) : undefined,
      }),
      settings: {
        historyDays: config.forecasts.historyDays,
        country: config.forecasts.holidayCountry,
        timezone: config.jobs.timezone,
        reselectDays: config.forecasts.reselectDays,
      },
    }),
    paymentSync: paymentParts({ config, db, log, registry: deps.metrics ?? new PromRegistry() }).sync,
    privacy: createPrivacyService({ db, config, store }),
    pricing: createPricingJob({ db, timezone: config.jobs.timezone }),
    close: async () => {
      await pool?.close();
      await push.close();
      await connectors.runtime.close();
      await ocr?.close();
    },
  };
}

export type JobServices = Awaited<ReturnType<typeof createJobServices>>;
