import { cpus, tmpdir, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { parseConfig } from '../src/core/config.js';
import { openPostgres } from '../src/core/database.js';
import { loadMigrations, migrateUp } from '../src/db/migrator.js';
import { freePort, startProcess, type Spawned, waitForHttp } from '../test/helpers/process.js';

export const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BENCH_SECRET = 'bench-secret-that-is-at-least-32-bytes!!';

export function dbUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function ensureDatabase(name: string): Promise<void> {
  const admin = new pg.Client(ADMIN_URL);
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

/** The bench database, created if missing and migrated, with a plain client for seeding. */
export async function benchDatabase(name: string): Promise<{ url: string; client: pg.Client }> {
  await ensureDatabase(name);
  const url = dbUrl(name);
  const handle = await openPostgres(url, parseConfig({ APP_SECRET: BENCH_SECRET }).database.pool);
  await migrateUp(handle.db, loadMigrations());
  await handle.close();
  const client = new pg.Client(url);
  await client.connect();
  return { url, client };
}

export function machine(): Record<string, string> {
  const pgVersion = (() => {
    try {
      return execFileSync('psql', [ADMIN_URL, '-Atc', 'SHOW server_version'], { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  return {
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    postgres: pgVersion,
    date: new Date().toISOString(),
  };
}

/**
 * Starts the real API (`src/main.ts`) as its own process, so load generation does not share its event loop;
 * `cwd` runs another checkout's API instead of this one's (an A/B baseline).
 */
export async function startApi(
  env: Record<string, string>,
  cwd?: string,
): Promise<{ base: string; server: Spawned }> {
  const port = await freePort();
  const server = startProcess(
    'src/main.ts',
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_SECRET: BENCH_SECRET,
      // Every budget off: a benchmark measures the work, not the 429s (search has its own budget).
      RATE_LIMIT_MAX: '1000000',
      RATE_LIMIT_SEARCH_MAX: '1000000',
      RATE_LIMIT_AUTH_MAX: '1000000',
      ORDER_RATE_LIMIT_PER_RESTAURANT: '0',
      API_DOCS_ENABLED: 'false',
      // Benchmarks sign their own HS256 user tokens; production refuses that without the explicit override.
      AUTH_PROVIDER: 'local',
      ALLOW_LOCAL_AUTH_IN_PRODUCTION: 'true',
      REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
      // Production refuses the fake payment provider and an implicit file folder; the benchmarks pay nothing.
      PAYMENTS_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_bench',
      STRIPE_WEBHOOK_SECRET: 'whsec_bench',
      STORAGE_LOCAL_DIR: join(tmpdir(), 'iris-bench-files'),
      ...env,
    },
    [],
    // BENCH_PROFILE_DIR: the API writes a V8 CPU profile there when it exits (open it in Chrome DevTools).
    process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [],
    cwd,
  );
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/healthz`, 60_000, server);
  return { base, server };
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export async function load(options: autocannon.Options): Promise<LoadResult> {
  const result = await autocannon(options);
  if (result.non2xx > 0 || result.errors > 0) {
    // Latencies of refused or failed requests are not the latencies of the work: say so loudly.
    console.warn(
      `load phase had ${result.non2xx} non-2xx responses and ${result.errors} errors of ${result.requests.total}; its numbers do not measure the work`,
    );
  }
  return {
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p95:
      (result.latency as unknown as Record<string, number>).p97_5 !== undefined
        ? percentile95(result)
        : result.latency.p90,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** autocannon reports p90, p97.5 and p99; p95 is interpolated between p90 and p97.5. */
function percentile95(result: autocannon.Result): number {
  const latency = result.latency as unknown as Record<string, number>;
  const p90 = latency.p90 ?? 0;
  const p975 = latency.p97_5 ?? p90;
  return Math.round((p90 + ((p975 - p90) * 5) / 7.5) * 100) / 100;
}

/**
 * CPU seconds (user, system) another process has used so far, from Linux's /proc/<pid>/stat: what the API
 * child costs per request, which wall-clock throughput on a shared machine hides. Undefined off Linux.
 */
export function processCpuSeconds(pid: number | undefined): { user: number; system: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them, in ticks.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return { user: Number(fields[11]) / ticksPerSecond, system: Number(fields[12]) / ticksPerSecond };
  } catch {
    return undefined;
  }
}

export function saveResult(name: string, data: unknown): string {
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify(data, null, 2));
  return file;
}
