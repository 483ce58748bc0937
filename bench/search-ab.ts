import { resolve } from 'node:path';
import pg from 'pg';
import { parseConfig } from '../src/core/config.js';
import { issueAccessToken } from '../src/core/security.js';
import { BENCH_SECRET, dbUrl, machine, processCpuSeconds, saveResult, startApi } from './lib.js';
import { loadQueries, mixedLoad, SEARCH_CLASSES } from './search.js';

/**
 * npm run bench:search-ab — this checkout's search against another checkout's (BENCH_AB_BASELINE, a directory
 * with its own node_modules, e.g. a `git worktree` of an older commit), both on the catalog `bench:search` seeded,
 * search cache off. Each query goes to both APIs in alternating order, so a busy machine slows both alike and the
 * ratio of the two stays meaningful where absolute latencies do not.
 * Then the mixed load of `bench:search` (cache off), baseline and current in turn, BENCH_AB_ROUNDS times each,
 * with the CPU time per request of the API process and of PostgreSQL's processes for this database (the other API
 * idles meanwhile): unlike requests per second, what the machine's other load does not change.
 * Env: BENCH_AB_BASELINE (required), BENCH_AB_PER_CLASS (queries per class, default 20), BENCH_AB_ROUNDS (mixed
 * load phases per side, default 2; 0 skips them), BENCH_AB_WARMUP (seconds of unrecorded mixed load per side before
 * them, default 10: every pooled connection then holds its prepared plans and the word caches are filled, as in
 * an API that has served a while), BENCH_DURATION and BENCH_CONNECTIONS as for `bench:search`,
 * BENCH_SEARCH_DATABASE (default iris_bench_search).
 */
const DATABASE = process.env.BENCH_SEARCH_DATABASE ?? 'iris_bench_search';
const PER_CLASS = Number(process.env.BENCH_AB_PER_CLASS ?? 20);
const REPEATS = 3;
const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 2);
const WARMUP = Number(process.env.BENCH_AB_WARMUP ?? 10);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export async function runSearchAbBench(): Promise<unknown> {
  const baselineDir = process.env.BENCH_AB_BASELINE;
  if (!baselineDir) throw new Error('BENCH_AB_BASELINE must name the baseline checkout (with node_modules)');
  const url = dbUrl(DATABASE);
  const client = new pg.Client(url);
  await client.connect();
  const account = await client.query<{ id: string }>(
    `SELECT id FROM accounts WHERE email = 'bench-chef@iris.local'`,
  );
  if (!account.rows[0]) throw new Error(`run npm run bench:search first: ${DATABASE} has no bench account`);
  const config = parseConfig({ APP_SECRET: BENCH_SECRET, ACCESS_TOKEN_TTL_SECONDS: '86400' });
  const token = await issueAccessToken(config.auth, account.rows[0].id);
  const env = { DATABASE_URL: url, DATABASE_URL_DIRECT: url, SEARCH_CACHE_TTL_MS: '0', LOG_LEVEL: 'error' };
  // CPU seconds so far of an API process and of each of this database's server processes.
  const cpuSeconds = async (pid: number | undefined) => {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const total = (cpu: { user: number; system: number } | undefined) => (cpu ? cpu.user + cpu.system : 0);
    return {
      api: total(processCpuSeconds(pid)),
      db: new Map(rows.map((r) => [r.pid, total(processCpuSeconds(r.pid))])),
    };
  };
  const baseline = await startApi(env, resolve(baselineDir));
  const current = await startApi(env);
  const time = async (base: string, path: string) => {
    const started = performance.now();
    const response = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${response.status} for ${path}`);
    return performance.now() - started;
  };
  try {
    const queries = loadQueries();
    const perClass = [];
    const totals = { baseline: 0, current: 0 };
    for (const [c, label] of SEARCH_CLASSES.entries()) {
      const sample = queries.filter((_, i) => i % SEARCH_CLASSES.length === c).slice(0, PER_CLASS);
      const a: number[] = [];
      const b: number[] = [];
      for (const [k, path] of sample.entries()) {
        // One untimed request each first: both APIs then hold the same warm plans and word caches.
        await time(baseline.base, path);
        await time(current.base, path);
        for (let r = 0; r < REPEATS; r++) {
          if ((k + r) % 2 === 0) {
            a.push(await time(baseline.base, path));
            b.push(await time(current.base, path));
          } else {
            b.push(await time(current.base, path));
            a.push(await time(baseline.base, path));
          }
        }
      }
      totals.baseline += sum(a);
      totals.current += sum(b);
      perClass.push({
        class: label,
        baseline_median_ms: Math.round(median(a) * 100) / 100,
        current_median_ms: Math.round(median(b) * 100) / 100,
        time_ratio: Math.round((sum(b) / sum(a)) * 100) / 100,
      });
    }
    console.table(perClass);
    const ratio = Math.round((totals.current / totals.baseline) * 1000) / 1000;
    console.log(`current / baseline total time: ${ratio}`);
    const mixed = [];
    if (ROUNDS > 0 && WARMUP > 0) {
      for (const api of [baseline, current]) await mixedLoad(api.base, token, queries, WARMUP);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [side, api] of [
        ['baseline', baseline],
        ['current', current],
      ] as const) {
        const before = await cpuSeconds(api.server.child.pid);
        const result = await mixedLoad(api.base, token, queries);
        const after = await cpuSeconds(api.server.child.pid);
        const perRequest = (a: number, b: number) =>
          Math.round(((b - a) * 1000 * 100) / result.requests) / 100;
        mixed.push({
          side,
          round,
          ...result,
          api_cpu_ms_per_request: perRequest(before.api, after.api),
          // A server process that started during the phase counts from zero; one that ended (an idle connection
          // of the other API) is left out.
          db_cpu_ms_per_request: perRequest(
            0,
            [...after.db].reduce((sum, [pid, secs]) => sum + secs - (before.db.get(pid) ?? 0), 0),
          ),
        });
      }
    }
    if (mixed.length > 0) console.table(mixed);
    return saveResult('search-ab', { machine: machine(), baseline: baselineDir, perClass, ratio, mixed });
  } finally {
    baseline.server.child.kill('SIGTERM');
    current.server.child.kill('SIGTERM');
    await client.end();
  }
}
