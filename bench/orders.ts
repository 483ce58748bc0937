import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import type autocannon from 'autocannon';
import type pg from 'pg';
import { parseConfig } from '../src/core/config.js';
import { issueAccessToken } from '../src/core/security.js';
import { withCheckDigit } from '../src/domain/organisations/org-number.js';
import {
  BENCH_SECRET,
  benchDatabase,
  load,
  machine,
  processCpuSeconds,
  saveResult,
  startApi,
} from './lib.js';

/**
 * npm run bench:orders — autocannon posting orders (unique Idempotency-Keys, 3 lines each, tracked stock)
 * against the real API on PostgreSQL, once per concurrency level: a closed loop of N connections cannot beat
 * N / throughput in mean latency, so the latency target is read at the level where it can hold.
 * Env: BENCH_DURATION (default 30 s per level), BENCH_ORDER_CONNECTIONS (default "8,16,32"), BENCH_ORDERS_DATABASE
 * (default iris_bench_orders; another name keeps parallel runs on one server apart).
 */
const DATABASE = process.env.BENCH_ORDERS_DATABASE ?? 'iris_bench_orders';
const DURATION = Number(process.env.BENCH_DURATION ?? 30);
const LEVELS = (process.env.BENCH_ORDER_CONNECTIONS ?? '8,16,32').split(',').map(Number);
const PRODUCTS = 500;

/** A restaurant with a member, a supplier with tracked products, and a token: what placing orders needs. */
export async function seedOrderFixtures(client: pg.Client) {
  const one = async (text: string, values: unknown[] = []) =>
    (await client.query<{ id: string }>(text, values)).rows[0]?.id ?? '';
  const account = await one(
    `INSERT INTO accounts (email, role) VALUES ('bench-orders@iris.local', 'RESTAURANT')
     ON CONFLICT (email) DO UPDATE SET role = 'RESTAURANT' RETURNING id`,
  );
  const restaurant = await one(
    `INSERT INTO restaurants (legal_name, org_number) VALUES ('Benchkrogen AB', $1)
     ON CONFLICT (org_number) WHERE deleted_at IS NULL DO UPDATE SET legal_name = EXCLUDED.legal_name RETURNING id`,
    [withCheckDigit('559200001')],
  );
  const supplier = await one(
    `INSERT INTO suppliers (legal_name, org_number, vat_number) VALUES ('Benchgrossisten AB', $1::text, 'SE' || $1::text || '01')
     ON CONFLICT (org_number) WHERE deleted_at IS NULL DO UPDATE SET legal_name = EXCLUDED.legal_name RETURNING id`,
    [withCheckDigit('559200002')],
  );
  await client.query(
    `INSERT INTO restaurant_members (account_id, org_id, member_role) VALUES ($1, $2, 'owner') ON CONFLICT DO NOTHING`,
    [account, restaurant],
  );
  await client.query(
    `INSERT INTO products (supplier_id, sku, name, category, unit, price_cents, vat_category, stock_quantity)
     SELECT $1, 'B-' || g, 'Benchvara ' || g, 'Bench', 'st', 100 + g, 'food', 100000000
     FROM generate_series(1, ${PRODUCTS}) g
     ON CONFLICT (supplier_id, sku) WHERE deleted_at IS NULL DO UPDATE SET stock_quantity = 100000000`,
    [supplier],
  );
  const productIds = (
    await client.query<{ id: string }>('SELECT id FROM products WHERE supplier_id = $1', [supplier])
  ).rows.map((r) => r.id);
  await client.query('VACUUM ANALYZE');
  const token = await issueAccessToken(
    parseConfig({ APP_SECRET: BENCH_SECRET, ACCESS_TOKEN_TTL_SECONDS: '86400' }).auth,
    account,
  );

  return { token, restaurant, supplier, productIds };
}

/** An autocannon request that places a fresh 3-line order with a unique Idempotency-Key each time. */
export function placementRequest(fixtures: Awaited<ReturnType<typeof seedOrderFixtures>>) {
  const { token, restaurant, supplier, productIds } = fixtures;
  let n = 0;
  return {
    setupRequest: (req: autocannon.Request) => {
      n += 1;
      const pick = (k: number) => productIds[(n * 7 + k * 131) % productIds.length];
      return {
        ...req,
        method: 'POST' as const,
        headers: {
          ...req.headers,
          'idempotency-key': randomUUID(),
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          restaurant_id: restaurant,
          supplier_id: supplier,
          lines: [0, 1, 2].map((k) => ({ product_id: pick(k), quantity: 1 + (k % 2) })),
        }),
      };
    },
  };
}

export async function runOrdersBench(): Promise<unknown> {
  const { url, client } = await benchDatabase(DATABASE);
  const fixtures = await seedOrderFixtures(client);
  const { token } = fixtures;
  const { base, server } = await startApi({ DATABASE_URL: url, DATABASE_URL_DIRECT: url });
  try {
    const levels = [];
    for (const connections of LEVELS) {
      const before = await client.query<{ n: string }>('SELECT count(*) AS n FROM orders');
      const cpuBefore = processCpuSeconds(server.child.pid);
      const result = await load({
        url: `${base}/api/v1/orders`,
        method: 'POST',
        connections,
        duration: DURATION,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        requests: [placementRequest(fixtures)],
      });
      const after = await client.query<{ n: string }>('SELECT count(*) AS n FROM orders');
      const placed = Number(after.rows[0]?.n ?? 0) - Number(before.rows[0]?.n ?? 0);
      const cpuAfter = processCpuSeconds(server.child.pid);
      // The API process's own CPU per order (user + system): comparable across runs on a busy machine, where
      // orders/s is not. PostgreSQL's share is not in it.
      const apiCpuMsPerOrder =
        cpuBefore && cpuAfter && placed > 0
          ? Math.round(
              ((cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) * 1e6) / placed,
            ) / 1000
          : null;
      const loadAverage = loadavg().map((l) => Math.round(l * 100) / 100);
      console.log(
        `orders, ${String(connections)} connections, ${String(DURATION)} s:`,
        result,
        `orders placed: ${String(placed)}, API CPU ${String(apiCpuMsPerOrder)} ms/order, load average ${loadAverage.join(' ')}`,
      );
      levels.push({
        connections,
        ...result,
        orders_placed: placed,
        api_cpu_ms_per_order: apiCpuMsPerOrder,
        load_average: loadAverage,
      });
    }
    const out = { machine: machine(), duration_s: DURATION, levels };
    console.log(`saved ${saveResult('orders', out)}`);
    return out;
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await client.end();
  }
}
