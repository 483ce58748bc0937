import type { DemandSignal, StockSignal } from './pricing.models.js';

/**
 * The two signals a rule reacts to, as adjustments in basis points of the list price (100 = 1 %). Pure, so
 * every case is tested without a database; the job gathers the inputs.
 */

export interface DemandInputs {
  /** Forecast demand over the signal's horizon; null when the product has no supplier-wide forecast yet. */
  forecastQuantity: number | null;
  /** Demand over the signal's recent days. */
  recentQuantity: number;
}

export interface SignalResult {
  adjustBp: number;
  reason: string;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Forecast against the recent average scaled to the same horizon: a difference under the threshold changes
 * nothing; above it, the price follows `response_pct` of the difference, up to `max_adjust_bp` either way.
 */
export function demandAdjustment(
  signal: DemandSignal,
  inputs: DemandInputs,
): SignalResult & {
  expected: number | null;
  ratio: number | null;
} {
  if (inputs.forecastQuantity === null)
    return { adjustBp: 0, reason: 'no forecast yet', expected: null, ratio: null };
  const expected = (inputs.recentQuantity / signal.recent_days) * signal.horizon_days;
  if (expected <= 0)
    return { adjustBp: 0, reason: 'no recent demand to compare with', expected, ratio: null };
  const ratio = inputs.forecastQuantity / expected;
  const deviationBp = (ratio - 1) * 10_000;
  if (Math.abs(deviationBp) < signal.threshold_bp)
    return { adjustBp: 0, reason: 'forecast within the threshold of recent demand', expected, ratio };
  const adjustBp = clamp(
    Math.round((deviationBp * signal.response_pct) / 100),
    -signal.max_adjust_bp,
    signal.max_adjust_bp,
  );
  return {
    adjustBp,
    reason: adjustBp > 0 ? 'forecast above recent demand' : 'forecast below recent demand',
    expected,
    ratio,
  };
}

export interface StockInputs {
  /** Null when the supplier does not track the product's stock. */
  stockQuantity: number | null;
  /** Average daily demand over the recent days. */
  dailyDemand: number;
  perishable: boolean;
  /** ISO date, when the product has one. */
  bestBeforeDate: string | null;
  /** ISO date in the business time zone. */
  today: string;
}

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/**
 * Discounts only. High stock of a perishable: cover (stock ÷ daily demand) beyond `high_cover_days` discounts in
 * proportion, fully at twice that cover or with no demand at all. A best-before date within
 * `near_best_before_days` discounts in proportion to how near it is, fully on the day itself. The larger of the
 * two applies, as a share of `max_discount_bp`.
 */
export function stockAdjustment(
  signal: StockSignal,
  inputs: StockInputs,
): SignalResult & { cover_days: number | null; days_to_best_before: number | null } {
  let coverDays: number | null = null;
  let highStock = 0;
  if (inputs.perishable && inputs.stockQuantity !== null && inputs.stockQuantity > 0) {
    coverDays = inputs.dailyDemand > 0 ? inputs.stockQuantity / inputs.dailyDemand : null;
    if (coverDays === null) highStock = 1;
    else if (coverDays > signal.high_cover_days)
      highStock = clamp((coverDays - signal.high_cover_days) / signal.high_cover_days, 0, 1);
  }
  let daysLeft: number | null = null;
  let nearBestBefore = 0;
  if (inputs.bestBeforeDate !== null) {
    daysLeft = daysBetween(inputs.today, inputs.bestBeforeDate);
    if (daysLeft <= signal.near_best_before_days)
      nearBestBefore =
        signal.near_best_before_days === 0 ? 1 : clamp(1 - daysLeft / signal.near_best_before_days, 0, 1);
  }
  const share = Math.max(highStock, nearBestBefore);
  const adjustBp = -Math.round(share * signal.max_discount_bp);
  const reason =
    share === 0
      ? 'stock neither high nor near its best-before date'
      : nearBestBefore >= highStock
        ? 'best-before date near'
        : 'high stock of a perishable product';
  return { adjustBp, reason, cover_days: coverDays, days_to_best_before: daysLeft };
}

/** The unbounded price the signals ask for, at least 1 öre. */
export const targetPrice = (listPriceCents: number, adjustBp: number) =>
  Math.max(1, Math.round((listPriceCents * (10_000 + adjustBp)) / 10_000));

/**
 * The furthest a rule's signals could ever move a price from its list price, in basis points: what a rule is
 * checked against its floor and ceiling with when it is saved.
 */
export function reachBp(demand: DemandSignal | null, stock: StockSignal | null) {
  const demandReach = demand?.max_adjust_bp ?? 0;
  return { upBp: demandReach, downBp: demandReach + (stock?.max_discount_bp ?? 0) };
}
