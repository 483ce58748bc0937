import { runConnectorsBench } from './connectors.js';
import { runForecastBench, runForecastThroughputBench } from './forecast.js';
import { runInvoicesBench } from './invoices.js';
import { runOrdersBench } from './orders.js';
import { runOutboxBench } from './outbox.js';
import { runRelevanceBench } from './relevance.js';
import { runRetentionBench } from './retention.js';
import { runSearchBench } from './search.js';

/** npm run bench [suite…] — suites: search, orders, relevance, forecast, forecast-throughput, retention, connectors, invoices, outbox. With no argument, all run. */
const suites: Record<string, () => Promise<unknown>> = {
  search: runSearchBench,
  orders: runOrdersBench,
  relevance: runRelevanceBench,
  forecast: runForecastBench,
  'forecast-throughput': runForecastThroughputBench,
  retention: runRetentionBench,
  connectors: runConnectorsBench,
  invoices: runInvoicesBench,
  outbox: runOutboxBench,
};
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(suites);
for (const name of wanted) {
  const suite = suites[name];
  if (!suite) {
    console.error(`unknown suite ${name}; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench: ${name}`);
  await suite();
}
