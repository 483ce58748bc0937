import pg from 'pg';
import { parseConfig } from '../src/core/config.js';
import { issueAccessToken } from '../src/core/security.js';
import { generateProduct, prng, vocabulary } from '../src/db/catalog-generator.js';
import { withCheckDigit } from '../src/domain/organisations/org-number.js';
import { dropPrefix } from '../test/helpers/redis.js';
import { waitForHttp } from '../test/helpers/process.js';
import { BENCH_SECRET, benchDatabase, load, machine, saveResult, startApi } from './lib.js';

/**
 * npm run bench:search — 1,000,000 generated Swedish foodservice products over 50 suppliers, the real API
 * under autocannon (32 connections, mixed queries), and the same queries as naive ILIKE SQL for the ratio.
 * Env: BENCH_PRODUCTS (default 1000000), BENCH_DURATION seconds (default 30), BENCH_CONNECTIONS (default 32),
 * BENCH_SEARCH_DATABASE (default iris_bench_search), BENCH_NAIVE_RUNS (default 3).
 */
const DATABASE = process.env.BENCH_SEARCH_DATABASE ?? 'iris_bench_search';
const SUPPLIERS = 50;
const TOTAL = Number(process.env.BENCH_PRODUCTS ?? 1_000_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BATCH = 10_000;
/** Runs of each naive scan (median): 3 by default, since one costs seconds at this size and the ratio is what counts. */
const NAIVE_RUNS = Number(process.env.BENCH_NAIVE_RUNS ?? 3);

/** One representative of each query class, timed one by one against the API and the naive SQL. */
const QUERIES: { label: string; path: string; naive?: string }[] = [
  { label: 'common word', path: '/api/v1/products?q=kyckling', naive: 'kyckling' },
  { label: 'rare word', path: '/api/v1/products?q=h%C3%A4lleflundra', naive: 'hälleflundra' },
  { label: 'two words', path: '/api/v1/products?q=laxfil%C3%A9%20f%C3%A4rsk', naive: 'laxfilé färsk' },
  { label: 'misspelling', path: '/api/v1/products?q=kycklingfle', naive: 'kycklingfle' },
  { label: 'diacritics dropped', path: '/api/v1/products?q=vasterbottensost', naive: 'vasterbottensost' },
  { label: 'SKU prefix', path: '/api/v1/products?q=S07-000012', naive: 'S07-000012' },
  {
    label: 'category + price',
    path: `/api/v1/products?category=${encodeURIComponent('Mejeri')}&min_price_cents=2000&max_price_cents=5000&sort=price_cents`,
  },
  { label: 'deep offset', path: '/api/v1/products?sort=name&offset=5000&limit=50' },
];

/**
 * The load mix: ~3,200 distinct queries over the eight classes, drawn from the catalog's own vocabulary with
 * typos, SKU prefixes, category/price windows and deep offsets, requested with a skewed (Zipf-like) popularity.
 */
/** The load mix's classes, in the order `loadQueries` cycles through them (query i is of class i mod 8). */
export const SEARCH_CLASSES = [
  'prefix word',
  'brand + variant',
  'misspelling',
  'SKU prefix',
  'category + price',
  'deep offset',
  'brand + typo',
  'relaxed',
];

export function loadQueries(): string[] {
  const random = prng(7);
  const vocab = vocabulary();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const words = vocab.categories.flatMap((c) => c.items.flatMap((i) => i.split(' ')));
  const typo = (w: string) => {
    const at = 1 + Math.floor(random() * (w.length - 2));
    return random() < 0.5
      ? w.slice(0, at) + w.slice(at + 1)
      : `${w.slice(0, at)}${w.charAt(at + 1)}${w.charAt(at)}${w.slice(at + 2)}`;
  };
  const firstLetterTypo = (w: string) =>
    random() < 0.25 ? `${String.fromCharCode(97 + Math.floor(random() * 26))}${w.slice(1)}` : typo(w);
  const q = (text: string) => `/api/v1/products?q=${encodeURIComponent(text)}`;
  const out: string[] = [];
  for (let i = 0; i < 400; i++) {
    const category = pick(vocab.categories);
    const item = pick(category.items);
    const low = category.priceRange[0] + Math.floor(random() * 5000);
    out.push(
      q(item.split(' ')[0]!.slice(0, 4 + Math.floor(random() * 5))),
      q(`${pick(vocab.brands)} ${pick(category.variants)}`),
      q(typo(pick(words).toLowerCase())),
      q(
        `S${String(1 + Math.floor(random() * 50)).padStart(2, '0')}-${String(Math.floor(random() * 20000))
          .padStart(7, '0')
          .slice(0, 6)}`,
      ),
      `/api/v1/products?category=${encodeURIComponent(category.name)}&min_price_cents=${low}&max_price_cents=${low + 3000}&sort=price_cents`,
      `/api/v1/products?sort=${pick(['name', '-price_cents', 'created_at'])}&offset=${1000 + Math.floor(random() * 9000)}&limit=50`,
      // A brand and a product word, one of them with a typo (a wrong first letter included).
      q(`${pick(vocab.brands)} ${firstLetterTypo(item.split(' ')[0]!.toLowerCase())}`),
      // A query no product matches in full: relaxed to the words that match.
      q(`${item.split(' ')[0]!.toLowerCase()} ${pick(category.variants).toLowerCase()} xqzv${i}`),
    );
  }
  return out;
}

async function seed(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM products');
  const have = Number(rows[0]?.n ?? 0);
  if (have >= TOTAL) {
    console.log(`catalog present: ${have} products`);
    return;
  }
  console.log(`seeding ${TOTAL - have} products…`);
  const started = Date.now();
  const supplierIds: string[] = [];
  for (let s = 1; s <= SUPPLIERS; s++) {
    const org = withCheckDigit(`55910${String(s).padStart(4, '0')}`);
    const res = await client.query<{ id: string }>(
      `INSERT INTO suppliers (legal_name, org_number, vat_number) VALUES ($1, $2::text, 'SE' || $2::text || '01')
       ON CONFLICT (org_number) WHERE deleted_at IS NULL DO UPDATE SET legal_name = EXCLUDED.legal_name RETURNING id`,
      [`Grossist ${s} AB`, org],
    );
    supplierIds.push(res.rows[0]!.id);
  }
  // The per-row dictionary trigger is replaced by one pass over the finished catalog.
  await client.query('ALTER TABLE products DISABLE TRIGGER products_collect_search_terms');
  const random = prng(42);
  for (let start = have; start < TOTAL; start += BATCH) {
    const cols: unknown[][] = Array.from({ length: 14 }, () => []);
    for (let i = start; i < Math.min(start + BATCH, TOTAL); i++) {
      const supplierNo = (i % SUPPLIERS) + 1;
      const p = generateProduct(random, supplierNo, Math.floor(i / SUPPLIERS) + 1);
      const values = [
        supplierIds[supplierNo - 1],
        p.sku,
        p.gtin,
        p.name,
        p.brand,
        p.category,
        p.unit,
        p.packSize,
        p.priceCents,
        p.vatCategory,
        p.stockQuantity,
        p.storage,
        p.countryOfOrigin,
        p.active,
      ];
      values.forEach((v, c) => cols[c]!.push(v));
    }
    await client.query(
      `INSERT INTO products (supplier_id, sku, gtin, name, brand, category, unit, pack_size, price_cents, vat_category, stock_quantity, storage, country_of_origin, active)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::int[],
                            $10::vat_category[], $11::numeric[], $12::storage_kind[], $13::char(2)[], $14::boolean[])`,
      cols,
    );
    if ((start / BATCH) % 10 === 0)
      console.log(`  ${start + BATCH} / ${TOTAL} (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  await client.query('ALTER TABLE products ENABLE TRIGGER products_collect_search_terms');
  console.log(`seeded in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Fills the search dictionary in one pass over the distinct texts (what the per-row trigger does while live).
 * Only name, brand and category are read: the generator's SKUs and GTINs never begin with three letters.
 */
async function prepareSearch(client: pg.Client): Promise<void> {
  await client.query(
    `INSERT INTO search_terms (term)
     SELECT DISTINCT t.lexeme FROM (SELECT DISTINCT name, brand, category FROM products) d,
       unnest(to_tsvector('swedish', iris_fold(d.name)) || to_tsvector('swedish', iris_fold(coalesce(d.brand, '') || ' ' || d.category))) t
     WHERE t.lexeme ~ '^[a-z]{3,}'
     ON CONFLICT (term) DO NOTHING`,
  );
  await client.query('VACUUM ANALYZE products');
  await client.query('VACUUM ANALYZE search_terms');
}

async function naive(client: pg.Client, term: string, runs = NAIVE_RUNS): Promise<number> {
  const sqlText = `SELECT id, name, sku, price_cents FROM products
    WHERE deleted_at IS NULL AND active AND (name ILIKE $1 OR sku ILIKE $1 OR brand ILIKE $1 OR gtin ILIKE $1)
    ORDER BY name LIMIT 50`;
  const timings: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await client.query(sqlText, [`%${term}%`]);
    await client.query(
      'SELECT count(*) FROM products WHERE deleted_at IS NULL AND active AND (name ILIKE $1 OR sku ILIKE $1 OR brand ILIKE $1 OR gtin ILIKE $1)',
      [`%${term}%`],
    );
    timings.push(performance.now() - t);
  }
  return median(timings);
}

async function viaApi(
  base: string,
  path: string,
  token: string,
  runs = 10,
): Promise<{ ms: number; total: number }> {
  const timings: number[] = [];
  let total = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { pagination?: { total: number } };
    timings.push(performance.now() - t);
    total = body.pagination?.total ?? -1;
  }
  return { ms: median(timings), total };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.floor(sorted.length / 2)] ?? 0) * 100) / 100;
}

export async function runSearchBench(): Promise<unknown> {
  const { url, client } = await benchDatabase(DATABASE);
  await seed(client);
  await prepareSearch(client);
  const account = await client.query<{ id: string }>(
    `INSERT INTO accounts (email, role) VALUES ('bench-chef@iris.local', 'RESTAURANT')
     ON CONFLICT (email) DO UPDATE SET role = 'RESTAURANT' RETURNING id`,
  );
  const config = parseConfig({ APP_SECRET: BENCH_SECRET, ACCESS_TOKEN_TTL_SECONDS: '86400' });
  const token = await issueAccessToken(config.auth, account.rows[0]!.id);

  // Single-query timings and the first load run use an API with the search cache off: they measure the database path.
  // The run's own Redis namespace: search counts (for the warm-up) start from nothing and go afterwards.
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const apiEnv = {
    DATABASE_URL: url,
    DATABASE_URL_DIRECT: url,
    JOB_QUEUE_PREFIX: `iris-bench-search-${process.pid}`,
  };
  const { base, server } = await startApi({ ...apiEnv, SEARCH_CACHE_TTL_MS: '0' });
  try {
    const perQuery = [];
    for (const q of QUERIES) {
      const api = await viaApi(base, q.path, token);
      const naiveMs = q.naive ? await naive(client, q.naive) : undefined;
      perQuery.push({
        query: q.label,
        api_ms: api.ms,
        total: api.total,
        naive_sql_ms: naiveMs,
        speedup: naiveMs ? Math.round((naiveMs / api.ms) * 10) / 10 : undefined,
      });
    }
    console.table(perQuery);
    const queries = loadQueries();
    const perClass = [];
    for (const [c, label] of SEARCH_CLASSES.entries()) {
      const sample = queries.filter((_, i) => i % SEARCH_CLASSES.length === c).slice(0, 15);
      const timings = [];
      for (const path of sample) timings.push((await viaApi(base, path, token, 1)).ms);
      perClass.push({ class: label, median_ms: median(timings), max_ms: Math.max(...timings) });
    }
    console.table(perClass);
    const uncached = await mixedLoad(base, token, queries);
    console.log(
      `mixed load (${queries.length} distinct queries, search cache off), ${CONNECTIONS} connections, ${DURATION} s:`,
      uncached,
    );
    server.child.kill('SIGTERM');
    await server.exited;
    // A fresh API that does not warm up (no time for it): every distinct search is computed on its first ask. It
    // counts the searches it answers, as every serving instance does.
    const cold = await startApi({ ...apiEnv, SEARCH_WARMUP_BUDGET_MS: '0' });
    const mixedCold = await mixedLoad(cold.base, token, queries);
    console.log('mixed load, search cache on, fresh API without warm-up:', mixedCold);
    cold.server.child.kill('SIGTERM');
    await cold.server.exited;
    // A fresh API as deployed: it computes the searches the load above asked most before /readyz says ready.
    const started = Date.now();
    const warm = await startApi(apiEnv);
    await waitForHttp(`${warm.base}/readyz`, 300_000, warm.server);
    const readyz = (await (await fetch(`${warm.base}/readyz`)).json()) as {
      checks: { search_warmup?: { detail?: string } };
    };
    const warmup = { ready_after_ms: Date.now() - started, detail: readyz.checks.search_warmup?.detail };
    console.log('warm-up:', warmup);
    const mixed = await mixedLoad(warm.base, token, queries);
    console.log('mixed load, search cache on (default SEARCH_CACHE_TTL_MS), fresh API after warm-up:', mixed);
    // The same API for another run: pages now expire and are refreshed, as in an instance that has been serving.
    const steady = await mixedLoad(warm.base, token, queries);
    console.log('mixed load, search cache on, the same API again (steady state):', steady);
    warm.server.child.kill('SIGTERM');
    await warm.server.exited;
    const result = {
      machine: machine(),
      products: TOTAL,
      suppliers: SUPPLIERS,
      connections: CONNECTIONS,
      duration_s: DURATION,
      distinct_queries: queries.length,
      perQuery,
      perClass,
      mixed_cold: mixedCold,
      warmup,
      mixed,
      steady,
      uncached,
    };
    console.log(`saved ${saveResult('search', result)}`);
    return result;
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGTERM');
    await client.end();
    await dropPrefix(redisUrl, apiEnv.JOB_QUEUE_PREFIX);
  }
}

/** The mixed load phase: `CONNECTIONS` connections for `DURATION` seconds over the queries, skewed popularity. */
export function mixedLoad(base: string, token: string, queries: string[], duration = DURATION) {
  const random = prng(11);
  return load({
    url: base,
    connections: CONNECTIONS,
    duration,
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          path: queries[Math.floor(queries.length * random() ** 3)] ?? queries[0],
        }),
      },
    ],
  });
}
