-- The per-series choice may now serve the level-corrected ensembles of Prophet and the recent same-weekday mean.
ALTER TABLE "forecast_series" DROP CONSTRAINT "forecast_series_model_known";
--> statement-breakpoint
ALTER TABLE "forecast_series" ADD CONSTRAINT "forecast_series_model_known" CHECK ("forecast_series"."model" IN ('ensemble_weather', 'ensemble', 'prophet_weather', 'prophet', 'seasonal_naive', 'moving_average'));
