/**
 * The bounds no dynamic price exceeds (docs/README.md "Dynamic pricing"): a floor and a ceiling in öre, and the
 * most a price may move within any 24 hours and within any 7 days, as a share of the list price. The windows
 * are checked against every price in force during them, so any two prices at most a day apart differ by no more
 * than the daily step, and any two at most a week apart by no more than the weekly step. A new list price set by
 * the supplier (or a rollback to it) starts the windows afresh: the history passed in begins there.
 */

const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;
/** A product's dynamic price changes at most once an hour; slack lets an hourly run that started late still act. */
export const MIN_CHANGE_INTERVAL_MS = 55 * 60_000;

export interface PriceBounds {
  minPriceCents: number;
  maxPriceCents: number;
  maxDailyChangeBp: number;
  maxWeeklyChangeBp: number;
}

/** A price and the period it was in force; `to` null = still in force. */
export interface PricePeriod {
  priceCents: number;
  from: Date;
  to: Date | null;
}

export interface AllowedRange {
  low: number;
  high: number;
  dailyStepCents: number;
  weeklyStepCents: number;
}

/** The step a share of the list price allows, rounded down so rounding never widens a bound. */
export const stepCents = (listPriceCents: number, bp: number) => Math.floor((listPriceCents * bp) / 10_000);

function pricesInForce(history: readonly PricePeriod[], since: number, now: number): number[] {
  return history
    .filter((p) => p.from.getTime() <= now && (p.to === null || p.to.getTime() > since))
    .map((p) => p.priceCents);
}

/**
 * The prices a new dynamic price may take at `now`; undefined when the bounds leave none (a list price set
 * outside the rule's floor and ceiling, say). `history` holds the periods since the list price was last set.
 */
export function allowedRange(
  listPriceCents: number,
  bounds: PriceBounds,
  history: readonly PricePeriod[],
  now: Date,
): AllowedRange | undefined {
  const t = now.getTime();
  const daily = stepCents(listPriceCents, bounds.maxDailyChangeBp);
  const weekly = stepCents(listPriceCents, bounds.maxWeeklyChangeBp);
  const day = pricesInForce(history, t - DAY_MS, t);
  const week = pricesInForce(history, t - WEEK_MS, t);
  let low = bounds.minPriceCents;
  let high = bounds.maxPriceCents;
  if (day.length > 0) {
    low = Math.max(low, Math.max(...day) - daily);
    high = Math.min(high, Math.min(...day) + daily);
  }
  if (week.length > 0) {
    low = Math.max(low, Math.max(...week) - weekly);
    high = Math.min(high, Math.min(...week) + weekly);
  }
  low = Math.max(low, 1);
  return low <= high ? { low, high, dailyStepCents: daily, weeklyStepCents: weekly } : undefined;
}

/** The target moved into the allowed range. */
export const clampPrice = (targetCents: number, range: AllowedRange) =>
  Math.min(range.high, Math.max(range.low, Math.round(targetCents)));

/** Whether a price is inside the range (a proposal approved later is checked again against the bounds then). */
export const withinRange = (priceCents: number, range: AllowedRange) =>
  priceCents >= range.low && priceCents <= range.high;
