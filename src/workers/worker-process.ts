import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import type { Config } from '../core/config.js';
import { openPostgres } from '../core/database.js';
import { QUEUE_NAMES, type QueueName } from '../core/jobs.js';
import { loggerOptions } from '../core/logger.js';
import { startMetricsServer } from '../core/metrics-server.js';
import { createProcessRegistry, registerDatabaseMetrics } from '../core/metrics.js';
import { createJobServices } from '../services.js';
import { createJobRegistry } from './registry.js';
import { type JobRuntime, startJobRuntime } from './runtime.js';

/** A start-up problem worth one line and exit code 1 (bad arguments, missing configuration). */
export class WorkerStartError extends Error {}

/** `--queues a,b` or `--queues=a,b`; undefined (all queues) when absent. */
export function parseQueues(argv: readonly string[]): QueueName[] | undefined {
  const index = argv.findIndex((a) => a === '--queues' || a.startsWith('--queues='));
  if (index === -1) return undefined;
  const arg = argv[index] ?? '';
  const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[index + 1] ?? '');
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(QUEUE_NAMES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new WorkerStartError(
      `--queues needs a comma-separated list of ${QUEUE_NAMES.join(', ')}${unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''}`,
    );
  }
  return names as QueueName[];
}

export interface WorkerProcess {
  runtime: JobRuntime;
  metricsPort: number;
  /** Graceful: stops taking jobs, finishes the running ones, then closes every connection. */
  close(): Promise<void>;
}

export function workerLogger(config: Config): FastifyBaseLogger {
  return pino({ ...loggerOptions(config), base: { service: 'iris-worker' } });
}

/**
 * The `npm run worker` process: BullMQ workers for the chosen queues, their schedules, the outbox relay and
 * a /metrics listener on WORKER_METRICS_PORT. It needs PostgreSQL and Redis; embedded mode runs jobs in the API.
 */
export async function startWorkerProcess(
  config: Config,
  options: { queues?: QueueName[]; log?: FastifyBaseLogger } = {},
): Promise<WorkerProcess> {
  if (!config.redisUrl || !config.database.url) {
    throw new WorkerStartError(
      'npm run worker needs DATABASE_URL and REDIS_URL; without Redis, `npm start` runs the jobs inside the API',
    );
  }
  const log = options.log ?? workerLogger(config);
  const database = await openPostgres(config.database.url, config.database.pool, log, 'iris-worker');
  const registry = createProcessRegistry();
  const services = await createJobServices({ config, db: database.db, log, metrics: registry });
  if (database.stats) registerDatabaseMetrics(registry, database.stats);
  let runtime: JobRuntime;
  try {
    runtime = await startJobRuntime({
      config,
      registry: createJobRegistry(services, config.jobs.timezone, {
        retentionSchedule: config.retention.scheduleEnabled,
      }),
      outbox: services.outbox,
      log,
      metrics: registry,
      ...(options.queues ? { queues: options.queues } : {}),
    });
  } catch (err) {
    await services.close();
    await database.close();
    throw err;
  }
  const server = await startMetricsServer({
    registry,
    metrics: config.metrics,
    host: config.http.host,
    port: config.jobs.metricsPort,
    logger: log,
  });
  log.info(
    { queues: options.queues ?? runtime.registry.queues(), metrics_port: server.port },
    'worker started',
  );
  return {
    runtime,
    metricsPort: server.port,
    async close() {
      await runtime.close();
      await server.close();
      await services.close();
      await database.close();
    },
  };
}
