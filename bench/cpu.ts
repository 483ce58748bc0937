import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/core/db.types.js';
import { queryRows } from '../src/db/rows.js';

/**
 * CPU time spent by the processes a benchmark step involves — this Node process, its child processes (Chromium)
 * and the PostgreSQL backends serving the bench database — so a step can be judged by CPU per item, which a
 * loaded machine distorts far less than wall time.
 */
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim() || 100);

interface ProcessStat {
  pid: number;
  rssKiB: number;
  cpuMs: number;
}

const PAGE_KIB = 4;

/** utime + stime (ms) and resident size of one process from /proc; undefined when it has gone. */
function processStat(pid: number): ProcessStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      pid,
      cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
      rssKiB: Number(fields[21]) * PAGE_KIB,
    };
  } catch {
    return undefined;
  }
}

const childrenOf = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
};

/**
 * Every process below this one (the browser and its renderers), read from /proc: spawning `ps` from a sampler
 * costs this process a fork per sample and blocks its event loop, which is what the sync is timed on.
 */
export function descendants(): ProcessStat[] {
  const found: ProcessStat[] = [];
  const stack = childrenOf(process.pid);
  while (stack.length > 0) {
    const pid = stack.pop()!;
    const stat = processStat(pid);
    if (stat) found.push(stat);
    stack.push(...childrenOf(pid));
  }
  return found;
}

const sumSince = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((total, [pid, ms]) => total + ms - (before.get(pid) ?? 0), 0);

const backendPids = async (db: Database, database: string) =>
  (
    await queryRows<{ pid: number }>(db, sql`SELECT pid FROM pg_stat_activity WHERE datname = ${database}`)
  ).map((r) => r.pid);

/**
 * Runs `work` while sampling, every 500 ms, the browser's resident memory and the CPU time of every process
 * involved; a renderer that exits before the end keeps the CPU it was last seen with. Returns the result, the
 * browser's peak memory and CPU ms per item by process group, with the load average at the end.
 */
export async function measure<T>(db: Database, database: string, items: number, work: () => Promise<T>) {
  const node = process.cpuUsage();
  const started = performance.now();
  const baseline = { browser: new Map<number, number>(), db: new Map<number, number>() };
  const seen = { browser: new Map<number, number>(), db: new Map<number, number>() };
  let peakKiB = 0;
  let backends: number[] = [];
  let samples = 0;
  const sample = async (first: boolean) => {
    const browser = descendants();
    peakKiB = Math.max(
      peakKiB,
      browser.reduce((total, p) => total + p.rssKiB, 0),
    );
    // Pool connections live long: their list is refreshed every few samples only.
    if (first || samples++ % 10 === 0) backends = await backendPids(db, database).catch(() => backends);
    const groups = [
      ['browser', browser],
      ['db', backends.map(processStat).filter((p) => p !== undefined)],
    ] as const;
    for (const [group, stats] of groups)
      for (const { pid, cpuMs } of stats) {
        if (first) baseline[group].set(pid, cpuMs);
        seen[group].set(pid, cpuMs);
      }
  };
  await sample(true);
  // One sample at a time, every 500 ms, until the work is done.
  const state = { running: true };
  const sampler = (async () => {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (!state.running) return;
      await sample(false);
    }
  })();
  try {
    const result = await work();
    const wall = (performance.now() - started) / 1000;
    state.running = false;
    await sampler;
    samples = 0;
    await sample(false);
    const own = process.cpuUsage(node);
    const per = (ms: number) => Math.round((ms / Math.max(1, items)) * 1000) / 1000;
    return {
      result,
      seconds: Math.round(wall * 100) / 100,
      peakMiB: Math.round(peakKiB / 1024),
      cpu: {
        node_ms_per_item: per((own.user + own.system) / 1000),
        browser_ms_per_item: per(sumSince(baseline.browser, seen.browser)),
        postgres_ms_per_item: per(sumSince(baseline.db, seen.db)),
        load_average: loadavg().map((l) => Math.round(l * 100) / 100),
      },
    };
  } finally {
    state.running = false;
  }
}
