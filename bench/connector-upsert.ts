import { loadavg } from 'node:os';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { parseConfig } from '../src/core/config.js';
import { openPostgres } from '../src/core/database.js';
import type { Database } from '../src/core/db.types.js';
import type { PortalItem } from '../src/connectors/connector.js';
import { queryRows } from '../src/db/rows.js';
import { createOrg, createUser } from '../test/helpers/identity.js';
import pg from 'pg';
import { ADMIN_URL, BENCH_SECRET, benchDatabase, dbUrl, machine, saveResult } from './lib.js';
import { timeUpsertStep } from './upsert-step.js';
import { portalItems } from './portal-items.js';

/**
 * tsx bench/connector-upsert.ts [database…] — the connector sync's upsert step alone, without a browser, A/B across
 * databases: each round writes the same catalog into a fresh supplier of every named database in turn (first
 * write, unchanged, 5 % repriced), so a schema variant (one database migrated differently, e.g. from another
 * checkout) is compared with the other under the same load. Reports wall time and CPU ms per item of Node and the
 * database's backends. Databases are migrated with this checkout's migrations when they do not exist yet.
 * Each round runs the sync's pipeline with every writer count of BENCH_UPSERT_WRITERS (default 1,2).
 * Env: BENCH_CONNECTOR_ITEMS (20000), CONNECTOR_SYNC_BATCH_ITEMS (2000), BENCH_UPSERT_ROUNDS (3).
 */
const ITEMS = Number(process.env.BENCH_CONNECTOR_ITEMS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_UPSERT_ROUNDS ?? 3);
const BATCH = Number(process.env.CONNECTOR_SYNC_BATCH_ITEMS ?? 2000);
const PAGE_SIZE = 250;
const WRITERS = (process.env.BENCH_UPSERT_WRITERS ?? '1,2').split(',').map(Number);

async function databaseExists(name: string): Promise<boolean> {
  const admin = new pg.Client(ADMIN_URL);
  await admin.connect();
  try {
    return ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await admin.end();
  }
}

interface Variant {
  name: string;
  db: Database;
  close(): Promise<void>;
  connectionId: string;
}

const writeAll = (v: Variant, supplierId: string, items: PortalItem[], writers: number) =>
  timeUpsertStep(
    v.db,
    { connectionId: v.connectionId, supplierId, runId: randomUUID(), fallbackCategory: 'Bench' },
    items,
    { database: v.name, pageSize: PAGE_SIZE, batchItems: BATCH, writers },
  );

async function openVariant(name: string, items: PortalItem[]): Promise<Variant> {
  // An existing database is used as it is (it may be migrated from another checkout); a new one is migrated here.
  const url = (await databaseExists(name))
    ? dbUrl(name)
    : await benchDatabase(name).then(async (b) => {
        await b.client.end();
        return b.url;
      });
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
  const variant = { name, db, close: () => handle.close(), connectionId: row!.id };
  // As in the full bench, the connection's cache already holds the catalog (the sync wrote it).
  await writeAll(variant, await createOrg(db, 'supplier', 'Bench Synkad AB'), items, 1);
  return variant;
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
    for (const v of variants)
      for (const writers of WRITERS) {
        const supplierId = await createOrg(v.db, 'supplier', `Bench Grossist ${round}`);
        const insert = await writeAll(v, supplierId, items, writers);
        const unchanged = await writeAll(v, supplierId, items, writers);
        const changed = await writeAll(v, supplierId, repriced, writers);
        const result = {
          round,
          database: v.name,
          writers,
          insert,
          unchanged,
          five_percent_repriced: changed,
        };
        console.log(JSON.stringify(result));
        rounds.push(result);
      }
  }
} finally {
  for (const v of variants) await v.close();
}
const out = { machine: machine(), load_average: loadavg(), items: ITEMS, batch_items: BATCH, rounds };
console.log(`saved ${saveResult('connector-upsert', out)}`);
