import { describe, expect, it } from 'vitest';
import type { RunModel } from '../../src/domain/forecasts/engine/backtest.js';
import { seasonalNaive } from '../../src/domain/forecasts/engine/baselines.js';
import { prophetFitOf, runModel, type ModelName } from '../../src/domain/forecasts/engine/models.js';
import { chooseModel, forecastServed } from '../../src/domain/forecasts/engine/select.js';
import { runTask } from '../../src/domain/forecasts/engine/tasks.js';
import { addDays, type DailySeries } from '../../src/domain/forecasts/engine/series.js';

// Prophet's optimizer can throw ("Line search failed"); these fits throw the same way, on demand.
const weekly = [10, 12, 14, 16, 30, 40, 5];
const dates = Array.from({ length: 150 }, (_, i) => addDays('2025-01-06', i));
const series: DailySeries = {
  dates,
  values: dates.map((_, i) => weekly[i % 7]! * (1 + 0.3 * Math.sin(i * 1.7))),
  regressors: { temperature: dates.map((_, i) => 10 + Math.sin(i / 20) * 8) },
};
const future = {
  dates: Array.from({ length: 14 }, (_, i) => addDays('2025-06-05', i)),
  regressors: { temperature: Array.from({ length: 14 }, () => 12) },
};
const ctx = { holidays: [], weather: ['temperature'] };

/** Runs the real models, except that every model standing on one of `fits` throws, and records what it ran. */
function failingFits(fits: readonly ModelName[], calls: ModelName[] = []): RunModel {
  return (model, ...rest) => {
    calls.push(model);
    const fit = prophetFitOf(model);
    if (fit && fits.includes(fit)) throw new Error('Line search failed');
    return runModel(model, ...rest);
  };
}

describe('a candidate whose fit throws', () => {
  it('is left out of the backtest choice, with its error recorded, and the others are chosen among', () => {
    const choice = chooseModel(series, ctx, undefined, failingFits(['prophet_weather']));
    expect(Object.keys(choice.failed).sort()).toEqual(['ensemble_weather', 'prophet_weather']);
    expect(choice.failed.ensemble_weather).toMatch(/Line search failed/);
    expect(Object.keys(choice.candidates).sort()).toEqual(['ensemble', 'prophet', 'seasonal_naive']);
    expect(['ensemble', 'prophet', 'seasonal_naive']).toContain(choice.model);
    expect(choice.backtest?.origins).toBe(4);
  });

  it('a choice with every Prophet failing falls to seasonal naive, never to a model without a backtest', () => {
    const choice = chooseModel(series, ctx, undefined, failingFits(['prophet_weather', 'prophet']));
    expect(choice).toMatchObject({
      model: 'seasonal_naive',
      candidates: { seasonal_naive: expect.any(Number) },
    });
    expect(Object.keys(choice.failed)).toHaveLength(4);
  });
});

describe('a refit whose model throws', () => {
  const choice = {
    model: 'ensemble_weather' as const,
    interval: { low: 0.6, high: 1.5, days: 56 },
    candidates: {
      ensemble_weather: 0.7,
      prophet_weather: 0.72,
      ensemble: 0.75,
      prophet: 0.8,
      seasonal_naive: 1,
    },
  };

  it('falls back to the next candidate that does not stand on the failed fit, and says why', () => {
    const calls: ModelName[] = [];
    const served = forecastServed(choice, series, future, ctx, failingFits(['prophet_weather'], calls));
    expect(served.model).toBe('ensemble');
    expect(served.fallback).toEqual({ from: 'ensemble_weather', reason: 'Line search failed' });
    // prophet_weather, next by MASE, stands on the fit that just failed: not tried again.
    expect(calls).toEqual(['ensemble_weather', 'ensemble']);
    expect(served.forecast.points).toHaveLength(14);
    expect(served.forecast.points).toEqual(runModel('ensemble', series, future, ctx).points);
  });

  it('falls back to seasonal naive when every candidate throws', () => {
    const served = forecastServed(choice, series, future, ctx, failingFits(['prophet_weather', 'prophet']));
    expect(served.model).toBe('seasonal_naive');
    expect(served.fallback?.from).toBe('ensemble_weather');
    expect(served.forecast).toEqual(seasonalNaive(series, future));
  });

  it('serves the chosen model with its stored interval when it fits', () => {
    const task = { kind: 'forecast', model: 'ensemble', history: series, future, ctx } as const;
    const result = runTask({ ...task, interval: choice.interval, candidates: choice.candidates });
    expect(result).toMatchObject({ kind: 'forecast', model: 'ensemble', fallback: null });
  });
});
