import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { sql, TransactionRollbackError } from 'drizzle-orm';
import { parseConfig } from '../src/core/config.js';
import { openPostgres } from '../src/core/database.js';
import type { Transaction } from '../src/core/db.types.js';
import type { PortalItem } from '../src/connectors/connector.js';
import type { MirrorTarget } from '../src/domain/integrations/catalog-mirror.repository.js';
import { queryRows } from '../src/db/rows.js';
import { createOrg, createUser } from '../test/helpers/identity.js';
import { BENCH_SECRET, benchDatabase, machine, saveResult } from './lib.js';
import { portalItems } from './portal-items.js';

/**
 * tsx bench/connector-upsert-micro.ts BASE_REPOSITORY [ROUNDS] — code A/B of one catalog batch write, measured as
 * the database backend's own CPU time (`/proc/<pid>/schedstat`) around `upsertCatalogBatch` of 2,000 new products
 * in a transaction that is rolled back, so every run writes into the same tables. BASE_REPOSITORY is another
 * checkout's `catalog-mirror.repository.ts`; this checkout's is the other side. Rounds alternate the order of the
 * two codes. Two cases: the connection's raw cache already holds the articles (as in the upsert step of
 * `bench:connectors`) and a new connection (a cold first sync: cache rows new too).
 * Env: BENCH_MICRO_DB (i17_micro), BENCH_MICRO_ITEMS (2000).
 */
type Upsert = (tx: Transaction, target: MirrorTarget, items: PortalItem[]) => Promise<unknown>;
const base = (await import(resolve(process.argv[2]!))) as { upsertCatalogBatch: Upsert };
const head = await import('../src/domain/integrations/catalog-mirror.repository.js');
const ROUNDS = Number(process.argv[3] ?? 15);
const ITEMS = Number(process.env.BENCH_MICRO_ITEMS ?? 2000);
const { url } = await benchDatabase(process.env.BENCH_MICRO_DB ?? 'i17_micro').then(async (b) => {
  await b.client.end();
  return b;
});
const config = parseConfig({ APP_SECRET: BENCH_SECRET, DATABASE_URL: url });
const handle = await openPostgres(url, config.database.pool);
const db = handle.db;

const owner = await createUser(db, config, 'RESTAURANT');
const restaurantId = await createOrg(db, 'restaurant', 'Mikrokrogen AB', [{ user: owner, role: 'owner' }]);
const connection = async (ex: Transaction | typeof db) =>
  (
    await queryRows<{ id: string }>(
      ex,
      sql`INSERT INTO supplier_connections
          (restaurant_id, supplier_key, status, consent_given_at, consent_text_version, consent_account_id)
        VALUES (${restaurantId}::uuid, ${`bench_${randomUUID().slice(0, 8)}`}, 'active', now(), 'bench', ${owner.id}::uuid)
        RETURNING id`,
    )
  )[0]!.id;
const items = portalItems(ITEMS);
const warmConnection = await connection(db);
// The catalog the products land among (20,000 of another supplier), and the warm connection's cache.
const other = await createOrg(db, 'supplier', 'Mikro Annan AB');
for (let from = 0; from < 20_000; from += ITEMS)
  await db.transaction((tx) =>
    head.upsertCatalogBatch(
      tx,
      { connectionId: warmConnection, supplierId: other, runId: randomUUID(), fallbackCategory: 'Bench' },
      portalItems(ITEMS, from),
    ),
  );

const cpuNs = (pid: number) => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);

/** Backend CPU ms of one batch write into a new supplier, rolled back. */
async function once(upsert: Upsert, cold: boolean): Promise<number> {
  let ms = 0;
  await db
    .transaction(async (tx) => {
      const [{ pid }] = (await queryRows<{ pid: number }>(tx, sql`SELECT pg_backend_pid() AS pid`)) as [
        { pid: number },
      ];
      const supplierId = await createOrg(tx, 'supplier', 'Mikro Grossist AB');
      const connectionId = cold ? await connection(tx) : warmConnection;
      const before = cpuNs(pid);
      await upsert(tx, { connectionId, supplierId, runId: randomUUID(), fallbackCategory: 'Bench' }, items);
      ms = (cpuNs(pid) - before) / 1e6;
      tx.rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof TransactionRollbackError)) throw error;
    });
  return ms;
}

const runs: { round: number; code: string; cache: string; ms: number; load: number }[] = [];
const sides: [string, Upsert][] = [
  ['base', base.upsertCatalogBatch],
  ['head', head.upsertCatalogBatch],
];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [code, upsert] of round % 2 ? sides : [...sides].reverse())
      for (const cold of [false, true])
        runs.push({
          round,
          code,
          cache: cold ? 'new' : 'present',
          ms: await once(upsert, cold),
          load: loadavg()[0]!,
        });
  }
} finally {
  await handle.close();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = ['present', 'new'].flatMap((cache) =>
  ['base', 'head'].map((code) => {
    const ms = runs.filter((r) => r.code === code && r.cache === cache).map((r) => r.ms);
    return { cache, code, median_ms: median(ms), ms_per_item: +(median(ms) / ITEMS).toFixed(4) };
  }),
);
console.log(JSON.stringify(summary));
console.log(
  `saved ${saveResult('connector-upsert-micro', { machine: machine(), items: ITEMS, summary, runs })}`,
);
