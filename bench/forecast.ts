import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { mean } from '../src/domain/forecasts/engine/metrics.js';
import type { ModelName } from '../src/domain/forecasts/engine/models.js';
import { ForecastPool } from '../src/domain/forecasts/engine/pool.js';
import { addDays, type DailySeries } from '../src/domain/forecasts/engine/series.js';
import {
  evaluate,
  evaluateServed,
  meanMase,
  TEST_PLAN,
  type ItemResults,
  type ServedScore,
} from './forecast-accuracy.js';
import { loadYaz, YAZ_DIR } from './forecast-yaz.js';

function machineLine(): string {
  const [one, five] = loadavg();
  return `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${one!.toFixed(1)} / ${five!.toFixed(1)} (1 / 5 min)`;
}

const FIXED: ModelName[] = ['ensemble_weather', 'ensemble', 'prophet_weather', 'prophet', 'seasonal_naive'];

function accuracyTable(results: ItemResults, served: Record<string, ServedScore>): string {
  const lines = [
    `| item | ${FIXED.map((m) => `MASE ${m}`).join(' | ')} | MASE served | sMAPE served | served models |`,
    `|${'---|'.repeat(FIXED.length + 4)}`,
  ];
  for (const [item, r] of Object.entries(results).sort()) {
    const chosen = Object.entries(served[item]!.chosen)
      .map(([m, n]) => `${m} ×${n}`)
      .join(', ');
    lines.push(
      `| ${item} | ${FIXED.map((m) => r[m]!.mase.toFixed(3)).join(' | ')} | ${served[item]!.mase.toFixed(3)} | ${served[item]!.smape.toFixed(1)} | ${chosen} |`,
    );
  }
  const all = Object.values(served);
  lines.push(
    `| **mean** | ${FIXED.map((m) => `**${meanMase(results, m).toFixed(3)}**`).join(' | ')} | **${mean(all.map((s) => s.mase)).toFixed(3)}** | ${mean(all.map((s) => s.smape)).toFixed(1)} | |`,
  );
  return lines.join('\n');
}

function coverageLine(label: string, scores: Record<string, ServedScore>): string {
  const all = Object.values(scores);
  return `${label}: 80 % interval coverage ${(100 * mean(all.map((s) => s.coverage))).toFixed(1)} %, mean width ${mean(all.map((s) => s.relativeWidth)).toFixed(2)} × the mean demand`;
}

async function accuracy(pool: ForecastPool): Promise<string> {
  const started = performance.now();
  const results = await evaluate(pool, TEST_PLAN, {}, FIXED);
  const served = await evaluateServed(pool, TEST_PLAN, {});
  const seconds = (performance.now() - started) / 1000;
  const naive = (item: string) => results[item]!.seasonal_naive!.mase;
  const beatsNaive = Object.keys(results).every((item) => served[item]!.mase < naive(item));
  const weatherHelps =
    meanMase(results, 'ensemble_weather') <= meanMase(results, 'ensemble') &&
    meanMase(results, 'prophet_weather') <= meanMase(results, 'prophet');
  const report = [
    accuracyTable(results, served),
    `Served forecast beats seasonal naive on every item: ${beatsNaive}; weather never worse than no weather on average: ${weatherHelps}; ${TEST_PLAN.origins} origins × ${TEST_PLAN.horizonDays} days; ${seconds.toFixed(0)} s wall.`,
    coverageLine('served (per-series choice)', served),
  ];
  if (process.env.BENCH_FORECAST_COVERAGE_OF) {
    const model = process.env.BENCH_FORECAST_COVERAGE_OF as ModelName;
    report.push(coverageLine(model, await evaluateServed(pool, TEST_PLAN, {}, model)));
  }
  console.log(report.join('\n\n'));
  return report.join('\n\n');
}

/** A synthetic two-year daily demand series: trend, weekday shape, yearly swing, noise, a few closed Sundays. */
function syntheticSeries(seed: number): DailySeries {
  let state = seed * 2654435761 || 1;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const base = 5 + random() * 50;
  const weekday = Array.from({ length: 7 }, () => 0.6 + random() * 0.8);
  const dates: string[] = [];
  const values: number[] = [];
  for (let i = 0; i < 730; i++) {
    const date = addDays('2024-01-01', i);
    if (i % 7 === 6 && random() < 0.3) continue;
    const season = 1 + 0.2 * Math.sin((2 * Math.PI * i) / 365.25);
    values.push(
      Math.max(
        0,
        Math.round(base * weekday[i % 7]! * season * (1 + 0.0003 * i) + (random() - 0.5) * base * 0.3),
      ),
    );
    dates.push(date);
  }
  return { dates, values };
}

/** A standing choice's backtest interval ratios, as a refit night reads them from the database. */
const STORED_INTERVAL = { low: 0.7, high: 1.35, days: 56 };

/**
 * The two tasks of the nightly job: `refit` serves a standing model choice again (the series' ensemble, one
 * Prophet fit, the interval from the ratios stored with the choice); `select` chooses anew by the 4-origin backtest of every
 * candidate and then forecasts. `prophet` is the task before the ensembles: one fit with 300 sampled intervals.
 */
type ThroughputTask = 'refit' | 'select' | 'prophet';

interface Measured {
  task: ThroughputTask;
  count: number;
  wallSeconds: number;
  cpuMsPerSeries: number;
  lagMs: number;
  load: [number, number];
}

async function throughput(pool: ForecastPool, count: number, task: ThroughputTask): Promise<Measured> {
  const started = performance.now();
  // CPU time of the whole process (every worker thread included): on a shared machine wall time measures the
  // neighbours, CPU time measures the work.
  const cpuBefore = process.cpuUsage();
  const loadBefore = loadavg()[0]!;
  let lag = 0;
  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    lag = Math.max(lag, now - lastTick - 100);
    lastTick = now;
  }, 100);
  // The job stores 90 days; the throughput target speaks of 30.
  const future = { dates: Array.from({ length: 30 }, (_, i) => addDays('2025-12-31', i + 1)) };
  const ctx = { holidays: [], weather: [] };
  let done = 0;
  let submitted = 0;
  // A few tasks per thread in flight: series are generated as they are needed, like the job reads them.
  await Promise.all(
    Array.from({ length: pool.size * 2 }, async () => {
      while (submitted < count) {
        const history = syntheticSeries(++submitted);
        await pool.run(
          task === 'select'
            ? { kind: 'select-and-forecast', history, future, ctx }
            : task === 'refit'
              ? { kind: 'forecast', model: 'ensemble', history, future, ctx, interval: STORED_INTERVAL }
              : { kind: 'forecast', model: 'prophet', history, future, ctx },
        );
        done++;
        if (done % 500 === 0)
          console.log(`  ${task} ${done}/${count} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
    }),
  );
  clearInterval(ticker);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    task,
    count,
    wallSeconds: (performance.now() - started) / 1000,
    cpuMsPerSeries: (cpu.user + cpu.system) / 1000 / count,
    lagMs: lag,
    load: [loadBefore, loadavg()[0]!],
  };
}

function throughputReport(runs: Measured[], threads: number): string {
  const cores = Math.min(cpus().length, threads);
  const tenThousand = (ms: number) => (10_000 * ms) / 1000 / cores;
  const lines = [
    `| task | series | load average | wall | CPU per series | 10,000 series on ${cores} cores (CPU ÷ cores) | worst event-loop delay |`,
    '|---|---|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.task} | ${r.count} | ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)} | ${r.wallSeconds.toFixed(0)} s | ${r.cpuMsPerSeries.toFixed(1)} ms | ${tenThousand(r.cpuMsPerSeries).toFixed(0)} s | ${r.lagMs.toFixed(0)} ms |`,
    ),
  ];
  const refit = runs.find((r) => r.task === 'refit');
  const select = runs.find((r) => r.task === 'select');
  if (refit && select) {
    // A choice stands FORECAST_RESELECT_DAYS (28) less up to half by a hash: ≈ 21 days on average.
    const share = 1 / 21;
    const night = (1 - share) * refit.cpuMsPerSeries + share * select.cpuMsPerSeries;
    lines.push(
      '',
      `A night with every series changed, ${(100 * share).toFixed(1)} % of them re-choosing: ${night.toFixed(1)} ms CPU per series, 10,000 series ≈ ${tenThousand(night).toFixed(0)} s on ${cores} cores; the first night (every series choosing) ≈ ${tenThousand(select.cpuMsPerSeries).toFixed(0)} s.`,
    );
  }
  return lines.join('\n');
}

export async function runForecastBench(): Promise<void> {
  if (!loadYaz()) {
    console.error(`YAZ data not found at ${YAZ_DIR}; skipping the accuracy benchmark`);
  }
  const threads = Number(process.env.BENCH_FORECAST_THREADS ?? cpus().length);
  const count = Number(process.env.BENCH_FORECAST_SERIES ?? 10_000);
  const pool = new ForecastPool(threads);
  try {
    const machine = machineLine();
    console.log(`machine: ${machine}`);
    const parts = [`machine: ${machine}`];
    if (loadYaz() && process.env.BENCH_FORECAST_SKIP_ACCURACY !== '1') parts.push(await accuracy(pool));
    if (count > 0) {
      const tasks = (process.env.BENCH_FORECAST_TASKS ?? 'refit,select')
        .split(',')
        .filter((t): t is ThroughputTask => ['refit', 'select', 'prophet'].includes(t));
      const selectCount = Number(process.env.BENCH_FORECAST_SELECT_SERIES ?? Math.min(count, 500));
      const runs: Measured[] = [];
      for (const task of tasks)
        runs.push(await throughput(pool, task === 'select' ? selectCount : count, task));
      const report = throughputReport(runs, threads);
      console.log(report);
      parts.push(report);
    }
    parts.push(`finished with load average ${loadavg()[0]!.toFixed(1)}`);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(
      `bench/results/forecast-${new Date().toISOString().replace(/[:.]/g, '-')}.md`,
      parts.join('\n\n'),
    );
  } finally {
    await pool.close();
  }
}

/**
 * npm run bench:forecast-throughput — only the throughput part: BENCH_FORECAST_SERIES (10,000) series refitted,
 * BENCH_FORECAST_SELECT_SERIES (500) choosing anew; BENCH_FORECAST_TASKS picks among refit, select, prophet.
 */
export async function runForecastThroughputBench(): Promise<void> {
  process.env.BENCH_FORECAST_SKIP_ACCURACY = '1';
  await runForecastBench();
}
