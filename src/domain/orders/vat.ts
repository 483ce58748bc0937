import type { VatCategory } from '../products/products.models.js';

/**
 * Swedish VAT by category and date (basis points). Food was cut from 12 % to 6 % for 2026-04-01 – 2027-12-31
 * and returns to 12 % on 2028-01-01. Periods are [from, to) on the Stockholm calendar.
 */
interface Period {
  from?: string;
  to?: string;
  rateBp: number;
}

export const VAT_TABLE: Record<VatCategory, Period[]> = {
  food: [
    { to: '2026-04-01', rateBp: 1200 },
    { from: '2026-04-01', to: '2028-01-01', rateBp: 600 },
    { from: '2028-01-01', rateBp: 1200 },
  ],
  standard: [{ rateBp: 2500 }],
  restaurant_service: [{ rateBp: 1200 }],
  alcohol: [{ rateBp: 2500 }],
};

/** The rate for a category on a YYYY-MM-DD date. */
export function vatRateBp(category: VatCategory, date: string): number {
  const period = VAT_TABLE[category].find(
    (p) => (p.from === undefined || date >= p.from) && (p.to === undefined || date < p.to),
  );
  if (!period) throw new Error(`no VAT period for ${category} on ${date}`);
  return period.rateBp;
}

// Formatters are built once: constructing Intl.DateTimeFormat costs far more than formatting with it.
const STOCKHOLM_DATE = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const STOCKHOLM_TIME = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

/** Today's date on the Stockholm calendar (the market's legal day), as YYYY-MM-DD. */
export function stockholmDate(instant: Date = new Date()): string {
  return STOCKHOLM_DATE.format(instant);
}

/** An instant rendered in Stockholm local time with its offset, e.g. 2026-11-26T18:55:00+01:00. */
export function stockholmTime(instant: Date): string {
  const parts = Object.fromEntries(STOCKHOLM_TIME.formatToParts(instant).map((p) => [p.type, p.value]));
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00';
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
