import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics (spec §13). One registry per app instance, so tests can build many apps.
 * `endpoint` is always the route template (`/api/v1/orders/:id`), never the raw URL, to bound cardinality.
 */
export interface HttpMetrics {
  registry: Registry;
  /** iris_api_requests_total: every API request received, by method, route template and status. */
  requests: Counter<'method' | 'endpoint' | 'status'>;
  /** iris_api_errors_total: responses with a 4xx or 5xx status, by status and route template. */
  errors: Counter<'status' | 'endpoint'>;
  /** iris_api_latency_seconds: request duration from arrival to response sent. SLO: p95 < 300 ms. */
  latency: Histogram<'method' | 'endpoint'>;
  /** iris_rate_limit_store_failures_total: rate-limit checks that failed open because the store was down. */
  rateLimitStoreFailures: Counter;
}

export function createMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'iris_process_' });
  return {
    registry,
    requests: new Counter({
      name: 'iris_api_requests_total',
      help: 'Total number of API requests received (labels: method, endpoint, status)',
      labelNames: ['method', 'endpoint', 'status'],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'iris_api_errors_total',
      help: 'Count of failed responses (4xx/5xx) (labels: status, endpoint)',
      labelNames: ['status', 'endpoint'],
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'iris_api_latency_seconds',
      help: 'Request duration in seconds (labels: method, endpoint)',
      labelNames: ['method', 'endpoint'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    rateLimitStoreFailures: new Counter({
      name: 'iris_rate_limit_store_failures_total',
      help: 'Rate-limit checks that failed open because the shared store (Redis) was unreachable',
      registers: [registry],
    }),
  };
}
