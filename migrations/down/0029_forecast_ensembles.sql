-- An ensemble falls back to the Prophet it is built on; the next nightly run chooses again.
UPDATE "forecast_series" SET "model" = 'prophet_weather' WHERE "model" = 'ensemble_weather';
--> statement-breakpoint
UPDATE "forecast_series" SET "model" = 'prophet' WHERE "model" = 'ensemble';
--> statement-breakpoint
ALTER TABLE "forecast_series" DROP CONSTRAINT "forecast_series_model_known";
--> statement-breakpoint
ALTER TABLE "forecast_series" ADD CONSTRAINT "forecast_series_model_known" CHECK ("forecast_series"."model" IN ('prophet_weather', 'prophet', 'seasonal_naive', 'moving_average'));
