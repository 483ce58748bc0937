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

/** utime + stime of one process, in ms (0 when it has gone). */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** Every process below this one (the browser and its renderers). */
export function descendants(): { pid: number; rssKiB: number }[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number, number]);
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const rss = new Map(table.map(([pid, , kb]) => [pid, kb]));
  const found: { pid: number; rssKiB: number }[] = [];
  const stack = [...(children.get(process.pid) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    found.push({ pid, rssKiB: rss.get(pid) ?? 0 });
    stack.push(...(children.get(pid) ?? []));
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
 * Runs `work` while sampling, every 200 ms, the browser's resident memory and the CPU time of every process
 * involved; a renderer that exits before the end keeps the CPU it was last seen with. Returns the result, the
 * browser's peak memory and CPU ms per item by process group, with the load average at the end.
 */
export async function measure<T>(db: Database, database: string, items: number, work: () => Promise<T>) {
  const node = process.cpuUsage();
  const started = performance.now();
  const baseline = { browser: new Map<number, number>(), db: new Map<number, number>() };
  const seen = { browser: new Map<number, number>(), db: new Map<number, number>() };
  let peakKiB = 0;
  const sample = async (first: boolean) => {
    const browser = descendants();
    peakKiB = Math.max(
      peakKiB,
      browser.reduce((total, p) => total + p.rssKiB, 0),
    );
    const groups = [
      ['browser', browser.map((p) => p.pid)],
      ['db', await backendPids(db, database).catch(() => [])],
    ] as const;
    for (const [group, pids] of groups)
      for (const pid of pids) {
        const ms = processCpuMs(pid);
        if (first) baseline[group].set(pid, ms);
        if (ms > 0) seen[group].set(pid, ms);
      }
  };
  await sample(true);
  const timer = setInterval(() => void sample(false), 200);
  try {
    const result = await work();
    await sample(false);
    const wall = (performance.now() - started) / 1000;
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
    clearInterval(timer);
  }
}
