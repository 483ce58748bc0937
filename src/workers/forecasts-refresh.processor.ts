import { z } from 'zod';
import { defineJob } from '../core/jobs.js';
import type { ForecastTraining } from '../domain/forecasts/forecasts.training.js';

/**
 * Nightly at 02:00 Europe/Stockholm (spec §10): retrains the demand series with new data and stores their
 * forecasts; observes iris_forecast_job_duration_seconds. A weather outage never fails it (the series train
 * without weather and say so); a series that fails to train is logged and left with its previous forecast.
 */
export const forecastsRefreshJob = (training: ForecastTraining) =>
  defineJob({
    name: 'forecasts.refresh',
    queue: 'maintenance',
    payload: z.strictObject({}),
    attempts: 2,
    backoff: { type: 'exponential', delay: 300_000 },
    async process(_payload, ctx) {
      const stop = ctx.metrics?.forecastDuration.startTimer();
      try {
        const summary = await training.refresh(ctx.log, (reason) =>
          ctx.metrics?.forecastWeatherFallbacks.inc({ reason }),
        );
        ctx.log.info(summary, 'forecasts refreshed');
      } finally {
        stop?.();
      }
    },
  });
