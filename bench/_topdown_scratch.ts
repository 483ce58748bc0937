import { originWindows } from '../src/domain/forecasts/engine/backtest.js';
import { mase, mean } from '../src/domain/forecasts/engine/metrics.js';
import { runModel } from '../src/domain/forecasts/engine/models.js';
import { isoWeekday } from '../src/domain/forecasts/engine/series.js';
import { TUNING_PLAN } from './forecast-accuracy.js';
import { loadYaz, YAZ_WEATHER } from './forecast-yaz.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const yaz = loadYaz()!;
const ctx = { holidays: yaz.holidays, weather: [...YAZ_WEATHER] };
const base = yaz.series[yaz.items[0]!]!;
const norm = process.env.NORM === '1';
const lvl = Object.fromEntries(yaz.items.map((it) => { const v = yaz.series[it]!.values.slice(0, 400); return [it, v.reduce((a, b) => a + b, 0) / v.length]; }));
const total = { ...base, values: base.values.map((_, i) => yaz.items.reduce((s, it) => s + (yaz.series[it]!.values[i] ?? 0) / (norm ? lvl[it]! : 1), 0)) };
const ens: Record<string, number[][]> = JSON.parse(readFileSync('/tmp/iris_i16_pooled_cache.json', 'utf8'));
const tw = originWindows(total, TUNING_PLAN);
const totalPath = norm ? '/tmp/iris_i16_total_norm.json' : '/tmp/iris_i16_total_cache.json';
const totalF: number[][] = existsSync(totalPath) ? JSON.parse(readFileSync(totalPath, 'utf8')) : tw.map((w) => runModel('ensemble_weather', w.history, w.future, { ...ctx, pointsOnly: true }).points);
writeFileSync(totalPath, JSON.stringify(totalF));
const byItem = Object.fromEntries(yaz.items.map((it) => [it, originWindows(yaz.series[it]!, TUNING_PLAN)]));
for (const weeks of [6, 8, 12]) for (const perWeekday of [false]) {
  const score = (weight: number) => mean(yaz.items.map((it) => mean(byItem[it]!.map((w, o) => {
    const n = w.history.values.length;
    const tot = tw[o]!.history.values;
    const share = (wd: number | null) => {
      let a = 0, b = 0;
      for (let i = n - 1, c = 0; i >= 0 && c < weeks * (wd === null ? 7 : 1); i--) {
        if (wd !== null && isoWeekday(w.history.dates[i]!) !== wd) continue;
        a += w.history.values[i]!; b += tot[i]!; c++;
      }
      return b > 0 ? a / b : 0;
    };
    const pts = w.future.dates.map((d, i) => {
      const td = totalF[o]![i]! * share(perWeekday ? isoWeekday(d) : null);
      return (1 - weight) * ens[it]![o]![i]! + weight * td;
    });
    return mase(w.actual, pts, w.history);
  }))));
  console.log(`weeks ${weeks} perWeekday ${perWeekday}:`, [0, 0.2, 0.3, 0.5, 1].map((x) => `w=${x} ${score(x).toFixed(4)}`).join(', '));
}
