import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createMetrics,
  createProcessRegistry,
  paymentMetrics,
  registerConnectorMetrics,
  registerInvoiceMetrics,
  registerJobMetrics,
} from '../../src/core/metrics.js';

const DASHBOARD = 'ops/grafana/iris-api.json';
const RULES = 'ops/prometheus/alerts.yml';
/** Series that come from Prometheus itself or the blackbox exporter, not from Iris. */
const EXTERNAL = new Set(['up', 'probe_success']);
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'bool',
  'offset',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);

/** Metric names a PromQL expression selects: no functions, keywords, labels, strings, numbers or ranges. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/(?<![\w:])\d+(\.\d+)?(e[+-]?\d+)?/gi, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const after = stripped.slice(match.index + match[0].length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** The `expr:` values and `record:` names of a rules file (plain and folded `>` scalars). */
function ruleFile(path: string): { exprs: string[]; records: string[] } {
  const lines = readFileSync(path, 'utf8').split('\n');
  const exprs: string[] = [];
  const records: string[] = [];
  lines.forEach((line, i) => {
    const record = /^\s*- record:\s*(\S+)/.exec(line);
    if (record?.[1]) records.push(record[1]);
    const expr = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!expr) return;
    if (expr[2] !== '>') {
      exprs.push(expr[2] ?? '');
      return;
    }
    const indent = (expr[1] ?? '').length;
    const body: string[] = [];
    for (
      let j = i + 1;
      j < lines.length && (lines[j]!.match(/^\s*/)![0].length > indent || lines[j] === '');
      j++
    ) {
      body.push(lines[j]!.trim());
    }
    exprs.push(body.join(' '));
  });
  return { exprs, records };
}

function dashboardExprs(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { targets?: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}

async function registeredNames(): Promise<Set<string>> {
  const api = createMetrics().registry;
  const worker = createProcessRegistry();
  registerJobMetrics(worker, {
    queueDepth: () => Promise.resolve(undefined),
    outboxBacklog: () => Promise.resolve(undefined),
  });
  // As createServices (API: prefill) and startJobRuntime (worker: sync, DOM watch) do.
  registerConnectorMetrics(api);
  registerConnectorMetrics(worker);
  // As createJobServices does for the extraction job (worker, or the API in embedded mode).
  registerInvoiceMetrics(worker);
  // As createServices (API: webhooks, placement) and createJobServices (worker: payments jobs) do.
  paymentMetrics(api);
  paymentMetrics(worker);
  const names = new Set<string>();
  for (const registry of [api, worker]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram')
        for (const s of ['_bucket', '_sum', '_count']) names.add(metric.name + s);
    }
  }
  return names;
}

describe('dashboard and alert rules', () => {
  it('extracts metric names from PromQL', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, endpoint) (rate(iris_api_latency_seconds_bucket{job=~"$job"}[5m]))) > 0.3 and on (x) up{a="b"} / clamp_min(foo:bar, 1e-9)',
      ).sort(),
    ).toEqual(['foo:bar', 'iris_api_latency_seconds_bucket', 'up']);
  });

  it('reference only metrics the API or the worker registers', async () => {
    const registered = await registeredNames();
    const { exprs, records } = ruleFile(RULES);
    const recorded = new Set(records);
    const all = [...dashboardExprs(), ...exprs];
    expect(all.length).toBeGreaterThan(20);
    const unknown = all
      .flatMap(metricNames)
      .filter((name) => !EXTERNAL.has(name) && !recorded.has(name) && !registered.has(name));
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('cover the spec’s SLOs, the connector, supplier-invoice and payment metrics', () => {
    const dashboard = dashboardExprs().join('\n');
    for (const name of [
      'iris_api_requests_total',
      'iris_api_errors_total',
      'iris_api_latency_seconds_bucket',
      'iris_job_completed_total',
      'iris_queue_depth',
      'iris_outbox_lag_seconds',
      'connector_sync_success_total',
      'connector_dom_failures_total',
      'connector_sync_duration_seconds_bucket',
      'connector_cart_prefill_total',
      'iris_invoice_extraction_seconds_bucket',
      'iris_invoices_total',
      'iris_reconciliation_discrepancies_total',
      'iris_invoice_ocr_pages_total',
      'iris_payment_events_total',
      'iris_stripe_request_seconds_bucket',
    ]) {
      expect(dashboard).toContain(name);
    }
    const rules = readFileSync(RULES, 'utf8');
    for (const alert of ['IrisApiLatencyP95High', 'IrisApiUptimeSloBreached', 'IrisJobSuccessRateLow']) {
      expect(rules).toContain(`alert: ${alert}`);
    }
  });

  const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  const hasPromtool = promtool.status === 0;
  it.skipIf(!hasPromtool)(
    `pass promtool check rules and the rule unit tests${hasPromtool ? '' : ' (skipped: promtool not installed; apt-get install prometheus)'}`,
    () => {
      for (const args of [
        ['check', 'rules', RULES],
        ['test', 'rules', 'ops/prometheus/alerts.test.yml'],
      ]) {
        const run = spawnSync('promtool', args, { encoding: 'utf8' });
        expect(run.status, run.stdout + run.stderr).toBe(0);
      }
    },
  );
});
