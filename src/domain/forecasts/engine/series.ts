/**
 * Daily demand series. A series holds only the days the place was open: a closed day is not a zero-demand day,
 * it is a day with no observation, so it is left out rather than filled.
 */
export interface DailySeries {
  /** ISO dates (YYYY-MM-DD), strictly increasing, open days only. */
  dates: string[];
  values: number[];
  /** Optional per-day regressors (e.g. weather), same length as `dates`. */
  regressors?: Record<string, number[]>;
}

export interface FutureDays {
  dates: string[];
  regressors?: Record<string, number[]>;
}

export interface OpeningRules {
  /** ISO weekdays the place is open on: 1 = Monday … 7 = Sunday. */
  openWeekdays: readonly number[];
  /** Extra dates the place is closed (holidays it keeps shut, renovation). */
  closedDates?: readonly string[];
}

const DAY_MS = 86_400_000;

export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Seconds since the epoch at UTC midnight of an ISO date: Prophet's time stamps. */
export function epochSeconds(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function isOpen(date: string, rules: OpeningRules): boolean {
  return rules.openWeekdays.includes(isoWeekday(date)) && !(rules.closedDates ?? []).includes(date);
}

/** Open days in [from, to] inclusive. */
export function openDays(from: string, to: string, rules: OpeningRules): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (isOpen(d, rules)) out.push(d);
  return out;
}

/**
 * Builds the series from demand observations (several per day allowed; they are summed). Open days without an
 * observation count as zero demand; closed days are excluded even when something was ordered on them.
 */
export function buildDailySeries(
  observations: readonly { date: string; quantity: number }[],
  range: { from: string; to: string },
  rules: OpeningRules,
): DailySeries {
  const totals = new Map<string, number>();
  for (const o of observations) totals.set(o.date, (totals.get(o.date) ?? 0) + o.quantity);
  const dates = openDays(range.from, range.to, rules);
  return { dates, values: dates.map((d) => totals.get(d) ?? 0) };
}

/** The first `n` days of a series (regressors cut alike). */
export function headOf(series: DailySeries, n: number): DailySeries {
  return {
    dates: series.dates.slice(0, n),
    values: series.values.slice(0, n),
    ...(series.regressors ? { regressors: mapValues(series.regressors, (v) => v.slice(0, n)) } : {}),
  };
}

/** Days [start, start+n) as future days, regressors kept (they are known or forecast for the future). */
export function sliceFuture(series: DailySeries, start: number, n: number): FutureDays {
  return {
    dates: series.dates.slice(start, start + n),
    ...(series.regressors
      ? { regressors: mapValues(series.regressors, (v) => v.slice(start, start + n)) }
      : {}),
  };
}

export function mapValues<T, U>(record: Record<string, T>, fn: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
}
