-- The model choice keeps the 80 % interval ratios from its backtest's out-of-sample errors (split conformal), so
-- nights that refit the stored choice serve the same interval. NULL: the model's own interval (older choices).
ALTER TABLE "forecast_series" ADD COLUMN "backtest_interval" jsonb;
