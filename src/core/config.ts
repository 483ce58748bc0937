import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import {
  bool,
  cidr,
  type DevUser,
  emptyToUndefined,
  int,
  isTimeZone,
  list,
  optionalBool,
  optionalString,
  parseDevUser,
  postgresUrl,
} from './config.fields.js';
import { type ConnectorConfig, connectorConfig, connectorEnv } from './config.connectors.js';
import { type OrderConfig, orderConfig, orderEnv } from './config.orders.js';
import {
  type InvoiceReadingConfig,
  invoiceReadingConfig,
  invoiceReadingEnv,
  type SupplierInvoiceConfig,
  supplierInvoiceConfig,
  supplierInvoiceEnv,
} from './config.invoices.js';
import { type NotificationConfig, notificationConfig, notificationEnv } from './config.notifications.js';
import { type StorageConfig, storageConfig, storageEnv } from './config.storage.js';
import { type ForecastConfig, forecastConfig, forecastEnv } from './config.forecasts.js';
import { type RetentionConfig, retentionConfig, retentionEnv } from './config.retention.js';
import { type OutboxDeliveryConfig, outboxDeliveryConfig, outboxDeliveryEnv } from './config.outbox.js';
import { type PaymentsConfig, paymentsConfig, paymentsEnv } from './config.payments.js';
import { type CatalogImportConfig, catalogEnv, catalogImportConfig } from './config.catalog.js';
import {
  type RecommendationConfig,
  recommendationConfig,
  recommendationEnv,
} from './config.recommendations.js';

export type { DevUser, ServiceAccountKey } from './config.fields.js';
export type { StorageConfig } from './config.storage.js';

/**
 * The one place that reads the environment. Everything else receives a parsed `Config`.
 * A bad or missing value stops start-up with one line naming the variable (see `ConfigError`).
 */
const envSchema = z.object({
  NODE_ENV: z.preprocess(
    emptyToUndefined,
    z.enum(['development', 'test', 'production']).default('development'),
  ),
  PORT: int(8000, 0, 65535),
  // Unset: 127.0.0.1 for the embedded database (it publishes demo passwords), all interfaces otherwise.
  HOST: z.preprocess(emptyToUndefined, z.string().optional()),
  LOG_FORMAT: z.preprocess(emptyToUndefined, z.enum(['auto', 'json', 'pretty']).default('auto')),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  DATABASE_URL: postgresUrl,
  DATABASE_URL_DIRECT: postgresUrl,
  EMBEDDED_DB_DIR: z.preprocess(emptyToUndefined, z.string().default('.iris/pgdata')),
  DB_POOL_SIZE: int(10, 1, 200),
  DB_POOL_MAX_OVERFLOW: int(20, 0, 500),
  DB_POOL_IDLE_TIMEOUT_MS: int(30_000, 1_000, 3_600_000),
  DB_POOL_RECYCLE_SECONDS: int(3600, 0, 86_400),
  DB_CONNECT_TIMEOUT_MS: int(5_000, 100, 60_000),
  DB_POOL_CHECK_AFTER_IDLE_MS: int(10_000, 0, 3_600_000),
  DB_PREPARED_STATEMENTS: bool(true),
  DB_STATEMENT_TIMEOUT_MS: int(30_000, 0, 3_600_000),
  APP_SECRET: z.preprocess(
    emptyToUndefined,
    z
      .string({ error: 'is required (at least 32 bytes)' })
      .refine((v) => Buffer.byteLength(v, 'utf8') >= 32, 'must be at least 32 bytes'),
  ),
  AUTH_PROVIDER: z.preprocess(emptyToUndefined, z.enum(['local', 'clerk']).optional()),
  ALLOW_LOCAL_AUTH_IN_PRODUCTION: bool(false),
  DEV_USERS: z.preprocess(emptyToUndefined, z.string().optional()).transform((raw, ctx) => {
    const users: DevUser[] = [];
    for (const entry of (raw ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const user = parseDevUser(entry);
      if (!user) {
        ctx.addIssue({
          code: 'custom',
          message: `has an invalid entry "${entry.split(':')[0] ?? ''}:…" (expected email:bcrypthash or email:ROLE:bcrypthash)`,
        });
        return z.NEVER;
      }
      users.push(user);
    }
    return users;
  }),
  ACCESS_TOKEN_TTL_SECONDS: int(3600, 60, 86_400),
  JWT_ISSUER: z.preprocess(emptyToUndefined, z.string().default('iris')),
  JWT_AUDIENCE: z.preprocess(emptyToUndefined, z.string().default('iris-api')),
  CLERK_JWKS_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  CLERK_JWT_KEY: optionalString,
  CLERK_ISSUERS: list,
  CLERK_AUTHORIZED_PARTIES: list,
  CLERK_AUDIENCE: optionalString,
  REDIS_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  CORS_ORIGINS: list.pipe(z.array(z.url().or(z.literal('*')))),
  METRICS_TOKEN: z.preprocess(
    emptyToUndefined,
    z.string().min(16, 'must be at least 16 characters').optional(),
  ),
  METRICS_ALLOW_CIDRS: list.pipe(z.array(cidr)),
  TRUST_PROXY: z.preprocess(emptyToUndefined, z.string().default('false')),
  API_DOCS_ENABLED: optionalBool,
  RESPONSE_VALIDATION: z.preprocess(emptyToUndefined, z.enum(['on', 'off']).optional()),
  BODY_LIMIT_BYTES: int(1_048_576, 1024, 50 * 1_048_576),
  RATE_LIMIT_MAX: int(300, 1, 1_000_000),
  RATE_LIMIT_AUTH_MAX: int(10, 1, 1_000_000),
  RATE_LIMIT_SEARCH_MAX: int(600, 1, 1_000_000),
  RATE_LIMIT_WINDOW_MS: int(60_000, 1000, 86_400_000),
  INTERNAL_CIDRS: list.pipe(z.array(cidr)),
  SHUTDOWN_GRACE_MS: int(10_000, 0, 120_000),
  IDEMPOTENCY_TTL_SECONDS: int(86_400, 60, 30 * 86_400),
  AUTH_ACCOUNT_CACHE_MS: int(5_000, 0, 60_000),
  SEARCH_CACHE_TTL_MS: int(30_000, 0, 3_600_000),
  SEARCH_CACHE_MAX_ENTRIES: int(5_000, 0, 1_000_000),
  SEARCH_CACHE_MAX_AGE_MS: int(60_000, 0, 86_400_000),
  SEARCH_WARMUP_QUERIES: int(5_000, 0, 1_000_000),
  SEARCH_WARMUP_BUDGET_MS: int(60_000, 0, 600_000),
  JOBS_INLINE: bool(true),
  JOB_TIMEZONE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('Europe/Stockholm')
      .refine(isTimeZone, 'must be an IANA time zone such as Europe/Stockholm'),
  ),
  JOB_QUEUE_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"')
      .default('iris'),
  ),
  WORKER_CONCURRENCY: int(5, 1, 100),
  WORKER_METRICS_PORT: int(9464, 0, 65535),
  OUTBOX_POLL_INTERVAL_MS: int(1000, 10, 60_000),
  OUTBOX_BATCH_SIZE: int(100, 1, 1000),
  OUTBOX_RETRY_MAX_MS: int(300_000, 100, 3_600_000),
  ...notificationEnv,
  ...storageEnv,
  ...supplierInvoiceEnv,
  ...forecastEnv,
  ...paymentsEnv,
  ...connectorEnv,
  ...orderEnv,
  ...outboxDeliveryEnv,
  ...invoiceReadingEnv,
  ...catalogEnv,
  ...recommendationEnv,
  ...retentionEnv,
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  http: {
    port: number;
    host: string;
    bodyLimit: number;
    trustProxy: boolean | string[];
    corsOrigins: string[];
    /** Serve /docs and /openapi.json (default: on, except in production). */
    apiDocsEnabled: boolean;
    /** The docs need the metrics token or an allow-listed address (always in production). */
    apiDocsProtected: boolean;
    shutdownGraceMs: number;
    /** Check every response body against its route's schema (default: on, except in production). */
    validateResponses: boolean;
  };
  logLevel: Env['LOG_LEVEL'];
  /** Human-readable log lines (pino-pretty) instead of JSON. */
  logPretty: boolean;
  database: {
    /** Pooled runtime URL; undefined selects the embedded PGlite database. */
    url: string | undefined;
    /** Direct URL for migrations (DDL must not go through a transaction-mode pooler). */
    directUrl: string | undefined;
    embeddedDir: string;
    pool: {
      size: number;
      maxOverflow: number;
      idleTimeoutMs: number;
      recycleSeconds: number;
      connectTimeoutMs: number;
      checkAfterIdleMs: number;
      /** PostgreSQL statement_timeout for every pooled connection; 0 leaves the server's default. */
      statementTimeoutMs: number;
    };
    /** Name the hottest statements so connections parse and plan them once (see db/rows.ts). */
    preparedStatements: boolean;
  };
  redisUrl: string | undefined;
  auth: {
    provider: 'local' | 'clerk';
    /** Production running on local (HS256, development) auth by explicit override; logged as a warning. */
    localInProduction: boolean;
    appSecret: string;
    /** Parsed DEV_USERS; empty when unset. */
    devUsers: DevUser[];
    /** How long a signed-in account (role, existence) may be served from memory; 0 reads it every request. */
    accountCacheMs: number;
    accessTokenTtlSeconds: number;
    issuer: string;
    audience: string;
    clerk: {
      jwksUrl: string | undefined;
      jwtKey: string | undefined;
      issuers: string[];
      authorizedParties: string[];
      audience: string | undefined;
    };
  };
  metrics: { token: string | undefined; allowCidrs: string[] };
  rateLimit: { max: number; authMax: number; searchMax: number; windowMs: number; internalCidrs: string[] };
  idempotencyTtlSeconds: number;
  /**
   * Search pages live ttlMs; one the catalog's writes left unchanged is kept, its stock read again every maxAgeMs
   * (catalog_writes does not note stock) and its ranking computed again every 5–10 min (nor popularity).
   */
  searchCache: { ttlMs: number; maxEntries: number; maxAgeMs: number };
  /**
   * With Redis and the search cache on, searches are counted fleet-wide and a starting instance computes the
   * `queries` most asked (this hour and the last) before it reports ready, for at most `budgetMs`. 0 turns it off.
   */
  searchWarmup: { queries: number; budgetMs: number };
  jobs: {
    /** Run jobs, schedules and the outbox relay inside the API process when REDIS_URL is unset. */
    inline: boolean;
    /** IANA zone the cron schedules are evaluated in. */
    timezone: string;
    /** BullMQ key prefix; separate prefixes keep deployments (and test files) apart on one Redis. */
    queuePrefix: string;
    concurrency: number;
    /** Port of the worker process's /metrics listener; 0 picks a free port. */
    metricsPort: number;
    outbox: {
      pollIntervalMs: number;
      batchSize: number;
      retryMaxMs: number;
      deliveries: OutboxDeliveryConfig;
    };
  };
  notifications: NotificationConfig;
  storage: StorageConfig;
  supplierInvoices: SupplierInvoiceConfig;
  forecasts: ForecastConfig;
  payments: PaymentsConfig;
  connectors: ConnectorConfig;
  orders: OrderConfig;
  invoiceReading: InvoiceReadingConfig;
  catalogImport: CatalogImportConfig;
  recommendations: RecommendationConfig;
  retention: RetentionConfig;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`Invalid configuration: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

function parseTrustProxy(raw: string): boolean | string[] {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  // Addresses/CIDRs of the proxies whose X-Forwarded-For is believed.
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Parses an environment-shaped record. Pure: tests call it with their own record. */
export function parseConfig(source: Record<string, string | undefined>): Config {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(variable, issue?.message ?? 'is invalid');
  }
  const e = result.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction && !e.DATABASE_URL) {
    throw new ConfigError(
      'DATABASE_URL',
      'is required when NODE_ENV=production (the embedded database is for development only)',
    );
  }
  if (isProduction && !e.REDIS_URL) {
    throw new ConfigError(
      'REDIS_URL',
      'is required when NODE_ENV=production (jobs and rate limits need a shared Redis)',
    );
  }
  if (isProduction && !e.AUTH_PROVIDER) {
    throw new ConfigError(
      'AUTH_PROVIDER',
      'must be set explicitly when NODE_ENV=production (clerk; local only with ALLOW_LOCAL_AUTH_IN_PRODUCTION=true)',
    );
  }
  if (isProduction && e.AUTH_PROVIDER === 'local' && !e.ALLOW_LOCAL_AUTH_IN_PRODUCTION) {
    throw new ConfigError(
      'AUTH_PROVIDER',
      'is local (development HS256 tokens); in production that needs ALLOW_LOCAL_AUTH_IN_PRODUCTION=true',
    );
  }
  if (e.AUTH_PROVIDER === 'clerk' && !e.CLERK_JWKS_URL && !e.CLERK_JWT_KEY) {
    throw new ConfigError('CLERK_JWKS_URL', 'or CLERK_JWT_KEY is required when AUTH_PROVIDER=clerk');
  }
  if (e.AUTH_PROVIDER === 'clerk' && e.CLERK_ISSUERS.length === 0) {
    throw new ConfigError('CLERK_ISSUERS', 'must list at least one issuer when AUTH_PROVIDER=clerk');
  }
  if (e.CORS_ORIGINS.includes('*')) {
    throw new ConfigError('CORS_ORIGINS', 'must list explicit origins; "*" is not allowed with credentials');
  }
  const fail = (variable: string, detail: string): never => {
    throw new ConfigError(variable, detail);
  };
  const notifications = notificationConfig(e, isProduction, fail);
  const payments = paymentsConfig(e, isProduction, fail);
  return {
    storage: storageConfig(e, { isProduction, embeddedDir: e.EMBEDDED_DB_DIR }, fail),
    supplierInvoices: supplierInvoiceConfig(e),
    env: e.NODE_ENV,
    isProduction,
    http: {
      port: e.PORT,
      host: e.HOST ?? (e.DATABASE_URL ? '0.0.0.0' : '127.0.0.1'),
      bodyLimit: e.BODY_LIMIT_BYTES,
      trustProxy: parseTrustProxy(e.TRUST_PROXY),
      corsOrigins: e.CORS_ORIGINS,
      apiDocsEnabled: e.API_DOCS_ENABLED ?? !isProduction,
      apiDocsProtected: isProduction,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      validateResponses: (e.RESPONSE_VALIDATION ?? (isProduction ? 'off' : 'on')) === 'on',
    },
    logLevel: e.LOG_LEVEL,
    // Pretty lines for a person at a terminal; JSON for log collectors, and always in production.
    logPretty:
      e.LOG_FORMAT === 'pretty' ||
      (e.LOG_FORMAT === 'auto' && !isProduction && e.NODE_ENV !== 'test' && process.stdout.isTTY),
    database: {
      url: e.DATABASE_URL,
      directUrl: e.DATABASE_URL_DIRECT,
      embeddedDir: e.EMBEDDED_DB_DIR,
      pool: {
        size: e.DB_POOL_SIZE,
        maxOverflow: e.DB_POOL_MAX_OVERFLOW,
        idleTimeoutMs: e.DB_POOL_IDLE_TIMEOUT_MS,
        recycleSeconds: e.DB_POOL_RECYCLE_SECONDS,
        connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
        checkAfterIdleMs: e.DB_POOL_CHECK_AFTER_IDLE_MS,
        statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      },
      preparedStatements: e.DB_PREPARED_STATEMENTS,
    },
    redisUrl: e.REDIS_URL,
    auth: {
      provider: e.AUTH_PROVIDER ?? 'local',
      localInProduction: isProduction && e.AUTH_PROVIDER === 'local',
      appSecret: e.APP_SECRET,
      devUsers: e.DEV_USERS,
      accountCacheMs: e.AUTH_ACCOUNT_CACHE_MS,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      clerk: {
        jwksUrl: e.CLERK_JWKS_URL,
        jwtKey: e.CLERK_JWT_KEY,
        issuers: e.CLERK_ISSUERS,
        authorizedParties: e.CLERK_AUTHORIZED_PARTIES,
        audience: e.CLERK_AUDIENCE,
      },
    },
    metrics: { token: e.METRICS_TOKEN, allowCidrs: e.METRICS_ALLOW_CIDRS },
    idempotencyTtlSeconds: e.IDEMPOTENCY_TTL_SECONDS,
    searchCache: {
      ttlMs: e.SEARCH_CACHE_TTL_MS,
      maxEntries: e.SEARCH_CACHE_MAX_ENTRIES,
      maxAgeMs: e.SEARCH_CACHE_MAX_AGE_MS,
    },
    searchWarmup: { queries: e.SEARCH_WARMUP_QUERIES, budgetMs: e.SEARCH_WARMUP_BUDGET_MS },
    rateLimit: {
      max: e.RATE_LIMIT_MAX,
      authMax: e.RATE_LIMIT_AUTH_MAX,
      searchMax: e.RATE_LIMIT_SEARCH_MAX,
      windowMs: e.RATE_LIMIT_WINDOW_MS,
      internalCidrs: e.INTERNAL_CIDRS,
    },
    jobs: {
      inline: e.JOBS_INLINE,
      timezone: e.JOB_TIMEZONE,
      queuePrefix: e.JOB_QUEUE_PREFIX,
      concurrency: e.WORKER_CONCURRENCY,
      metricsPort: e.WORKER_METRICS_PORT,
      outbox: {
        pollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS,
        batchSize: e.OUTBOX_BATCH_SIZE,
        retryMaxMs: e.OUTBOX_RETRY_MAX_MS,
        deliveries: outboxDeliveryConfig(e),
      },
    },
    notifications,
    forecasts: forecastConfig(e),
    payments,
    connectors: connectorConfig(e),
    orders: orderConfig(e),
    invoiceReading: invoiceReadingConfig(e),
    catalogImport: catalogImportConfig(e),
    recommendations: recommendationConfig(e),
    retention: retentionConfig(e),
  };
}

/** Reads `.env` (when present, never overriding the real environment) and the process environment. */
export function readEnvironment(envFile = '.env'): Record<string, string | undefined> {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

export function loadConfig(overrides: Record<string, string | undefined> = {}): Config {
  return parseConfig({ ...readEnvironment(), ...overrides });
}
