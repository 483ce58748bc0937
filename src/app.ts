import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController } from 'fastify';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import rateLimit from '@fastify/rate-limit';
import { authRoutes } from './api/auth.routes.js';
import { contractDocumentObject, registerContract } from './api/contract.js';
import { registerAuthentication } from './api/guards.js';
import { healthRoutes } from './api/health.routes.js';
import { apiV1Routes } from './api/v1/index.js';
import { webhookRoutes } from './api/webhooks.routes.js';
import type { Config } from './core/config.js';
import { type DatabaseHandle, openDatabase } from './core/database.js';
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandling } from './core/http-errors.js';
import { loggerOptions } from './core/logger.js';
import { createMetrics, registerDatabaseMetrics, registerRedisMetric } from './core/metrics.js';
import { requestScope } from './core/process-guard.js';
import { operatorGate, registerMetricsRoute } from './core/metrics.routes.js';
import { addressIn, buildBlockList } from './core/net.js';
import { DomainError } from './core/errors.js';
import { responseSerializer } from './api/serialization.js';
import { addRequestBudgetFields } from './core/rate-limit-fields.js';
import { redisRateLimitStore } from './core/rate-limit-store.js';
import { createTokenVerifier } from './core/security.js';
import { createApiRedis } from './core/redis.js';
import { loadMigrations } from './db/migrator.js';
import { createServices } from './services.js';
import { BullmqJobCanceller } from './core/bullmq.js';
import { startEmbeddedJobs } from './workers/runtime.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface BuildOptions {
  /** An already-open database; otherwise one is opened from `config` and closed with the app. */
  database?: DatabaseHandle;
  /** The clock dates that decide money are read from; tests pin it so no expectation expires. */
  clock?: () => Date;
}

/** Builds the whole HTTP application. `src/main.ts` and the tests share it. */
export type App = Awaited<ReturnType<typeof buildApp>>;

export async function buildApp(config: Config, options: BuildOptions = {}) {
  const app = Fastify({
    logger: loggerOptions(config),
    bodyLimit: config.http.bodyLimit,
    trustProxy: config.http.trustProxy,
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    // Requests on kept-alive connections during shutdown get our own 503 envelope (see the preClose hook).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Errors raised before routing (bad URL, over-long path segment, over-sized headers) use the envelope too.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializer(config.http.validateResponses));
  // Only JSON bodies are accepted; anything else is a 415 in the envelope.
  app.removeContentTypeParser('text/plain');
  registerErrorHandling(app);
  registerContract(app);

  const database = options.database ?? (await openDatabase(config, app.log));
  const ownsDatabase = options.database === undefined;
  const redis: Redis | undefined = config.redisUrl ? createApiRedis(config.redisUrl) : undefined;
  redis?.on('error', (err) => {
    app.log.warn({ err: { message: err.message } }, 'redis connection error');
  });
  if (redis) await redis.connect().catch(() => undefined);

  const metrics = createMetrics();
  if (database.stats) registerDatabaseMetrics(metrics.registry, database.stats);
  if (redis) registerRedisMetric(metrics.registry, () => redis.status === 'ready');
  // Embedded mode (no REDIS_URL): the jobs, their schedules and the outbox relay run inside this process.
  const jobs =
    !config.redisUrl && config.jobs.inline
      ? await startEmbeddedJobs({
          config,
          db: database.db,
          log: app.log.child({ component: 'jobs' }),
          metrics: metrics.registry,
        })
      : undefined;
  app.decorate('jobs', jobs);
  // With Redis the worker process runs the jobs; the API only removes queued ones (supplier disconnect).
  const canceller = config.redisUrl
    ? new BullmqJobCanceller({ redisUrl: config.redisUrl, prefix: config.jobs.queuePrefix })
    : undefined;
  const services = createServices({
    config,
    db: database.db,
    redis,
    migrations: loadMigrations(),
    log: app.log,
    metrics,
    ...(options.clock ? { clock: options.clock } : {}),
    jobCanceller: canceller ?? jobs?.inline,
    ...(jobs
      ? {
          afterOrderCommit: () => {
            jobs.wakeRelay();
          },
        }
      : {}),
  });
  app.decorate('config', config);
  app.decorate('services', services);
  // Serving starts at once; readiness says "warming" until the most asked searches are cached (search-warmup.ts).
  app.addHook('onReady', () => {
    services.products.warmSearchCache().then(
      (status) => {
        if (status.state !== 'off') app.log.info({ warmup: status }, 'search cache warmed');
      },
      (err: unknown) => {
        app.log.warn({ err: { message: (err as Error).message } }, 'search warm-up failed; serving cold');
      },
    );
  });

  // Graceful shutdown: new requests get a 503 envelope, and the pools close only after every handler already
  // running has produced its answer — including those whose client has gone away meanwhile.
  let closing = false;
  // Request objects, not ids: clients may send the same X-Request-ID twice.
  const inFlight = new Set<object>();
  // First hook: everything the request runs, awaited or not, carries its id for the process guard's log lines.
  app.addHook('onRequest', (request, _reply, done) => {
    requestScope.run({ requestId: request.id }, done);
  });
  app.addHook('preClose', async () => {
    closing = true;
    const deadline = Date.now() + Math.max(config.http.shutdownGraceMs - 1_000, 0);
    while (inFlight.size > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!closing) {
      inFlight.add(request);
      return;
    }
    void reply.header('connection', 'close');
    throw new DomainError('SERVICE_UNAVAILABLE', 'The server is shutting down; retry on another instance');
  });
  app.addHook('onSend', async (request, reply) => {
    inFlight.delete(request);
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request) => {
    inFlight.delete(request);
  });
  app.addHook('onResponse', async (request, reply) => {
    const endpoint = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    const seconds = reply.elapsedTime / 1000;
    metrics.requests.inc({ method: request.method, endpoint, status });
    metrics.latency.observe({ method: request.method, endpoint }, seconds);
    if (reply.statusCode >= 400) metrics.errors.inc({ status, endpoint });
  });
  app.addHook('onClose', async () => {
    await services.products.close();
    await services.integrations.close();
    await jobs?.close();
    await canceller?.close();
    redis?.disconnect();
    if (ownsDatabase) await database.close();
  });

  await app.register(helmet, {
    // Swagger UI needs inline scripts and styles; the API itself only serves JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // Outside production the API is often opened over plain HTTP by the machine's address; upgrading
        // Swagger UI's assets to https there leaves the page blank. Production keeps the upgrade.
        upgradeInsecureRequests: config.isProduction ? [] : null,
      },
    },
  });
  await app.register(cors, {
    origin: config.http.corsOrigins.length > 0 ? config.http.corsOrigins : false,
    credentials: true,
    exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed', 'ratelimit-policy', 'ratelimit'],
  });

  if (config.http.apiDocsEnabled) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Iris API',
          version: '1.0.0',
          license: { name: 'Proprietary', url: 'https://iris.example/terms' },
          description:
            'Iris — B2B food-supply marketplace backend. Errors use one envelope: ' +
            '{error, code, message, status, timestamp, request_id[, details]}. See docs/README.md.',
        },
        servers: [{ url: '/' }],
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
      transform: jsonSchemaTransform,
      transformObject: contractDocumentObject,
    });
    // In production the docs are for operators only: the same token or address rule as /metrics.
    const gate = config.http.apiDocsProtected ? operatorGate(config.metrics) : undefined;
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      ...(gate
        ? {
            uiHooks: {
              onRequest: (request, _reply, done) => {
                gate(request).then(() => {
                  done();
                }, done);
              },
            },
          }
        : {}),
    });
    app.get('/openapi.json', { schema: { hide: true }, ...(gate ? { onRequest: gate } : {}) }, () =>
      app.swagger(),
    );
  }

  registerAuthentication(app, createTokenVerifier(config.auth), services.accounts);

  // spec §5: limits per account when signed in, else per IP; one shared budget in Redis when configured.
  // Service tokens and INTERNAL_CIDRS (workers, connectors) are never throttled. A Redis outage fails open.
  const internal = buildBlockList(config.rateLimit.internalCidrs);
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.windowMs,
    keyGenerator: (request) =>
      request.principal?.kind === 'user' ? `account:${request.principal.accountId}` : `ip:${request.ip}`,
    allowList: (request) => request.principal?.kind === 'service' || addressIn(internal, request.ip),
    skipOnError: true,
    ...(redis
      ? {
          store: redisRateLimitStore(redis, (err) => {
            metrics.rateLimitStoreFailures.inc();
            app.log.warn({ err: { message: err.message } }, 'rate-limit store unavailable; failing open');
          }),
        }
      : {}),
    errorResponseBuilder: (_request, context) =>
      new DomainError(
        'RATE_LIMITED',
        `Rate limit exceeded: ${context.max} requests per window; retry in ${context.after}`,
      ),
  });

  // The IETF RateLimit fields beside X-RateLimit-*, on every response the request limiter counted.
  app.addHook('onSend', async (request, reply) => {
    addRequestBudgetFields(
      reply,
      request.url.startsWith('/auth/') ? 'auth' : 'default',
      config.rateLimit.windowMs,
    );
  });

  registerMetricsRoute(app, metrics, config.metrics);
  await app.register(healthRoutes);
  if (config.auth.localInProduction) {
    app.log.warn(
      'AUTH_PROVIDER=local in production (ALLOW_LOCAL_AUTH_IN_PRODUCTION=true): users sign in with HS256 tokens signed by APP_SECRET',
    );
  }
  if (config.auth.provider === 'local' && !config.isProduction) {
    await app.register(authRoutes, { authMax: config.rateLimit.authMax });
  }
  await app.register(webhookRoutes);
  await app.register(apiV1Routes, { prefix: '/api/v1' });
  return app;
}
