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

export interface ServiceDeps {
  config: Config;
  db: Database;
  redis: Redis | undefined;
  migrations: Migration[];
  log: FastifyBaseLogger;
  metrics: HttpMetrics;
}

/** The composition root: every domain service, wired once per app instance. */
export function createServices(deps: ServiceDeps) {
  return {
    health: createHealthService({ db: deps.db, migrations: deps.migrations, redis: deps.redis }),
    accounts: createAccountService({ db: deps.db, config: deps.config }),
    audit: createAuditService({ db: deps.db }),
    suppliers: createOrganisationService('supplier', { db: deps.db }),
    restaurants: createOrganisationService('restaurant', { db: deps.db }),
    products: createProductService({ db: deps.db }),
  };
}

export type Services = ReturnType<typeof createServices>;
