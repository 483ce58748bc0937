import { describe, expect, it } from 'vitest';
import { calendarHolidays, paydays } from '../../src/domain/forecasts/engine/calendar.js';
import { prophetForecast } from '../../src/domain/forecasts/engine/prophet.js';
import { addDays } from '../../src/domain/forecasts/engine/series.js';

describe('calendar effects', () => {
  it('puts payday on the 25th, or on the Friday before when the 25th falls on a weekend', () => {
    // 2026: 25 Jan is a Sunday, 25 Apr a Saturday, 25 Feb a Wednesday.
    expect(paydays('2026-01-01', '2026-04-30')).toEqual([
      '2025-12-25',
      '2026-01-23',
      '2026-02-25',
      '2026-03-25',
      '2026-04-24',
    ]);
  });

  it('marks the day after a holiday unless it is a holiday itself, and leaves groups out when switched off', () => {
    const holidays = ['2026-12-25', '2026-12-26', '2027-01-01'];
    const groups = new Map(
      calendarHolidays(holidays, '2026-12-01', '2027-01-31', { paydayDays: 7, afterHoliday: true }),
    );
    const starts = (name: string) =>
      groups.get(name)!.occurrences.map((o) => new Date(o.start * 1000).toISOString().slice(0, 10));
    expect(starts('after_holiday')).toEqual(['2026-12-27', '2027-01-02']);
    expect(groups.get('payday')!.occurrences[0]!.end - groups.get('payday')!.occurrences[0]!.start).toBe(
      7 * 86_400,
    );
    expect(
      calendarHolidays(holidays, '2026-12-01', '2027-01-31', { paydayDays: 0, afterHoliday: false }),
    ).toEqual([]);
  });

  it('lets Prophet learn a payday lift that the weekly shape alone cannot carry', () => {
    const days = 420;
    const dates = Array.from({ length: days + 28 }, (_, i) => addDays('2025-01-06', i));
    const paid = new Set(
      paydays(dates[0]!, dates.at(-1)!).flatMap((d) => Array.from({ length: 7 }, (_, k) => addDays(d, k))),
    );
    const values = dates.map((d, i) => (10 + (i % 7)) * (paid.has(d) ? 1.4 : 1));
    const history = { dates: dates.slice(0, days), values: values.slice(0, days) };
    const future = { dates: dates.slice(days) };
    const error = (calendar: { paydayDays: number; afterHoliday: boolean }) => {
      const { points } = prophetForecast({
        history,
        future,
        holidays: [],
        regressors: [],
        pointsOnly: true,
        settings: { calendar },
      });
      return points.reduce((sum, p, i) => sum + Math.abs(p - values[days + i]!), 0) / points.length;
    };
    expect(error({ paydayDays: 7, afterHoliday: false })).toBeLessThan(
      0.5 * error({ paydayDays: 0, afterHoliday: false }),
    );
  });
});
