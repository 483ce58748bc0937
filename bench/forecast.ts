import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { BacktestPlan, BacktestResult } from '../src/domain/forecasts/engine/backtest.js';
import { mean } from '../src/domain/forecasts/engine/metrics.js';
import type { ModelContext, ModelName } from '../src/domain/forecasts/engine/models.js';
import { ForecastPool } from '../src/domain/forecasts/engine/pool.js';
import type { ProphetSettings } from '../src/domain/forecasts/engine/prophet.js';
import { addDays, type DailySeries } from '../src/domain/forecasts/engine/series.js';
import { loadYaz, YAZ_DIR, YAZ_WEATHER } from './forecast-yaz.js';

const HORIZON = 14;
/** 13 origins × 14 days = the last 6 months, held out; tuning used only the 8 origins before them. */
export const TEST_PLAN: BacktestPlan = { horizonDays: HORIZON, origins: 13, minTrainingDays: 56 };
export const TUNING_PLAN: BacktestPlan = {
  horizonDays: HORIZON,
  origins: 8,
  skipLatest: 13,
  minTrainingDays: 56,
};
const MODELS: ModelName[] = ['prophet_weather', 'prophet', 'seasonal_naive'];

function machineLine(): string {
  const [one, five] = loadavg();
  return `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${one!.toFixed(1)} / ${five!.toFixed(1)} (1 / 5 min)`;
}

/** BENCH_FORECAST_WEATHER=temperature,rain narrows the weather regressors (default: all five columns). */
function weatherColumns(): string[] {
  const wanted = (process.env.BENCH_FORECAST_WEATHER ?? '').split(',').filter((w) => w.length > 0);
  return wanted.length > 0 ? wanted : [...YAZ_WEATHER];
}

export async function evaluate(
  pool: ForecastPool,
  plan: BacktestPlan,
  prophet: Partial<ProphetSettings>,
  models: ModelName[] = MODELS,
): Promise<Record<string, Partial<Record<ModelName, BacktestResult>>>> {
  const yaz = loadYaz()!;
  const ctx: ModelContext = { holidays: yaz.holidays, weather: weatherColumns(), prophet };
  const out: Record<string, Partial<Record<ModelName, BacktestResult>>> = {};
  await Promise.all(
    yaz.items.flatMap((item) =>
      models.map(async (model) => {
        const result = await pool.run({ kind: 'backtest', model, series: yaz.series[item]!, plan, ctx });
        if (result.kind !== 'backtest') throw new Error('unexpected task result');
        (out[item] ??= {})[model] = result.result;
      }),
    ),
  );
  return out;
}

function accuracyTable(results: Awaited<ReturnType<typeof evaluate>>): string {
  const lines = [
    '| item | MASE Prophet+weather | MASE Prophet | MASE seasonal naive | sMAPE Prophet+weather | sMAPE Prophet | sMAPE seasonal naive |',
    '|---|---|---|---|---|---|---|',
  ];
  const cols = (m: ModelName) => Object.values(results).map((r) => r[m]!);
  for (const [item, r] of Object.entries(results).sort()) {
    lines.push(
      `| ${item} | ${MODELS.map((m) => r[m]!.mase.toFixed(3)).join(' | ')} | ${MODELS.map((m) => r[m]!.smape.toFixed(1)).join(' | ')} |`,
    );
  }
  lines.push(
    `| **mean** | ${MODELS.map((m) => `**${mean(cols(m).map((x) => x.mase)).toFixed(3)}**`).join(' | ')} | ${MODELS.map((m) => mean(cols(m).map((x) => x.smape)).toFixed(1)).join(' | ')} |`,
  );
  return lines.join('\n');
}

async function accuracy(pool: ForecastPool): Promise<string> {
  const started = performance.now();
  const results = await evaluate(pool, TEST_PLAN, {});
  const seconds = (performance.now() - started) / 1000;
  const beatsNaive = Object.values(results).every((r) => r.prophet_weather!.mase < r.seasonal_naive!.mase);
  const report = `${accuracyTable(results)}\n\nProphet+weather beats seasonal naive on every item: ${beatsNaive}; ${TEST_PLAN.origins} origins × ${HORIZON} days; ${seconds.toFixed(0)} s wall.`;
  console.log(report);
  return report;
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

async function throughput(pool: ForecastPool, count: number): Promise<string> {
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
  const future = { dates: Array.from({ length: 30 }, (_, i) => addDays('2025-12-31', i + 1)) };
  let done = 0;
  let submitted = 0;
  // A few tasks per thread in flight: series are generated as they are needed, like the job reads them.
  await Promise.all(
    Array.from({ length: pool.size * 2 }, async () => {
      while (submitted < count) {
        const seed = ++submitted;
        await pool.run({
          kind: 'forecast',
          model: 'prophet',
          history: syntheticSeries(seed),
          future,
          ctx: { holidays: [], weather: [] },
        });
        done++;
        if (done % 100 === 0)
          console.log(`  ${done}/${count} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
    }),
  );
  clearInterval(ticker);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const perCpuSecond = count / cpuSeconds;
  const cores = cpus().length;
  const report = [
    `${count} synthetic 2-year daily series, one Prophet fit + 30-day forecast with 80 % intervals each, ${pool.size} worker threads, load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}:`,
    `wall ${seconds.toFixed(0)} s (${(count / seconds).toFixed(1)} series/s); CPU ${cpuSeconds.toFixed(0)} s = ${((cpuSeconds * 1000) / count).toFixed(1)} ms CPU per series, ${perCpuSecond.toFixed(1)} series/s per core;`,
    `10,000 series on ${cores} idle cores would take ≈ ${(10_000 / (perCpuSecond * Math.min(cores, pool.size))).toFixed(0)} s; worst event-loop delay on the main thread ${lag.toFixed(0)} ms.`,
  ].join(' ');
  console.log(report);
  return report;
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
    if (count > 0) parts.push(await throughput(pool, count));
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

/** npm run bench:forecast-throughput — only the throughput part (BENCH_FORECAST_SERIES, default 10,000). */
export async function runForecastThroughputBench(): Promise<void> {
  process.env.BENCH_FORECAST_SKIP_ACCURACY = '1';
  await runForecastBench();
}
