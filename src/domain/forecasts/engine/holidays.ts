import Holidays from 'date-holidays';

const cache = new Map<string, string[]>();

/**
 * Holidays (ISO dates) for a country and year range, from the maintained `date-holidays` rules: `public` days and
 * `bank` days, because in Sweden midsummer eve, Christmas eve and New Year's eve are de facto holidays (listed as
 * bank holidays) on which kitchens and wholesalers behave like on a public one.
 */
export function publicHolidays(country: string, fromYear: number, toYear: number, region?: string): string[] {
  const key = `${country}:${region ?? ''}:${fromYear}:${toYear}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const hd = region ? new Holidays(country, region) : new Holidays(country);
  const dates: string[] = [];
  for (let year = fromYear; year <= toYear; year++) {
    for (const h of hd.getHolidays(year))
      if (h.type === 'public' || h.type === 'bank') dates.push(h.date.slice(0, 10));
  }
  const unique = [...new Set(dates)].sort();
  cache.set(key, unique);
  return unique;
}
