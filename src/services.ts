import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './core/config.js';
import type { Database } from './core/db.types.js';
import type { HttpMetrics } from './core/metrics.js';
import type { Migration } from './db/migrator.js';
import { createAccountService } from './domain/accounts/accounts.service.js';
import { createAuditService } from './domain/audit/audit.service.js';
import { createHealthService } from './domain/health/health.service.js';
import { createOrganisationService } from './domain/organisations/organisations.service.js';
import { createProductService } from './domain/products/products.service.js';
import { createIdempotencyService } from './domain/idempotency/idempotency.service.js';
import { createOrderService } from './domain/orders/orders.service.js';
import { createSecretBox } from './core/secret-box.js';
import { createDeliveryService } from './domain/notifications/deliveries.service.js';
import { createFcmChannel } from './domain/notifications/notifications.fcm.js';
import { createNotificationService } from './domain/notifications/notifications.service.js';
import { createWebhookSender } from './domain/notifications/notifications.webhooks.js';
import { createOutboxService } from './domain/outbox/outbox.service.js';
import { createPrivacyService } from './domain/privacy/privacy.service.js';

export interface ServiceDeps {
  config: Config;
  db: Database;
  redis: Redis | undefined;
  migrations: Migration[];
  log: FastifyBaseLogger;
  metrics: HttpMetrics;
  /** Publishes outbox events right after an order commits (embedded mode's in-process relay). */
  afterOrderCommit?: () => void;
}

/** The composition root: every domain service, wired once per app instance. */
export function createServices(deps: ServiceDeps) {
  return {
    health: createHealthService({ db: deps.db, migrations: deps.migrations, redis: deps.redis }),
    accounts: createAccountService({ db: deps.db, config: deps.config }),
    audit: createAuditService({ db: deps.db }),
    suppliers: createOrganisationService('supplier', { db: deps.db }),
    restaurants: createOrganisationService('restaurant', { db: deps.db }),
    products: createProductService({ db: deps.db, cache: deps.config.searchCache }),
    notifications: createNotificationService({
      db: deps.db,
      secrets: webhookSecrets(deps.config),
      webhookPolicy: { allowInsecure: deps.config.notifications.webhooks.allowInsecureTargets },
    }),
    orders: createOrderService({
      db: deps.db,
      idempotency: createIdempotencyService({ db: deps.db, ttlSeconds: deps.config.idempotencyTtlSeconds }),
      ...(deps.afterOrderCommit ? { afterCommit: deps.afterOrderCommit } : {}),
    }),
    privacy: createPrivacyService({ db: deps.db, config: deps.config }),
  };
}

export type Services = ReturnType<typeof createServices>;

/** Webhook signing secrets are sealed with their own key derived from APP_SECRET. */
const webhookSecrets = (config: Config) => createSecretBox(config.auth.appSecret, 'webhook-signing-secret');

/** What the job processors and the outbox relay use, in the worker process and in embedded mode. */
export async function createJobServices(deps: { config: Config; db: Database }) {
  const { config, db } = deps;
  const push = await createFcmChannel(config.notifications.fcm);
  return {
    outbox: createOutboxService({ db }),
    deliveries: createDeliveryService({
      db,
      secrets: webhookSecrets(config),
      push,
      webhooks: createWebhookSender({
        allowInsecure: config.notifications.webhooks.allowInsecureTargets,
        timeoutMs: config.notifications.webhooks.timeoutMs,
      }),
      deviceTokenStaleDays: config.notifications.deviceTokenStaleDays,
    }),
    idempotency: createIdempotencyService({ db, ttlSeconds: config.idempotencyTtlSeconds }),
    privacy: createPrivacyService({ db, config }),
    close: () => push.close(),
  };
}

export type JobServices = Awaited<ReturnType<typeof createJobServices>>;
