import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { Registry } from 'prom-client';
import type { Config } from './config.js';
import { registerErrorHandling } from './http-errors.js';
import { registerMetricsRoute } from './metrics.routes.js';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The worker process's own scrape target: GET /metrics behind the same METRICS_TOKEN / METRICS_ALLOW_CIDRS
 * rule and error envelope as the API's (the same route code), plus GET /healthz for liveness probes.
 */
export async function startMetricsServer(options: {
  registry: Registry;
  metrics: Config['metrics'];
  host: string;
  port: number;
  logger: FastifyBaseLogger;
}): Promise<MetricsServer> {
  const app = Fastify({
    loggerInstance: options.logger,
    // Scrapes every few seconds would drown the worker's own log lines.
    logController: new LogController({ disableRequestLogging: true }),
  });
  registerErrorHandling(app);
  registerMetricsRoute(app, { registry: options.registry }, options.metrics);
  app.get('/healthz', () => ({ status: 'ok' }));
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () => app.close(),
  };
}
