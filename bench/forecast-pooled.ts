import { originWindows } from '../src/domain/forecasts/engine/backtest.js';
import { mase, mean } from '../src/domain/forecasts/engine/metrics.js';
import { runModel } from '../src/domain/forecasts/engine/models.js';
import { pooledForecasts, type PooledSettings } from '../src/domain/forecasts/engine/pooled.js';
import { TUNING_PLAN } from './forecast-accuracy.js';
import { loadYaz, YAZ_WEATHER } from './forecast-yaz.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * npx tsx bench/forecast-pooled.ts [cache.json] '{"ridge":1}' … — on the 8 TUNING origins only: the pooled
 * regression over the restaurant's 7 items (engine/pooled.ts) alone and averaged with `ensemble_weather`
 * (whose forecasts are cached in the file, so variants need no Prophet fit).
 */
const yaz = loadYaz()!;
const ctx = { holidays: yaz.holidays, weather: [...YAZ_WEATHER] };
const cachePath = process.argv[2] ?? '/tmp/iris_i16_pooled_cache.json';
const variants = process.argv.slice(3).map((a) => JSON.parse(a) as Partial<PooledSettings>);

const windowsByItem = Object.fromEntries(
  yaz.items.map((item) => [item, originWindows(yaz.series[item]!, TUNING_PLAN)]),
);
const ensemble: Record<string, number[][]> = existsSync(cachePath)
  ? JSON.parse(readFileSync(cachePath, 'utf8'))
  : Object.fromEntries(
      yaz.items.map((item) => [
        item,
        windowsByItem[item]!.map(
          (w) => runModel('ensemble_weather', w.history, w.future, { ...ctx, pointsOnly: true }).points,
        ),
      ]),
    );
if (!existsSync(cachePath)) writeFileSync(cachePath, JSON.stringify(ensemble));

const origins = windowsByItem[yaz.items[0]!]!.length;
for (const settings of variants.length > 0 ? variants : [{}]) {
  const pooled: Record<string, number[][]> = Object.fromEntries(yaz.items.map((i) => [i, []]));
  for (let o = 0; o < origins; o++) {
    const windows = yaz.items.map((item) => windowsByItem[item]![o]!);
    const forecasts = pooledForecasts(
      windows.map((w) => w.history),
      windows[0]!.future,
      yaz.holidays,
      [...YAZ_WEATHER],
      settings,
    );
    yaz.items.forEach((item, k) => pooled[item]!.push(forecasts[k]!));
  }
  const score = (weight: number) =>
    mean(
      yaz.items.map((item) =>
        mean(
          windowsByItem[item]!.map((w, o) => {
            const e = ensemble[item]![o]!;
            const p = pooled[item]![o]!;
            return mase(w.actual, e.map((v, i) => (1 - weight) * v + weight * (p[i] ?? 0)), w.history);
          }),
        ),
      ),
    );
  const line = [0, 0.2, 0.3, 0.4, 0.5, 1].map((w) => `w=${w} ${score(w).toFixed(4)}`);
  console.log(JSON.stringify(settings), line.join(', '));
}
