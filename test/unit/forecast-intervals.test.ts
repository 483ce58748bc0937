import { describe, expect, it } from 'vitest';
import { conformalRatios, withConformalInterval } from '../../src/domain/forecasts/engine/intervals.js';
import {
  chooseModel,
  forecastWith,
  pickModel,
  PREFERENCE_MARGIN,
} from '../../src/domain/forecasts/engine/select.js';
import type { ModelName } from '../../src/domain/forecasts/engine/models.js';
import { addDays, type DailySeries } from '../../src/domain/forecasts/engine/series.js';

const days = (ratios: number[], forecast = 10) => ratios.map((r) => ({ actual: r * forecast, forecast }));

describe('split-conformal interval ratios', () => {
  it('takes the finite-sample ranks ⌊(n+1)·0.1⌋ and ⌈(n+1)·0.9⌉ of actual ÷ forecast', () => {
    // 19 days with ratios 0.1 … 1.9, shuffled: ranks 2 and 18.
    const ratios = Array.from({ length: 19 }, (_, i) => ((i * 7) % 19) / 10 + 0.1);
    expect(conformalRatios(days(ratios))).toEqual({ low: 0.2, high: expect.closeTo(1.8, 10), days: 19 });
  });

  it('leaves out days with a near-zero forecast and gives up below the minimum of usable days', () => {
    const usable = days(Array.from({ length: 9 }, () => 1));
    expect(conformalRatios([...usable, ...days([50, 50, 50], 0.5)])).toBeNull();
    expect(conformalRatios([...usable, { actual: 3, forecast: 2 }])).toMatchObject({ days: 10, high: 1.5 });
  });

  it('scales the forecast by the ratios, their distance from 1 times the scale, and never inverts the interval', () => {
    const forecast = { points: [10, 0], lower: [], upper: [] };
    const ratios = { low: 0.6, high: 1.5, days: 40 };
    expect(withConformalInterval(forecast, ratios, 1)).toEqual({
      points: [10, 0],
      lower: [6, 0],
      upper: [15, 0],
    });
    const half = withConformalInterval(forecast, ratios, 0.5);
    expect(half.lower[0]).toBeCloseTo(8);
    expect(half.upper[0]).toBeCloseTo(12.5);
    // Every backtest day above its forecast: the interval still holds the point.
    const above = withConformalInterval(forecast, { low: 1.1, high: 1.6, days: 40 }, 1);
    expect(above.lower[0]).toBe(10);
    expect(above.upper[0]).toBeCloseTo(16);
  });

  it('with the model’s own interval takes the wider of the two on each side, both scaled from the point', () => {
    const forecast = { points: [10, 20], lower: [], upper: [] };
    const own = { points: [10, 20], lower: [2, 18], upper: [12, 40] };
    const f = withConformalInterval(forecast, { low: 0.6, high: 1.5, days: 40 }, 0.5, own);
    // Day 1: own low 2 → 10 − 0.5·8 = 6 beats 10·0.8 = 8; ratio high 10·1.25 = 12.5 beats own 11.
    expect(f.lower[0]).toBeCloseTo(6);
    expect(f.upper[0]).toBeCloseTo(12.5);
    // Day 2: ratio low 20·0.8 = 16 beats own 19; own high 20 + 0.5·20 = 30 beats 25.
    expect(f.lower[1]).toBeCloseTo(16);
    expect(f.upper[1]).toBeCloseTo(30);
  });
});

describe('model preference', () => {
  const scored = (mases: Partial<Record<ModelName, number>>) =>
    Object.entries(mases).map(([model, mase]) => ({ model: model as ModelName, mase }));

  it('keeps the weather ensemble unless another model beats it by the margin', () => {
    const close = 0.8 * (1 - PREFERENCE_MARGIN / 2);
    const clear = 0.8 * (1 - PREFERENCE_MARGIN * 2);
    const base = { ensemble_weather: 0.8, ensemble: 0.82, seasonal_naive: 1 };
    expect(pickModel(scored({ ...base, prophet: close })).model).toBe('ensemble_weather');
    expect(pickModel(scored({ ...base, prophet: clear })).model).toBe('prophet');
    // Without weather the plain ensemble is the preferred one.
    expect(pickModel(scored({ ensemble: 0.8, prophet: close, seasonal_naive: 1 })).model).toBe('ensemble');
  });

  it('never keeps a preferred ensemble that did worse than seasonal naive', () => {
    expect(pickModel(scored({ ensemble_weather: 1.02, prophet: 0.99, seasonal_naive: 1 })).model).toBe(
      'prophet',
    );
    expect(pickModel(scored({ ensemble_weather: 1.02, prophet: 1.05, seasonal_naive: 1 })).model).toBe(
      'seasonal_naive',
    );
  });
});

describe('intervals served with a model choice', () => {
  // A weekly shape with independent day-to-day noise: same-weekday-last-week carries last week's noise over,
  // Prophet and its ensemble average it out.
  const weekly = [10, 12, 14, 16, 30, 40, 5];
  let seed = 11;
  const noise = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5;
  const dates = Array.from({ length: 150 }, (_, i) => addDays('2025-01-06', i));
  const series: DailySeries = {
    dates,
    values: dates.map((_, i) => weekly[i % 7]! * (1 + 0.5 * noise())),
  };
  const ctx = { holidays: [], weather: [] };

  it('a Prophet-based choice carries the ratios of its own backtest days; seasonal naive keeps its own interval', () => {
    const choice = chooseModel(series, ctx);
    expect(choice.model).toMatch(/ensemble|prophet/);
    expect(choice.interval).not.toBeNull();
    expect(choice.interval!.days).toBe(56); // 4 origins × 14 open days, every forecast above 1
    expect(choice.interval!.low).toBeLessThan(1);
    expect(choice.interval!.high).toBeGreaterThan(1);
    const pureWeekly = { dates, values: dates.map((_, i) => weekly[i % 7]!) };
    expect(chooseModel(pureWeekly, ctx)).toMatchObject({ model: 'seasonal_naive', interval: null });
  });

  it('forecasts with the stored ratios when a choice has them, and with the model’s own interval without', () => {
    const future = { dates: Array.from({ length: 14 }, (_, i) => addDays('2025-06-05', i)) };
    const interval = { low: 0.5, high: 2, days: 48 };
    const withRatios = forecastWith({ model: 'ensemble', interval }, series, future, {
      ...ctx,
      conformal: { scale: 1 },
    });
    withRatios.points.forEach((p, i) => {
      expect(withRatios.lower[i]).toBeCloseTo(p * 0.5);
      expect(withRatios.upper[i]).toBeCloseTo(p * 2);
    });
    const own = forecastWith({ model: 'ensemble', interval: null }, series, future, ctx);
    expect(own.points).toEqual(withRatios.points);
    expect(own.upper[0]! / own.points[0]!).not.toBeCloseTo(2);
    // Narrow ratios: the ensemble's own interval (scaled) is the wider, and is served.
    const narrow = { low: 0.99, high: 1.01, days: 48 };
    const widened = forecastWith({ model: 'ensemble', interval: narrow }, series, future, {
      ...ctx,
      conformal: { scale: 1 },
    });
    expect(widened.upper).toEqual(own.upper);
    expect(widened.lower).toEqual(own.lower);
  });
});
