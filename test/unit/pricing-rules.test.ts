import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedRange,
  clampPrice,
  DAY_MS,
  type PriceBounds,
  type PricePeriod,
  stepCents,
  WEEK_MS,
  withinRange,
} from '../../src/domain/pricing/pricing.bounds.js';
import {
  demandAdjustment,
  reachBp,
  stockAdjustment,
  targetPrice,
} from '../../src/domain/pricing/pricing.signals.js';

const demand = { horizon_days: 7, recent_days: 28, threshold_bp: 1000, response_pct: 25, max_adjust_bp: 800 };
const stock = { high_cover_days: 14, near_best_before_days: 4, max_discount_bp: 2000 };
const bounds: PriceBounds = {
  minPriceCents: 800,
  maxPriceCents: 1200,
  maxDailyChangeBp: 300,
  maxWeeklyChangeBp: 1000,
};
const t0 = new Date('2026-03-02T10:05:00Z');
const at = (hours: number) => new Date(t0.getTime() + hours * 3_600_000);

describe('demand signal: forecast against the recent average', () => {
  it('raises the price when the forecast is well above recent demand, by the response share', () => {
    // recent 28 days: 280 → 70 expected over 7 days; forecast 98 = +40 % → 25 % of it = +10 %, capped at 8 %.
    const r = demandAdjustment(demand, { forecastQuantity: 98, recentQuantity: 280 });
    expect(r).toMatchObject({ adjustBp: 800, expected: 70, reason: 'forecast above recent demand' });
    expect(r.ratio).toBeCloseTo(1.4);
    expect(demandAdjustment(demand, { forecastQuantity: 84, recentQuantity: 280 }).adjustBp).toBe(500);
  });

  it('lowers it when the forecast is well below', () => {
    expect(demandAdjustment(demand, { forecastQuantity: 49, recentQuantity: 280 })).toMatchObject({
      adjustBp: -750,
      reason: 'forecast below recent demand',
    });
  });

  it('changes nothing within the threshold, without a forecast, or without recent demand', () => {
    expect(demandAdjustment(demand, { forecastQuantity: 75, recentQuantity: 280 }).adjustBp).toBe(0);
    expect(demandAdjustment(demand, { forecastQuantity: null, recentQuantity: 280 })).toMatchObject({
      adjustBp: 0,
      reason: 'no forecast yet',
    });
    expect(demandAdjustment(demand, { forecastQuantity: 10, recentQuantity: 0 })).toMatchObject({
      adjustBp: 0,
      reason: 'no recent demand to compare with',
    });
  });
});

describe('stock signal: discounts for high perishable stock and a near best-before date', () => {
  const base = {
    stockQuantity: 10,
    dailyDemand: 1,
    perishable: true,
    bestBeforeDate: null,
    today: '2026-03-02',
  };

  it('leaves normal stock alone', () => {
    expect(stockAdjustment(stock, base)).toMatchObject({ adjustBp: -0, cover_days: 10 });
  });

  it('discounts perishable stock beyond the cover threshold in proportion, fully at twice the cover', () => {
    expect(stockAdjustment(stock, { ...base, stockQuantity: 21 }).adjustBp).toBe(-1000);
    expect(stockAdjustment(stock, { ...base, stockQuantity: 40 }).adjustBp).toBe(-2000);
    expect(stockAdjustment(stock, { ...base, stockQuantity: 5, dailyDemand: 0 })).toMatchObject({
      adjustBp: -2000,
      reason: 'high stock of a perishable product',
    });
  });

  it('never discounts high stock of a product that is not perishable, or untracked stock', () => {
    expect(stockAdjustment(stock, { ...base, stockQuantity: 400, perishable: false }).adjustBp).toBe(-0);
    expect(stockAdjustment(stock, { ...base, stockQuantity: null }).adjustBp).toBe(-0);
  });

  it('discounts as the best-before date nears, fully on the day and after it', () => {
    const near = (date: string) => stockAdjustment(stock, { ...base, bestBeforeDate: date }).adjustBp;
    expect(near('2026-03-10')).toBe(-0);
    expect(near('2026-03-06')).toBe(-0);
    expect(near('2026-03-04')).toBe(-1000);
    expect(near('2026-03-02')).toBe(-2000);
    expect(near('2026-03-01')).toBe(-2000);
    expect(stockAdjustment(stock, { ...base, bestBeforeDate: '2026-03-03' })).toMatchObject({
      days_to_best_before: 1,
      reason: 'best-before date near',
    });
    expect(
      stockAdjustment({ ...stock, near_best_before_days: 0 }, { ...base, bestBeforeDate: '2026-03-02' })
        .adjustBp,
    ).toBe(-2000);
  });

  it('a target is the list price moved by the adjustment, never below one öre; reach adds both signals', () => {
    expect(targetPrice(1000, 800)).toBe(1080);
    expect(targetPrice(1000, -10_000)).toBe(1);
    expect(reachBp(demand, stock)).toEqual({ upBp: 800, downBp: 2800 });
    expect(reachBp(null, stock)).toEqual({ upBp: 0, downBp: 2000 });
  });
});

describe('bounds', () => {
  it('without history the range is the floor and ceiling', () => {
    expect(allowedRange(1000, bounds, [], t0)).toEqual({
      low: 800,
      high: 1200,
      dailyStepCents: 30,
      weeklyStepCents: 100,
    });
  });

  it('the daily step is measured against every price in force in the last 24 hours', () => {
    const history: PricePeriod[] = [
      { priceCents: 1000, from: at(-30), to: at(-20) },
      { priceCents: 1030, from: at(-20), to: null },
    ];
    // 1000 was in force 20–24 h ago, so nothing above 1030 and nothing below 1000 (= 1030 − 30).
    expect(allowedRange(1000, bounds, history, t0)).toMatchObject({ low: 1000, high: 1030 });
    // A day later only 1030 counts for the day; the week still holds 1000 → at most 1100.
    expect(allowedRange(1000, bounds, history, at(25))).toMatchObject({ low: 1000, high: 1060 });
  });

  it('the weekly step caps drift over a week of daily steps', () => {
    const history: PricePeriod[] = [1000, 1030, 1060, 1090].map((p, i) => ({
      priceCents: p,
      from: at(i * 25 - 100),
      to: i === 3 ? null : at((i + 1) * 25 - 100),
    }));
    expect(allowedRange(1000, bounds, history, t0)).toMatchObject({ high: 1100 });
  });

  it('an empty range when the bounds leave no price (list price set outside the rule)', () => {
    const history: PricePeriod[] = [{ priceCents: 1500, from: at(-2), to: null }];
    expect(allowedRange(1500, bounds, history, t0)).toBeUndefined();
  });

  it('clamps targets into the range', () => {
    const range = { low: 900, high: 1100, dailyStepCents: 0, weeklyStepCents: 0 };
    expect(clampPrice(5000, range)).toBe(1100);
    expect(clampPrice(1, range)).toBe(900);
    expect(clampPrice(1000.4, range)).toBe(1000);
    expect(withinRange(1100, range)).toBe(true);
    expect(withinRange(1101, range)).toBe(false);
  });
});

/** Simulates hourly runs with arbitrary targets and checks the history afterwards, pair by pair. */
describe('property: no applied price ever leaves its bounds', () => {
  const boundsArb = fc
    .record({
      list: fc.integer({ min: 100, max: 100_000 }),
      floorBp: fc.integer({ min: 0, max: 5000 }),
      ceilBp: fc.integer({ min: 0, max: 5000 }),
      daily: fc.integer({ min: 0, max: 2000 }),
      weeklyExtra: fc.integer({ min: 0, max: 4000 }),
    })
    .map((b) => ({
      list: b.list,
      bounds: {
        minPriceCents: Math.max(1, Math.round((b.list * (10_000 - b.floorBp)) / 10_000)),
        maxPriceCents: Math.round((b.list * (10_000 + b.ceilBp)) / 10_000),
        maxDailyChangeBp: b.daily,
        maxWeeklyChangeBp: b.daily + b.weeklyExtra,
      },
    }));
  const runsArb = fc.array(
    fc.record({ gapHours: fc.integer({ min: 1, max: 30 }), adjustBp: fc.integer({ min: -9000, max: 9000 }) }),
    { minLength: 1, maxLength: 120 },
  );

  it('floor, ceiling, and the daily and weekly steps hold between every pair of prices', () => {
    fc.assert(
      fc.property(boundsArb, runsArb, ({ list, bounds: b }, runs) => {
        const history: PricePeriod[] = [{ priceCents: list, from: t0, to: null }];
        let now = t0.getTime();
        for (const run of runs) {
          now += run.gapHours * 3_600_000;
          const range = allowedRange(list, b, history, new Date(now));
          expect(range).toBeDefined(); // the price in force always stays allowed
          const price = clampPrice(targetPrice(list, run.adjustBp), range!);
          const current = history.at(-1)!;
          if (price === current.priceCents) continue;
          current.to = new Date(now);
          history.push({ priceCents: price, from: new Date(now), to: null });
        }
        const daily = stepCents(list, b.maxDailyChangeBp);
        const weekly = stepCents(list, b.maxWeeklyChangeBp);
        const dynamic = history.slice(1);
        for (const p of dynamic) {
          expect(p.priceCents).toBeGreaterThanOrEqual(b.minPriceCents);
          expect(p.priceCents).toBeLessThanOrEqual(b.maxPriceCents);
        }
        for (const a of history)
          for (const c of history) {
            if (c.from <= a.from) continue;
            // a was still in force less than a day (a week) before c began.
            const gap = c.from.getTime() - (a.to ?? c.from).getTime();
            const diff = Math.abs(a.priceCents - c.priceCents);
            if (gap < DAY_MS) expect(diff).toBeLessThanOrEqual(daily);
            if (gap < WEEK_MS) expect(diff).toBeLessThanOrEqual(weekly);
          }
      }),
      { numRuns: 300 },
    );
  });
});
