import type { ProphetHoliday } from '@bsull/augurs/prophet';
import { addDays, epochSeconds } from './series.js';

const DAY = 86_400;

/** Calendar effects beyond public holidays, as extra Prophet holiday groups (one coefficient each). */
export interface CalendarSettings {
  /**
   * Days from payday, the 25th (the Friday before when it falls on a weekend), that share one effect: guests
   * have just been paid. 0 leaves it out.
   */
  paydayDays: number;
  /** The day after a public holiday (not itself one) as its own effect: the bridge day and the catch-up. */
  afterHoliday: boolean;
}

/**
 * Chosen on the 8 tuning origins of the YAZ backtest (docs/benchmarks.md, round 5): a 7-day payday window and the
 * day after a holiday each took about 0.0015 off the served mean MASE, together 0.004; windows of 3 and 10 days
 * did less.
 */
export const DEFAULT_CALENDAR_SETTINGS: CalendarSettings = { paydayDays: 7, afterHoliday: true };

/** The 25th of each month from `first` through `last` (ISO dates), moved to the Friday before a weekend. */
export function paydays(first: string, last: string): string[] {
  const out: string[] = [];
  let year = Number(first.slice(0, 4));
  let month = Number(first.slice(5, 7)) - 2; // a month early: its window may reach into `first`
  for (;;) {
    const date = new Date(Date.UTC(year, month, 25));
    const weekday = date.getUTCDay();
    if (weekday === 6) date.setUTCDate(24);
    if (weekday === 0) date.setUTCDate(23);
    const payday = date.toISOString().slice(0, 10);
    if (payday > last) return out;
    out.push(payday);
    month += 1;
    if (month > 11) [year, month] = [year + 1, 0];
  }
}

/** The calendar groups for a fit over `first`…`last`, keyed by name (none when the settings switch them off). */
export function calendarHolidays(
  holidays: readonly string[],
  first: string,
  last: string,
  s: CalendarSettings,
): [string, ProphetHoliday][] {
  const groups: [string, ProphetHoliday][] = [];
  if (s.paydayDays > 0) {
    const occurrences = paydays(first, last).map((d) => ({
      start: epochSeconds(d),
      end: epochSeconds(d) + s.paydayDays * DAY,
    }));
    groups.push(['payday', { occurrences }]);
  }
  if (s.afterHoliday && holidays.length > 0) {
    const set = new Set(holidays);
    const after = holidays.map((d) => addDays(d, 1)).filter((d) => !set.has(d));
    const occurrences = [...new Set(after)].map((d) => ({
      start: epochSeconds(d),
      end: epochSeconds(d) + DAY,
    }));
    if (occurrences.length > 0) groups.push(['after_holiday', { occurrences }]);
  }
  return groups;
}
