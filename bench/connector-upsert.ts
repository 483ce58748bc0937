import { loadavg } from 'node:os';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { parseConfig } from '../src/core/config.js';
import { openPostgres } from '../src/core/database.js';
import type { Database } from '../src/core/db.types.js';
import type { PortalItem } from '../src/connectors/connector.js';
import { customerPriceOre, formatKronor, portalProduct } from '../src/connectors/portals/catalog.js';
import * as mirror from '../src/domain/integrations/catalog-mirror.repository.js';
import { queryRows } from '../src/db/rows.js';
import { createOrg, createUser } from '../test/helpers/identity.js';
import { measure } from './cpu.js';
import { BENCH_SECRET, benchDatabase, machine, saveResult } from './lib.js';

/**
 * tsx bench/connector-upsert.ts [database…] — the connector sync's upsert step alone, without a browser, A/B across
 * databases: each round writes the same catalog into a fresh supplier of every named database in turn (first
 * write, unchanged, 5 % repriced), so a schema variant (one database migrated differently, e.g. from another
 * checkout) is compared with the other under the same load. Reports wall time and CPU ms per item of Node and the
 * database's backends. Databases are migrated with this checkout's migrations when they do not exist yet.
 * Env: BENCH_CONNECTOR_ITEMS (20000), CONNECTOR_SYNC_BATCH_ITEMS (2000), BENCH_UPSERT_ROUNDS (3).
 */
const ITEMS = Number(process.env.BENCH_CONNECTOR_ITEMS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_UPSERT_ROUNDS ?? 3);
const CUSTOMER = 'K77001';

/** The catalog as the sync's reader yields it from the Martin & Servera replica. */
function portalItems(count: number): PortalItem[] {
  return Array.from({ length: count }, (_, index) => {
    const p = portalProduct('MS', index);
    const ore = customerPriceOre(p, CUSTOMER);
    return {
      externalId: p.article,
      name: p.name,
      brand: p.brand,
      category: p.category,
      packText: p.pack,
      priceText: `${formatKronor(ore)} kr/${p.unit}`,
      priceOre: ore,
      unit: p.unit,
      comparisonText: `${formatKronor(ore * p.comparisonFactor)} ${p.comparisonUnit}`,
      gtin: p.gtin,
      available: p.available,
      orderable: p.orderable,
    };
  });
}

interface Variant {
  name: string;
  db: Database;
  close(): Promise<void>;
  connectionId: string;
}

async function openVariant(name: string, items: PortalItem[]): Promise<Variant> {
  const { url, client } = await benchDatabase(name);
  await client.end();
  const config = parseConfig({ APP_SECRET: BENCH_SECRET, DATABASE_URL: url });
  const handle = await openPostgres(url, config.database.pool);
  const db = handle.db;
  const owner = await createUser(db, config, 'RESTAURANT');
  const restaurantId = await createOrg(db, 'restaurant', 'Benchkrogen AB', [{ user: owner, role: 'owner' }]);
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO supplier_connections
          (restaurant_id, supplier_key, status, consent_given_at, consent_text_version, consent_account_id)
        VALUES (${restaurantId}::uuid, ${`bench_${randomUUID().slice(0, 8)}`}, 'active', now(), 'bench', ${owner.id}::uuid)
        RETURNING id`,
  );
  const connectionId = row!.id;
  // As in the full bench, the connection's cache already holds the catalog (the sync wrote it).
  const synced = await createOrg(db, 'supplier', 'Bench Synkad AB');
  await writeAll(db, { connectionId, supplierId: synced, runId: randomUUID(), fallbackCategory: 'Bench' }, items);
  return { name, db, close: () => handle.close(), connectionId };
}

const BATCH = Number(process.env.CONNECTOR_SYNC_BATCH_ITEMS ?? 2000);

async function writeAll(db: Database, target: mirror.MirrorTarget, items: PortalItem[]) {
  for (let i = 0; i < items.length; i += BATCH) {
    await db.transaction((tx) => mirror.upsertCatalogBatch(tx, target, items.slice(i, i + BATCH)));
  }
  await db.transaction((tx) =>
    mirror.deactivateUnseen(
      tx,
      target,
      items.map((i) => i.externalId),
    ),
  );
}

async function step(v: Variant, supplierId: string, items: PortalItem[]) {
  const target = { connectionId: v.connectionId, supplierId, runId: randomUUID(), fallbackCategory: 'Bench' };
  const m = await measure(v.db, v.name, items.length, () => writeAll(v.db, target, items));
  return { seconds: m.seconds, items_per_second: Math.round(items.length / m.seconds), ...m.cpu };
}

const names = process.argv.slice(2);
if (names.length === 0) names.push('iris_bench_connector_upsert');
const items = portalItems(ITEMS);
const repriced = items.map((i, n) => (n % 20 === 0 ? { ...i, priceOre: i.priceOre + 100 } : i));
const variants: Variant[] = [];
for (const name of names) variants.push(await openVariant(name, items));
const rounds: unknown[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const v of variants) {
      const supplierId = await createOrg(v.db, 'supplier', `Bench Grossist ${round}`);
      const insert = await step(v, supplierId, items);
      const unchanged = await step(v, supplierId, items);
      const changed = await step(v, supplierId, repriced);
      const result = { round, database: v.name, insert, unchanged, five_percent_repriced: changed };
      console.log(JSON.stringify(result));
      rounds.push(result);
    }
  }
} finally {
  for (const v of variants) await v.close();
}
const out = { machine: machine(), load_average: loadavg(), items: ITEMS, batch_items: BATCH, rounds };
console.log(`saved ${saveResult('connector-upsert', out)}`);
