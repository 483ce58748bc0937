import { runConnectorsBench } from './connectors.js';
import { runForecastBench, runForecastThroughputBench } from './forecast.js';
import { runInvoicesBench } from './invoices.js';
import { runOrdersBench } from './orders.js';
import { runOutboxBench } from './outbox.js';
import { runRelevanceBench } from './relevance.js';
import { runRetentionBench } from './retention.js';
import { runSearchBench } from './search.js';
import { runSearchAbBench } from './search-ab.js';

/**
 * npm run bench [suite…] — suites: search, orders, relevance, forecast, forecast-throughput, retention, connectors,
 * invoices, outbox, search-ab. With no argument, all run but search-ab (it needs a baseline checkout,
 * BENCH_AB_BASELINE).
 */
const suites: Record<string, () => Promise<unknown>> = {
  search: runSearchBench,
  orders: runOrdersBench,
  relevance: runRelevanceBench,
  forecast: runForecastBench,
  'forecast-throughput': runForecastThroughputBench,
  retention: runRetentionBench,
  connectors: runConnectorsBench,
  invoices: runInvoicesBench,
  'search-ab': runSearchAbBench,
  outbox: runOutboxBench,
};
const onlyWhenNamed = new Set(['search-ab']);
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(suites).filter((name) => !onlyWhenNamed.has(name));
for (const name of wanted) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown suite ${name}; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench: ${name}`);
  await suite();
}
