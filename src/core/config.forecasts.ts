import { int } from './config.fields.js';

export const forecastEnv = {
  /**
   * A series' model choice (a rolling backtest of every candidate, several fits each) is remade at most this
   * often; on the nights between, the chosen model alone is refitted to the new data.
   */
  FORECAST_RESELECT_DAYS: int(28, 1, 365),
};
