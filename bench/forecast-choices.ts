import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { backtestModels, originWindows } from '../src/domain/forecasts/engine/backtest.js';
import { mase, mean } from '../src/domain/forecasts/engine/metrics.js';
import { candidateModels, runModel, type ModelName } from '../src/domain/forecasts/engine/models.js';
import { conformalRatios, withConformalInterval } from '../src/domain/forecasts/engine/intervals.js';
import { SELECTION_PLAN } from '../src/domain/forecasts/engine/select.js';
import { TUNING_PLAN } from './forecast-accuracy.js';
import { loadYaz, YAZ_WEATHER } from './forecast-yaz.js';

/**
 * npx tsx bench/forecast-choices.ts [cache.json] — on the 8 TUNING origins only: for every item and origin, every
 * candidate's selection backtest (the 4 origins before it) and its forecast from the origin, cached in a file;
 * then model-choice rules and interval variants are scored from the cache without fitting again.
 */
interface Window {
  item: string;
  actual: number[];
  /** The MASE scale of the history before the origin. */
  history: { dates: string[]; values: number[] };
  inner: Partial<Record<ModelName, { actual: number[]; forecast: number[]; mase: number }[]>>;
  outer: Partial<Record<ModelName, { points: number[]; lower: number[]; upper: number[] }>>;
}

function compute(): Window[] {
  const yaz = loadYaz()!;
  const ctx = { holidays: yaz.holidays, weather: [...YAZ_WEATHER] };
  const out: Window[] = [];
  for (const item of yaz.items) {
    for (const { history, future, actual } of originWindows(yaz.series[item]!, TUNING_PLAN)) {
      const candidates = candidateModels(history, ctx);
      const inner = Object.fromEntries(
        backtestModels(candidates, history, SELECTION_PLAN, ctx).map((r) => [
          r.model,
          r.origins.map((o) => ({ actual: o.actual, forecast: o.forecast, mase: o.mase })),
        ]),
      );
      const outer = Object.fromEntries(
        candidates.map((m) => [m, runModel(m, history, future, { ...ctx, pointsOnly: false })]),
      );
      out.push({ item, actual, history: { dates: history.dates, values: history.values }, inner, outer });
    }
    console.error(`computed ${item}`);
  }
  return out;
}

type Rule = (w: Window) => ModelName[];

const innerMase = (w: Window, m: ModelName) => mean((w.inner[m] ?? []).map((o) => o.mase));

/** The production rule: lowest backtest MASE, seasonal naive as the bar. */
const lowest: Rule = (w) => {
  let best: ModelName = 'seasonal_naive';
  for (const m of Object.keys(w.inner) as ModelName[]) if (innerMase(w, m) < innerMase(w, best)) best = m;
  return [best];
};

const favouring =
  (preferred: ModelName, margin: number): Rule =>
  (w) => {
    const [best] = lowest(w);
    if (!best || !w.inner[preferred] || best === preferred) return best ? [best] : [];
    return innerMase(w, best) < innerMase(w, preferred) * (1 - margin) ? [best] : [preferred];
  };

const twoBest: Rule = (w) =>
  (Object.keys(w.inner) as ModelName[]).sort((a, b) => innerMase(w, a) - innerMase(w, b)).slice(0, 2);

const among =
  (models: ModelName[]): Rule =>
  (w) => {
    let best: ModelName = 'seasonal_naive';
    for (const m of models) if (w.inner[m] && innerMase(w, m) < innerMase(w, best)) best = m;
    return [best];
  };

function score(windows: Window[], rule: Rule): number {
  const byItem = new Map<string, number[]>();
  for (const w of windows) {
    const models = rule(w);
    const points = w.actual.map((_, i) => mean(models.map((m) => w.outer[m]!.points[i] ?? 0)));
    byItem.set(w.item, [...(byItem.get(w.item) ?? []), mase(w.actual, points, w.history)]);
  }
  return mean([...byItem.values()].map(mean));
}

const path = process.argv[2] ?? '/tmp/forecast-choices-tuning.json';
const windows: Window[] = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : compute();
if (!existsSync(path)) writeFileSync(path, JSON.stringify(windows));

const rules: Record<string, Rule> = {
  lowest,
  ...Object.fromEntries(
    [0.02, 0.05, 0.1, 0.2, 1].map((m) => [
      `favour ensemble_weather by ${m}`,
      favouring('ensemble_weather', m),
    ]),
  ),
  ...Object.fromEntries([0.02, 0.05, 0.1].map((m) => [`favour ensemble by ${m}`, favouring('ensemble', m)])),
  'mean of the two best': twoBest,
  'among ensembles and naive': among(['ensemble_weather', 'ensemble']),
  'fixed ensemble + ensemble_weather mean': () => ['ensemble', 'ensemble_weather'],
};
for (const [name, rule] of Object.entries(rules)) console.log(`${name}: ${score(windows, rule).toFixed(4)}`);

type Interval = (w: Window, m: ModelName) => { lower: number[]; upper: number[] };

const own: Interval = (w, m) => w.outer[m]!;

const split =
  (k: number, buckets: number): Interval =>
  (w, m) => {
    const origins = w.inner[m] ?? [];
    const bucketOf = (i: number) => Math.min(buckets - 1, Math.floor((i * buckets) / 12));
    const perBucket = Array.from({ length: buckets }, (_, b) =>
      conformalRatios(
        origins.flatMap((o) =>
          o.actual
            .map((a, i) => ({ actual: a, forecast: o.forecast[i] ?? 0 }))
            .filter((_, i) => bucketOf(i) === b),
        ),
      ),
    );
    const points = w.outer[m]!.points;
    if (perBucket.some((q) => q === null)) return own(w, m);
    const q = (i: number) => perBucket[bucketOf(i)]!;
    return {
      lower: points.map((p, i) => p * Math.max(0, 1 - k * (1 - q(i).low))),
      upper: points.map((p, i) => p * (1 + k * (q(i).high - 1))),
    };
  };

/** Production: the wider per side of the conformal interval and the model's own, both scaled by `k`. */
const wider =
  (k: number): Interval =>
  (w, m) => {
    const q = conformalRatios(
      (w.inner[m] ?? []).flatMap((o) =>
        o.actual.map((a, i) => ({ actual: a, forecast: o.forecast[i] ?? 0 })),
      ),
    );
    return q ? withConformalInterval(w.outer[m]!, q, k, w.outer[m]) : own(w, m);
  };

function coverage(windows: Window[], rule: Rule, interval: Interval): string {
  const byItem = new Map<string, { inside: number; days: number; widths: number[] }>();
  for (const w of windows) {
    const [m] = rule(w);
    const { lower, upper } = interval(w, m!);
    const s = byItem.get(w.item) ?? { inside: 0, days: 0, widths: [] };
    s.inside += w.actual.filter((a, i) => a >= (lower[i] ?? 0) && a <= (upper[i] ?? 0)).length;
    s.days += w.actual.length;
    s.widths.push(mean(w.actual.map((_, i) => (upper[i] ?? 0) - (lower[i] ?? 0))) / (mean(w.actual) || 1));
    byItem.set(w.item, s);
  }
  const all = [...byItem.values()];
  return `coverage ${(100 * mean(all.map((s) => s.inside / s.days))).toFixed(1)} %, width ${mean(all.map((s) => mean(s.widths))).toFixed(2)}`;
}

const intervals: Record<string, Interval> = {
  'in-sample × 1.04 (production)': own,
  ...Object.fromEntries(
    [0.8, 0.85, 0.9, 0.95, 1].flatMap((k) => [
      [`conformal overall × ${k}`, split(k, 1)],
      [`conformal by week × ${k}`, split(k, 2)],
      [`wider of conformal and own × ${k}`, wider(k)],
    ]),
  ),
};
for (const [ruleName, rule] of [
  ['lowest', lowest],
  ['favour ensemble_weather by 0.1', favouring('ensemble_weather', 0.1)],
  ['fixed ensemble_weather', (() => ['ensemble_weather']) as Rule],
] as const)
  for (const [name, interval] of Object.entries(intervals))
    console.log(`${ruleName}, ${name}: ${coverage(windows, rule, interval)}`);
