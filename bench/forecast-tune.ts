import { cpus } from 'node:os';
import { mean } from '../src/domain/forecasts/engine/metrics.js';
import { ForecastPool } from '../src/domain/forecasts/engine/pool.js';
import type { ProphetSettings } from '../src/domain/forecasts/engine/prophet.js';
import { evaluate, TUNING_PLAN } from './forecast.js';

/**
 * npx tsx bench/forecast-tune.ts '<json settings>' … — scores Prophet settings on the TUNING origins only (the
 * eight 14-day windows before the held-out last six months), so the reported test numbers stay honest.
 */
const variants = process.argv.slice(2).map((arg) => JSON.parse(arg) as Partial<ProphetSettings>);
const pool = new ForecastPool(cpus().length);
try {
  for (const settings of variants.length > 0 ? variants : [{}]) {
    const results = await evaluate(pool, TUNING_PLAN, settings, [
      'prophet_weather',
      'prophet',
      'seasonal_naive',
    ]);
    const m = (k: 'prophet_weather' | 'prophet' | 'seasonal_naive') =>
      mean(Object.values(results).map((r) => r[k]!.mase)).toFixed(3);
    console.log(
      JSON.stringify(settings),
      'weather',
      m('prophet_weather'),
      'prophet',
      m('prophet'),
      'naive',
      m('seasonal_naive'),
    );
  }
} finally {
  await pool.close();
}
