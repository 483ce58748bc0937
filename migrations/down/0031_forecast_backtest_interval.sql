ALTER TABLE "forecast_series" DROP COLUMN "backtest_interval";
