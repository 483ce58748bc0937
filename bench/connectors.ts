import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { Registry } from 'prom-client';
import { parseConfig } from '../src/core/config.js';
import { openPostgres } from '../src/core/database.js';
import { createObjectStore } from '../src/core/storage/create-store.js';
import { registerConnectorMetrics } from '../src/core/metrics.js';
import type { PortalItem } from '../src/connectors/connector.js';
import { createConnectorRuntime } from '../src/connectors/runtime.js';
import { startPortal } from '../src/connectors/portals/server.js';
import { createSupplierInvoiceIntake } from '../src/domain/integrations/invoice-intake.js';
import { CONSENT_TEXT_VERSION } from '../src/domain/integrations/integrations.schemas.js';
import { createIntegrationService } from '../src/domain/integrations/integrations.service.js';
import { createSessionVault } from '../src/domain/integrations/session-vault.js';
import { createConnectorJobs } from '../src/domain/integrations/integrations.jobs.js';
import { createOrg, createUser } from '../test/helpers/identity.js';
import { measure } from './cpu.js';
import { timeUpsertStep } from './upsert-step.js';
import { ADMIN_URL, BENCH_SECRET, benchDatabase, machine, saveResult } from './lib.js';

/**
 * npm run bench:connectors — spec §11 targets against the Martin & Servera replica with its 20,000 products:
 * a full catalog sync end to end ≤ 60 s (with the production pacing between pages), the catalog upsert step
 * itself ≥ 20,000 items/s, and a cart prefill of 30 lines ≤ 10 s; the browser's peak memory is recorded.
 * Every step reports wall time and CPU ms per item of this process, Chromium and the PostgreSQL backends, with
 * the load average. Env: BENCH_CONNECTOR_ITEMS (default 20000), BENCH_CONNECTOR_PAGE_SIZE (default 250),
 * CONNECTOR_SYNC_BATCH_ITEMS and CONNECTOR_SYNC_WRITERS (the sync's batch and writers, defaults from config). The
 * upsert step runs with the sync's writers and, for comparison, with one.
 */
const DATABASE = 'iris_bench_connectors';
const ITEMS = Number(process.env.BENCH_CONNECTOR_ITEMS ?? 20_000);
const PAGE_SIZE = Number(process.env.BENCH_CONNECTOR_PAGE_SIZE ?? 250);
const PASSWORD = 'bench-L0senord';
const CUSTOMER = 'K77001';

async function freshDatabase(): Promise<void> {
  const admin = new pg.Client(ADMIN_URL);
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export async function runConnectorsBench(): Promise<unknown> {
  await freshDatabase();
  const { url, client } = await benchDatabase(DATABASE);
  await client.end();
  const portal = await startPortal({
    flavour: 'martin_servera',
    catalogSize: ITEMS,
    pageSize: PAGE_SIZE,
    users: [{ username: 'bench@restaurang.se', password: PASSWORD, customerId: CUSTOMER }],
  });
  const config = parseConfig({
    APP_SECRET: BENCH_SECRET,
    DATABASE_URL: url,
    CONNECTOR_MARTIN_SERVERA_URL: portal.url,
    STORAGE_LOCAL_DIR: `/tmp/${DATABASE}-files`,
    ...(process.env.CONNECTOR_SYNC_BATCH_ITEMS
      ? { CONNECTOR_SYNC_BATCH_ITEMS: process.env.CONNECTOR_SYNC_BATCH_ITEMS }
      : {}),
    ...(process.env.CONNECTOR_SYNC_WRITERS
      ? { CONNECTOR_SYNC_WRITERS: process.env.CONNECTOR_SYNC_WRITERS }
      : {}),
  });
  const handle = await openPostgres(url, config.database.pool);
  const db = handle.db;
  const c = config.connectors;
  const runtime = createConnectorRuntime(c);
  const deps = {
    db,
    runtime,
    vault: createSessionVault({ kek: c.kek, kekId: c.kekId, appSecret: config.auth.appSecret }),
    metrics: registerConnectorMetrics(new Registry()),
    config: c,
    intake: createSupplierInvoiceIntake({
      db,
      store: createObjectStore(config.storage),
      settings: { maxBytes: config.supplierInvoices.maxBytes },
    }),
  };
  const integrations = createIntegrationService(deps);
  const jobs = createConnectorJobs(deps);
  try {
    const owner = await createUser(db, config, 'RESTAURANT');
    const restaurantId = await createOrg(db, 'restaurant', 'Benchkrogen AB', [
      { user: owner, role: 'owner' },
    ]);
    const ctx = {
      principal: { kind: 'user' as const, accountId: owner.id, role: owner.role, email: owner.email },
      requestId: 'bench',
      ip: '127.0.0.1',
      userAgent: undefined,
    };
    const started = performance.now();
    const connected = await integrations.connect(ctx, 'martin_servera', {
      restaurant_id: restaurantId,
      consent: {
        text_version: CONSENT_TEXT_VERSION,
        session_only: true,
        credentials_not_stored: true,
        delegated_retrieval: true,
      },
      username: 'bench@restaurang.se',
      password: PASSWORD,
    });
    if (connected.kind !== 'connected') throw new Error('the replica asked for a code');
    const connectSeconds = Math.round((performance.now() - started) / 10) / 100;
    const connectionId = connected.connection.connection_id;

    // Capture what the portal pages yield (to time the upsert step on its own afterwards) and the time spent
    // reading pages, which the sync overlaps with writing the previous batch.
    const portalClient = runtime.client('martin_servera');
    const captured: PortalItem[] = [];
    let capturing = true;
    let fetchSeconds = 0;
    const page = portalClient.catalogPage.bind(portalClient);
    portalClient.catalogPage = async (g, n) => {
      const pageStarted = performance.now();
      const result = await page(g, n);
      fetchSeconds += (performance.now() - pageStarted) / 1000;
      if (capturing) captured.push(...result.items);
      return result;
    };

    const cold = await measure(db, DATABASE, ITEMS, () => jobs.sync(connectionId, 'bench-cold'));
    if (cold.result !== 'success') throw new Error(`cold sync ended ${cold.result}`);
    const coldFetchSeconds = fetchSeconds;
    capturing = false;
    fetchSeconds = 0;
    const warm = await measure(db, DATABASE, ITEMS, () => jobs.sync(connectionId, 'bench-warm'));
    const warmFetchSeconds = fetchSeconds;

    const lines = captured
      .filter((i) => i.orderable)
      .slice(0, 30)
      .map((i) => ({ article: i.externalId, quantity: 2 }));
    const prefill = await measure(db, DATABASE, lines.length, () =>
      integrations.prefill(ctx, 'martin_servera', { restaurant_id: restaurantId, lines }),
    );
    const prefillProblems = prefill.result.lines.filter((l) => l.problem && l.problem !== 'quantity_rounded');

    // The upsert step alone, into a fresh supplier: first write (inserts), unchanged, then 5 % new prices; with
    // the sync's writers and, for comparison, with one writer (batches one after another).
    const batch = c.syncBatchItems;
    const repriced = captured.map((i, n) => (n % 20 === 0 ? { ...i, priceOre: i.priceOre + 100 } : i));
    const upsertPasses = async (writers: number) => {
      const supplierId = await createOrg(db, 'supplier', `Bench Grossist ${writers} AB`);
      const target = { connectionId, supplierId, runId: randomUUID(), fallbackCategory: 'Bench' };
      const o = { database: DATABASE, pageSize: PAGE_SIZE, batchItems: batch, writers };
      const insert = await timeUpsertStep(db, target, captured, o);
      const unchanged = await timeUpsertStep(db, { ...target, runId: randomUUID() }, captured, o);
      const changed = await timeUpsertStep(db, { ...target, runId: randomUUID() }, repriced, o);
      return { insert, unchanged, five_percent_repriced: changed };
    };
    const oneWriter = await upsertPasses(1);
    const { insert, unchanged, five_percent_repriced: changed } = await upsertPasses(c.syncWriters);

    const items = captured.length;
    const out = {
      machine: machine(),
      load_average: loadavg().map((l) => Math.round(l * 100) / 100),
      items,
      page_size: PAGE_SIZE,
      pacing_ms: { delay: c.pacing.delayMs, jitter: c.pacing.jitterMs },
      connect_s: connectSeconds,
      sync_batch_items: batch,
      sync_cold: {
        seconds: cold.seconds,
        items_per_second: Math.round(items / cold.seconds),
        page_reads_s: Math.round(coldFetchSeconds * 100) / 100,
        ...cold.cpu,
      },
      sync_warm: {
        seconds: warm.seconds,
        outcome: warm.result,
        page_reads_s: Math.round(warmFetchSeconds * 100) / 100,
        ...warm.cpu,
      },
      browser_peak_rss_mib: Math.max(cold.peakMiB, warm.peakMiB, prefill.peakMiB),
      node_rss_mib: Math.round(process.memoryUsage().rss / 2 ** 20),
      sync_writers: c.syncWriters,
      upsert_step: { insert, unchanged, five_percent_repriced: changed },
      upsert_step_one_writer: oneWriter,
      prefill_30_lines: { seconds: prefill.seconds, problems: prefillProblems.length, ...prefill.cpu },
      targets: {
        sync_under_60s: cold.seconds <= 60 && warm.seconds <= 60,
        upsert_over_20000_per_s: Math.min(insert.items_per_second, unchanged.items_per_second) >= 20_000,
        prefill_under_10s: prefill.seconds <= 10,
      },
    };
    console.log(JSON.stringify(out, null, 2));
    console.log(`saved ${saveResult('connectors', out)}`);
    return out;
  } finally {
    await integrations.close();
    await handle.close();
    await portal.close();
  }
}
