import type { UserContext } from '../../core/context.js';
import type { Database } from '../../core/db.types.js';
import { renderChart } from './chart.js';
import { forecastNotFound } from './forecasts.errors.js';
import type { ForecastSeriesRow } from './forecasts.models.js';
import * as repo from './forecasts.repository.js';
import type { ForecastDto, ForecastQuery } from './forecasts.schemas.js';
import type { ModelName } from './engine/models.js';
import { PREFERENCE_MARGIN } from './engine/select.js';
import { addDays } from './engine/series.js';

const CHART_HISTORY_DAYS = 90;

function modelReason(row: ForecastSeriesRow): string {
  const { chosen_model: chosen, fallback_reason: fallback, failed_candidates: failed } = row.training;
  if (typeof fallback === 'string')
    return `the chosen ${String(chosen)} failed to fit on the last training (${fallback}): served by ${row.model}, the best candidate that fitted; the choice is tried again next time`;
  const reason = choiceReason(row);
  return typeof failed === 'string' ? `${reason}; left out, failed to fit: ${failed}` : reason;
}

function choiceReason(row: ForecastSeriesRow): string {
  const model = row.model as ModelName;
  const naive = row.candidates.seasonal_naive;
  if (row.backtestMase === null) {
    return model === 'moving_average'
      ? 'too little history to backtest: moving average of the recent days'
      : 'too little history to backtest: same weekday last week';
  }
  const mase = row.backtestMase.toFixed(2);
  if (model === 'seasonal_naive')
    return `no model beat same-weekday-last-week on this series' backtest (MASE ${mase})`;
  const lowest = Object.entries(row.candidates).reduce<[string, number] | null>(
    (best, entry) => (best === null || entry[1] < best[1] ? entry : best),
    null,
  );
  if (lowest && lowest[1] < row.backtestMase)
    return `the ensemble stays unless another model is ${100 * PREFERENCE_MARGIN} % better on the backtest: MASE ${mase} against ${lowest[1].toFixed(2)} for ${lowest[0]}`;
  return naive === undefined
    ? `lowest backtest error of the candidates (MASE ${mase})`
    : `lowest backtest error of the candidates: MASE ${mase} against ${naive.toFixed(2)} for same weekday last week`;
}

/** Reads of stored forecasts (spec §12). A product the caller may not see answers 404, like one without a forecast. */
export function createForecastService(deps: { db: Database }) {
  const { db } = deps;

  async function visibleSeries(ctx: UserContext, query: ForecastQuery) {
    const scope = query.restaurant_id ? 'restaurant' : 'supplier';
    const ownerId = query.restaurant_id ?? query.supplier_id ?? '';
    const product = await repo.liveProduct(db, query.product_id);
    if (!product) throw forecastNotFound(query.product_id);
    const role = ctx.principal.role;
    const mayRead =
      role === 'ADMIN'
        ? await repo.orgExists(db, scope, ownerId)
        : role === (scope === 'restaurant' ? 'RESTAURANT' : 'SUPPLIER') &&
          (await repo.isMember(db, scope, ownerId, ctx.principal.accountId));
    // A supplier sees demand only for its own products.
    if (!mayRead || (scope === 'supplier' && product.supplierId !== ownerId))
      throw forecastNotFound(query.product_id);
    const series = await repo.findSeries(db, { scope, ownerId, productId: query.product_id });
    if (!series) throw forecastNotFound(query.product_id);
    return { series, product, scope, ownerId } as const;
  }

  return {
    async get(ctx: UserContext, query: ForecastQuery): Promise<ForecastDto> {
      const { series } = await visibleSeries(ctx, query);
      const lastDay = addDays(series.trainedAt.toISOString().slice(0, 10), query.horizon_days);
      const points = (await repo.pointsOf(db, series.id, query.horizon_days)).filter((p) => p.day <= lastDay);
      return {
        scope: series.scope,
        restaurant_id: series.restaurantId,
        supplier_id: series.supplierId,
        product_id: series.productId,
        model: series.model as ModelName,
        model_reason: modelReason(series),
        weather_used: series.weatherUsed,
        weather_note: series.weatherNote,
        backtest:
          series.backtestMase === null
            ? null
            : {
                mase: series.backtestMase,
                smape: series.backtestSmape ?? 0,
                origins: series.backtestOrigins,
              },
        candidates: series.candidates,
        training: series.training,
        history_from: series.historyFrom,
        history_to: series.historyTo,
        trained_at: series.trainedAt.toISOString(),
        interval_level: 0.8,
        points: points.map((p) => ({ date: p.day, quantity: p.quantity, lower: p.lower, upper: p.upper })),
      };
    },

    async chart(ctx: UserContext, query: ForecastQuery): Promise<string> {
      const { series, product, scope, ownerId } = await visibleSeries(ctx, query);
      const to = series.historyTo ?? series.trainedAt.toISOString().slice(0, 10);
      const history = await repo.demandOf(
        db,
        { scope, ownerId, productId: product.id },
        addDays(to, -CHART_HISTORY_DAYS),
      );
      const lastDay = addDays(series.trainedAt.toISOString().slice(0, 10), query.horizon_days);
      const points = (await repo.pointsOf(db, series.id, query.horizon_days)).filter((p) => p.day <= lastDay);
      return renderChart({
        title: `${product.name} (${product.unit}): demand, ${series.model} forecast and 80 % interval`,
        history: history.filter((h) => h.date <= to).map((h) => ({ date: h.date, quantity: h.quantity })),
        forecast: points.map((p) => ({ date: p.day, quantity: p.quantity, lower: p.lower, upper: p.upper })),
      });
    },
  };
}

export type ForecastService = ReturnType<typeof createForecastService>;
