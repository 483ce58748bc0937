import { addDays, isoWeekday } from './engine/series.js';

/** Units sold by measure; every other unit (st, förp, krt, …) is counted in whole units. */
const MEASURED_UNITS = new Set(['kg', 'g', 'l', 'dl', 'cl', 'ml']);
/** How far a supplier's delivery weekdays are searched: one week holds every weekday. */
const WEEK = 7;

export interface DeliveryWindow {
  /** The first day the supplier can deliver an order placed today. */
  deliveryDate: string;
  /** The last day the order has to last: the day before the supplier's next delivery, or the horizon's end. */
  coversThrough: string;
}

/**
 * The delivery an order placed `today` arrives with (the first delivery weekday at least `leadDays` ahead) and the
 * last day it must last: the day before the next delivery after that one, cut at `horizonDays` from today. Null
 * when the first possible delivery lies beyond the horizon.
 */
export function deliveryWindow(
  today: string,
  deliveryWeekdays: readonly number[],
  leadDays: number,
  horizonDays: number,
): DeliveryWindow | null {
  const nextDelivery = (from: string): string | null => {
    for (let i = 0; i < WEEK; i++) {
      const day = addDays(from, i);
      if (deliveryWeekdays.includes(isoWeekday(day))) return day;
    }
    return null;
  };
  const deliveryDate = nextDelivery(addDays(today, leadDays));
  const horizonEnd = addDays(today, horizonDays - 1);
  if (!deliveryDate || deliveryDate > horizonEnd) return null;
  const following = nextDelivery(addDays(deliveryDate, 1));
  const untilNext = following ? addDays(following, -1) : horizonEnd;
  return { deliveryDate, coversThrough: untilNext < horizonEnd ? untilNext : horizonEnd };
}

export interface ForecastDay {
  quantity: number;
  upper: number;
}

export interface LineNeed {
  forecast: number;
  safetyStock: number;
  /** forecast + safety stock − on hand, before rounding; may be negative. */
  needed: number;
  /** What to order: `needed` rounded up to the pack size, 0 when on hand covers it. */
  quantity: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Safety stock from the forecast's 80 % intervals: the upper bound is the 90th percentile of a day, and days'
 * errors are taken as independent, so the window's margin is the root of the summed squared daily margins (adding
 * the margins themselves would assume every day misses high together and overstock).
 */
export function safetyStock(days: readonly ForecastDay[]): number {
  return Math.sqrt(days.reduce((sum, d) => sum + Math.max(0, d.upper - d.quantity) ** 2, 0));
}

/** The ordering step of a product: its pack size, else one unit (counted units) or a gram / millilitre. */
export function orderStep(unit: string, packSize: number | null): number {
  if (packSize !== null && packSize > 0) return packSize;
  return MEASURED_UNITS.has(unit) ? 0.001 : 1;
}

export function lineNeed(
  days: readonly ForecastDay[],
  onHand: number,
  unit: string,
  packSize: number | null,
): LineNeed {
  const forecast = days.reduce((sum, d) => sum + d.quantity, 0);
  const safety = safetyStock(days);
  const needed = forecast + safety - onHand;
  const step = orderStep(unit, packSize);
  // The small epsilon keeps an exact multiple (e.g. 12.000000001 packs from float sums) from adding a pack.
  const quantity = needed <= 0 ? 0 : round3(Math.ceil(needed / step - 1e-9) * step);
  return { forecast: round3(forecast), safetyStock: round3(safety), needed: round3(needed), quantity };
}
