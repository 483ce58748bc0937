import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import pg from 'pg';
import { Registry } from 'prom-client';
import { parseConfig } from '../src/core/config.js';
import { openPostgres } from '../src/core/database.js';
import type { Database } from '../src/core/db.types.js';
import { createObjectStore } from '../src/core/storage/create-store.js';
import { registerConnectorMetrics } from '../src/core/metrics.js';
import type { PortalItem } from '../src/connectors/connector.js';
import { createConnectorRuntime } from '../src/connectors/runtime.js';
import { startPortal } from '../src/connectors/portals/server.js';
import { createSupplierInvoiceIntake } from '../src/domain/integrations/invoice-intake.js';
import * as repo from '../src/domain/integrations/integrations.repository.js';
import { CONSENT_TEXT_VERSION } from '../src/domain/integrations/integrations.schemas.js';
import { createIntegrationService } from '../src/domain/integrations/integrations.service.js';
import { createSessionVault } from '../src/domain/integrations/session-vault.js';
import { createConnectorJobs } from '../src/domain/integrations/integrations.jobs.js';
import { createOrg, createUser } from '../test/helpers/identity.js';
import { ADMIN_URL, BENCH_SECRET, benchDatabase, machine, saveResult } from './lib.js';

/**
 * npm run bench:connectors — spec §11 targets against the Martin & Servera replica with its 20,000 products:
 * a full catalog sync end to end ≤ 60 s (with the production pacing between pages), the catalog upsert step
 * itself ≥ 20,000 items/s, and a cart prefill of 30 lines ≤ 10 s; the browser's peak memory is recorded.
 * Env: BENCH_CONNECTOR_ITEMS (default 20000), BENCH_CONNECTOR_PAGE_SIZE (default 250).
 */
const DATABASE = 'iris_bench_connectors';
const ITEMS = Number(process.env.BENCH_CONNECTOR_ITEMS ?? 20_000);
const PAGE_SIZE = Number(process.env.BENCH_CONNECTOR_PAGE_SIZE ?? 250);
const PASSWORD = 'bench-L0senord';
const CUSTOMER = 'K77001';

/** Resident memory (MiB) of this process's descendants: the Chromium browser and its renderers. */
function browserRssMiB(): number {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number, number]);
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const rss = new Map(table.map(([pid, , kb]) => [pid, kb]));
  let total = 0;
  const stack = [...(children.get(process.pid) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return Math.round(total / 1024);
}

/** Samples the browser's memory while `work` runs; the peak is what a worker must budget for. */
async function withPeakMemory<T>(work: () => Promise<T>): Promise<{ result: T; peakMiB: number }> {
  let peakMiB = browserRssMiB();
  const timer = setInterval(() => {
    peakMiB = Math.max(peakMiB, browserRssMiB());
  }, 200);
  try {
    const result = await work();
    return { result, peakMiB: Math.max(peakMiB, browserRssMiB()) };
  } finally {
    clearInterval(timer);
  }
}

const seconds = (started: number) => Math.round((performance.now() - started) / 10) / 100;

/** The upsert step alone: the same items written page by page, as the sync does, into a fresh supplier. */
async function upsertStep(db: Database, connectionId: string, items: PortalItem[], supplierId: string) {
  const runId = randomUUID();
  const target = { connectionId, supplierId, runId, fallbackCategory: 'Bench' };
  const started = performance.now();
  for (let i = 0; i < items.length; i += PAGE_SIZE) {
    await db.transaction((tx) => repo.upsertCatalogPage(tx, target, items.slice(i, i + PAGE_SIZE)));
  }
  await db.transaction((tx) => repo.deactivateUnseen(tx, target));
  const s = (performance.now() - started) / 1000;
  return { seconds: Math.round(s * 100) / 100, items_per_second: Math.round(items.length / s) };
}

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
    let started = performance.now();
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
    const connectSeconds = seconds(started);
    const connectionId = connected.connection.connection_id;

    // Capture what the portal pages yield, to time the upsert step on its own afterwards.
    const portalClient = runtime.client('martin_servera');
    const captured: PortalItem[] = [];
    let capturing = true;
    const page = portalClient.catalogPage.bind(portalClient);
    portalClient.catalogPage = async (g, n) => {
      const result = await page(g, n);
      if (capturing) captured.push(...result.items);
      return result;
    };

    started = performance.now();
    const cold = await withPeakMemory(() => jobs.sync(connectionId, 'bench-cold'));
    const coldSeconds = seconds(started);
    if (cold.result !== 'success') throw new Error(`cold sync ended ${cold.result}`);
    capturing = false;
    started = performance.now();
    const warm = await withPeakMemory(() => jobs.sync(connectionId, 'bench-warm'));
    const warmSeconds = seconds(started);

    const lines = captured
      .filter((i) => i.orderable)
      .slice(0, 30)
      .map((i) => ({ article: i.externalId, quantity: 2 }));
    started = performance.now();
    const prefill = await withPeakMemory(() =>
      integrations.prefill(ctx, 'martin_servera', { restaurant_id: restaurantId, lines }),
    );
    const prefillSeconds = seconds(started);
    const prefillProblems = prefill.result.lines.filter((l) => l.problem && l.problem !== 'quantity_rounded');

    // The upsert step alone, into a second supplier: first write (inserts), unchanged, then 5 % new prices.
    const otherSupplier = await createOrg(db, 'supplier', 'Bench Grossist AB');
    const insert = await upsertStep(db, connectionId, captured, otherSupplier);
    const unchanged = await upsertStep(db, connectionId, captured, otherSupplier);
    const repriced = captured.map((i, n) => (n % 20 === 0 ? { ...i, priceOre: i.priceOre + 100 } : i));
    const changed = await upsertStep(db, connectionId, repriced, otherSupplier);

    const items = captured.length;
    const out = {
      machine: machine(),
      load_average: loadavg().map((l) => Math.round(l * 100) / 100),
      items,
      page_size: PAGE_SIZE,
      pacing_ms: { delay: c.pacing.delayMs, jitter: c.pacing.jitterMs },
      connect_s: connectSeconds,
      sync_cold: { seconds: coldSeconds, items_per_second: Math.round(items / coldSeconds) },
      sync_warm: { seconds: warmSeconds, outcome: warm.result },
      browser_peak_rss_mib: Math.max(cold.peakMiB, warm.peakMiB, prefill.peakMiB),
      node_rss_mib: Math.round(process.memoryUsage().rss / 2 ** 20),
      upsert_step: { insert, unchanged, five_percent_repriced: changed },
      prefill_30_lines: { seconds: prefillSeconds, problems: prefillProblems.length },
      targets: {
        sync_under_60s: coldSeconds <= 60 && warmSeconds <= 60,
        upsert_over_20000_per_s: Math.min(insert.items_per_second, unchanged.items_per_second) >= 20_000,
        prefill_under_10s: prefillSeconds <= 10,
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
