import { cpus } from 'node:os';
import { mean } from '../src/domain/forecasts/engine/metrics.js';
import { MODEL_NAMES, type ModelName } from '../src/domain/forecasts/engine/models.js';
import { ForecastPool } from '../src/domain/forecasts/engine/pool.js';
import { evaluate, evaluateServed, meanMase, TUNING_PLAN, type EngineSettings } from './forecast-accuracy.js';

/**
 * npx tsx bench/forecast-tune.ts '{"prophet":{…}}' … — scores engine settings on the TUNING origins
 * only (the eight 14-day windows before the held-out last six months), so the reported test numbers stay honest.
 * BENCH_TUNE_SERVED=1 also scores what production serves (its per-series model choice) on those origins, with
 * its 80 % interval coverage; BENCH_TUNE_SERVED_MODEL=<model> serves that one model instead.
 */
const variants = process.argv.slice(2).map((arg) => JSON.parse(arg) as EngineSettings);
const models = MODEL_NAMES.filter((m) => m !== 'moving_average') as ModelName[];
const pool = new ForecastPool(cpus().length);
try {
  for (const settings of variants.length > 0 ? variants : [{}]) {
    const results = await evaluate(pool, TUNING_PLAN, settings, models);
    const line = models.map((m) => `${m} ${meanMase(results, m).toFixed(4)}`);
    if (process.env.BENCH_TUNE_SERVED === '1') {
      const only = process.env.BENCH_TUNE_SERVED_MODEL as ModelName | undefined;
      const served = Object.values(await evaluateServed(pool, TUNING_PLAN, settings, only));
      line.push(
        `served ${mean(served.map((s) => s.mase)).toFixed(4)}`,
        `coverage ${mean(served.map((s) => s.coverage)).toFixed(3)}`,
      );
    }
    console.log(JSON.stringify(settings), line.join(', '));
  }
} finally {
  await pool.close();
}
