import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { processFaultCounts } from './process-guard.js';

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
  const registry = createProcessRegistry();
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

export const JOB_OUTCOMES = ['success', 'retry', 'failure'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Where the scrape-time gauges read from; each returns undefined when its source cannot answer right now. */
export interface JobMetricSources {
  queueDepth(): Promise<Record<string, Partial<Record<QueueState, number>>> | undefined>;
  outboxBacklog(): Promise<
    | { pending: number; oldestAgeSeconds: number; openDeliveries: number; oldestOpenDeliverySeconds: number }
    | undefined
  >;
}

/**
 * Metrics of the background jobs (spec §10, §13), registered wherever jobs run: the worker process, and the API
 * in embedded mode. Job success rate for the ≥ 98 % SLO:
 * `sum(rate(iris_job_completed_total{outcome="success"}[1h])) / sum(rate(iris_job_completed_total{outcome=~"success|failure"}[1h]))`.
 */
export interface JobMetrics {
  /** iris_forecast_job_duration_seconds: the spec's own histogram, observed by the forecast job when it lands. */
  forecastDuration: Histogram;
  /** iris_forecast_weather_fallbacks_total: series forecast without weather, by reason (no_key, no_coordinates, outage). */
  forecastWeatherFallbacks: Counter<'reason'>;
  /**
   * iris_pricing_products_total: products the hourly pricing job looked at, by outcome — applied, proposed,
   * unchanged, too_soon, out_of_bounds or failed. Its run time is iris_job_duration_seconds{job="pricing.refresh"}.
   */
  pricingProducts: Counter<'outcome'>;
  /** iris_job_duration_seconds: wall time of each job attempt, by job name. */
  duration: Histogram<'job'>;
  /**
   * iris_job_completed_total: finished job attempts by outcome — `success`, `retry` (failed, will be retried)
   * or `failure` (failed for good: attempts exhausted or unrecoverable).
   */
  completed: Counter<'job' | 'outcome'>;
  /** iris_outbox_redeliveries_total: event jobs handed to the queue again because it had lost them, by job. */
  outboxRedeliveries: Counter<'job'>;
}

const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export function registerJobMetrics(registry: Registry, sources: JobMetricSources): JobMetrics {
  const registers = [registry];
  // iris_queue_depth: jobs per queue and state, read from the queue at scrape time.
  new Gauge({
    name: 'iris_queue_depth',
    help: 'Number of jobs in each queue by state (labels: queue, state)',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      const depth = await sources.queueDepth();
      if (!depth) return; // the queue cannot answer: keep the last values rather than report zeros
      for (const [queue, states] of Object.entries(depth)) {
        for (const state of QUEUE_STATES) this.set({ queue, state }, states[state] ?? 0);
      }
    },
  });
  const outboxPending = new Gauge({
    name: 'iris_outbox_pending_events',
    help: 'Number of outbox events not yet published to the job queue',
    registers,
  });
  const openDeliveries = new Gauge({
    name: 'iris_outbox_open_deliveries',
    help: 'Event jobs handed to the queue that have not finished yet (outbox_deliveries still handed_off)',
    registers,
  });
  // Grows with a job that keeps retrying, or one the queue lost until the lease sweep hands it over again.
  const openDeliveryAge = new Gauge({
    name: 'iris_outbox_open_delivery_age_seconds',
    help: 'Seconds since the oldest unfinished event job was first handed to the queue (0 when none is open)',
    registers,
  });
  // iris_outbox_lag_seconds: how far publication is behind; grows while Redis is unreachable.
  new Gauge({
    name: 'iris_outbox_lag_seconds',
    help: 'Age in seconds of the oldest unpublished outbox event (0 when none is pending)',
    registers,
    async collect() {
      const backlog = await sources.outboxBacklog();
      if (!backlog) return;
      this.set(backlog.oldestAgeSeconds);
      outboxPending.set(backlog.pending);
      openDeliveries.set(backlog.openDeliveries);
      openDeliveryAge.set(backlog.oldestOpenDeliverySeconds);
    },
  });
  return {
    forecastDuration: new Histogram({
      name: 'iris_forecast_job_duration_seconds',
      help: 'Duration of forecast retraining jobs',
      buckets: JOB_BUCKETS,
      registers,
    }),
    forecastWeatherFallbacks: new Counter({
      name: 'iris_forecast_weather_fallbacks_total',
      help: 'Forecast series trained without weather regressors, by reason: no_key, no_coordinates or outage (label: reason)',
      labelNames: ['reason'],
      registers,
    }),
    pricingProducts: new Counter({
      name: 'iris_pricing_products_total',
      help: 'Products considered by the hourly pricing job, by outcome: applied, proposed, unchanged, too_soon, out_of_bounds or failed (label: outcome)',
      labelNames: ['outcome'],
      registers,
    }),
    duration: new Histogram({
      name: 'iris_job_duration_seconds',
      help: 'Duration of background job runs in seconds (label: job)',
      labelNames: ['job'],
      buckets: JOB_BUCKETS,
      registers,
    }),
    outboxRedeliveries: new Counter({
      name: 'iris_outbox_redeliveries_total',
      help: 'Event jobs handed to the queue again after their lease because the queue had lost them (label: job)',
      labelNames: ['job'],
      registers,
    }),
    completed: new Counter({
      name: 'iris_job_completed_total',
      help: 'Finished background job attempts by outcome: success, retry or failure (labels: job, outcome)',
      labelNames: ['job', 'outcome'],
      registers,
    }),
  };
}

/**
 * Supplier connector metrics (spec §11, §13), by `supplier`. Registered by whichever side uses them first in a
 * process — the API (connect, cart prefill) or the jobs (sync, DOM watcher, invoice pull); in embedded mode both
 * share one registry, so an existing metric is reused rather than registered twice.
 */
export interface ConnectorMetrics {
  /** connector_sync_success_total: supplier catalog syncs that completed. */
  syncSuccess: Counter<'supplier'>;
  /** connector_sync_duration_seconds: wall time of each sync run, failed ones included. */
  syncDuration: Histogram<'supplier'>;
  /** connector_sync_items_total: catalog items read from portals and written to the catalog. */
  syncItems: Counter<'supplier'>;
  /** connector_dom_failures_total: DOM/selector breakage incidents found by syncs and the DOM watcher. */
  domFailures: Counter<'supplier'>;
  /** connector_cart_prefill_total: supplier cart prefills executed. */
  cartPrefill: Counter<'supplier'>;
}

export function registerConnectorMetrics(registry: Registry): ConnectorMetrics {
  const reuse = <M>(name: string, create: () => M): M =>
    (registry.getSingleMetric(name) as M | undefined) ?? create();
  const registers = [registry];
  const labelNames = ['supplier'] as const;
  return {
    syncSuccess: reuse(
      'connector_sync_success_total',
      () =>
        new Counter({
          name: 'connector_sync_success_total',
          help: 'Successful supplier catalog syncs (label: supplier)',
          labelNames,
          registers,
        }),
    ),
    syncDuration: reuse(
      'connector_sync_duration_seconds',
      () =>
        new Histogram({
          name: 'connector_sync_duration_seconds',
          help: 'Time per supplier sync run in seconds, failed runs included (label: supplier)',
          labelNames,
          buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800],
          registers,
        }),
    ),
    syncItems: reuse(
      'connector_sync_items_total',
      () =>
        new Counter({
          name: 'connector_sync_items_total',
          help: 'Catalog items read from supplier portals and written to the catalog (label: supplier)',
          labelNames,
          registers,
        }),
    ),
    domFailures: reuse(
      'connector_dom_failures_total',
      () =>
        new Counter({
          name: 'connector_dom_failures_total',
          help: 'Connector automation failures due to supplier portal DOM changes (label: supplier)',
          labelNames,
          registers,
        }),
    ),
    cartPrefill: reuse(
      'connector_cart_prefill_total',
      () =>
        new Counter({
          name: 'connector_cart_prefill_total',
          help: 'Supplier cart prefills executed (label: supplier)',
          labelNames,
          registers,
        }),
    ),
  };
}

/** Supplier-invoice intake (spec §12, §13), registered wherever the extraction job runs. */
export interface InvoiceMetrics {
  /** iris_invoice_extraction_seconds: time to extract one document, by source (xml, pdf-xml, pdf-text, ocr). */
  extraction: Histogram<'source'>;
  /** iris_invoices_total: processed supplier invoices by outcome (the status extraction left them in). */
  invoices: Counter<'outcome'>;
  /** iris_reconciliation_discrepancies_total: discrepancies found, by reason code. */
  discrepancies: Counter<'reason'>;
  /** iris_invoice_ocr_pages_total: pages read by OCR (with the ocr extraction histogram: pages per second). */
  ocrPages: Counter;
}

export function registerInvoiceMetrics(registry: Registry): InvoiceMetrics {
  const registers = [registry];
  return {
    extraction: new Histogram({
      name: 'iris_invoice_extraction_seconds',
      help: 'Time to extract a supplier invoice in seconds (label: source)',
      labelNames: ['source'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    invoices: new Counter({
      name: 'iris_invoices_total',
      help: 'Processed supplier invoices by outcome: matched, disputed, needs_review, failed, credit_note (label: outcome)',
      labelNames: ['outcome'],
      registers,
    }),
    discrepancies: new Counter({
      name: 'iris_reconciliation_discrepancies_total',
      help: 'Discrepancies found reconciling supplier invoices against orders (label: reason)',
      labelNames: ['reason'],
      registers,
    }),
    ocrPages: new Counter({
      name: 'iris_invoice_ocr_pages_total',
      help: 'Pages of scanned supplier invoices read by OCR',
      registers,
    }),
  };
}

/**
 * Payment metrics (spec §13), joined to whichever registry the caller runs with (API, worker, or the API's in
 * embedded mode, where both sides share one registry: the metrics are then created once and shared).
 */
export interface PaymentMetrics {
  /** iris_payment_events_total: Stripe webhook events and payment steps by type and outcome. */
  events: Counter<'type' | 'outcome'>;
  /** iris_stripe_request_seconds: duration of each Stripe API call by operation. */
  stripeRequest: Histogram<'operation' | 'outcome'>;
}

const paymentMetricsByRegistry = new WeakMap<Registry, PaymentMetrics>();

export function paymentMetrics(registry: Registry): PaymentMetrics {
  const existing = paymentMetricsByRegistry.get(registry);
  if (existing) return existing;
  const created = createPaymentMetrics(registry);
  paymentMetricsByRegistry.set(registry, created);
  return created;
}

function createPaymentMetrics(registry: Registry): PaymentMetrics {
  return {
    events: new Counter({
      name: 'iris_payment_events_total',
      help: 'Stripe webhook events and payment steps (labels: type, outcome: applied, duplicate, ignored, stale, failed)',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    stripeRequest: new Histogram({
      name: 'iris_stripe_request_seconds',
      help: 'Duration of Stripe API requests in seconds (labels: operation, outcome: ok, declined, error)',
      labelNames: ['operation', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
  };
}

/** A registry with prom-client's process and Node.js metrics; the API and the worker process each have one. */
export function createProcessRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'iris_process_' });
  // iris_process_faults_total: unhandled rejections and uncaught exceptions caught by the process guard.
  new Counter({
    name: 'iris_process_faults_total',
    help: 'Unhandled promise rejections and uncaught exceptions caught by the process guard (label: kind)',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, count] of Object.entries(processFaultCounts())) this.inc({ kind }, count);
    },
  });
  return registry;
}

/**
 * iris_db_connection_errors_total: established PostgreSQL connections that failed (terminated, reset, server
 * shut down); each failed the request or job using it, and the pool replaced it.
 */
export function registerDatabaseMetrics(
  registry: Registry,
  stats: { connectionErrors: number; queryTimeouts?: number },
): void {
  if (stats.queryTimeouts !== undefined) {
    new Counter({
      name: 'iris_db_query_timeouts_total',
      help: 'Embedded-database statements stopped for running over DB_STATEMENT_TIMEOUT_MS (the database thread restarted)',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(stats.queryTimeouts ?? 0);
      },
    });
  }
  new Counter({
    name: 'iris_db_connection_errors_total',
    help: 'Established database connections that failed (terminated, reset, server shut down)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(stats.connectionErrors);
    },
  });
}

/**
 * iris_redis_up: 1 while the API's Redis connection is ready, 0 while it is down (readiness then reports
 * `degraded`: rate limits fail open and events wait in the outbox). Read at scrape time, without a round trip.
 */
export function registerRedisMetric(registry: Registry, isUp: () => boolean): void {
  new Gauge({
    name: 'iris_redis_up',
    help: 'Whether the Redis connection is ready (1) or down (0); readiness reports degraded while it is 0',
    registers: [registry],
    collect() {
      this.set(isUp() ? 1 : 0);
    },
  });
}
