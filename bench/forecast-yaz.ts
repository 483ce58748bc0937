import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DailySeries } from '../src/domain/forecasts/engine/series.js';

/**
 * `shared/data` beside the project root (the CI layout), or beside one of its ancestors (a worktree nested deeper).
 */
function sharedData(): string {
  let dir = resolve(import.meta.dirname, '..');
  for (;;) {
    const candidate = resolve(dir, '../shared/data');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return resolve(import.meta.dirname, '../../shared/data');
    dir = dirname(dir);
  }
}

export const YAZ_DIR = resolve(sharedData(), 'timeseries/yaz-restaurant');
export const YAZ_WEATHER = ['temperature', 'rain', 'sunshine', 'clouds', 'wind'] as const;

export interface YazData {
  items: string[];
  /** Per item: open days only (closed days dropped), with the five weather columns as regressors. */
  series: Record<string, DailySeries>;
  /** The data's own public-holiday flags (Stuttgart, Baden-Württemberg). */
  holidays: string[];
}

function parseCsv(path: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const names = header!.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((v, i) => [names[i]!, v])));
}

export function loadYaz(): YazData | null {
  if (!existsSync(YAZ_DIR)) return null;
  const features = parseCsv(resolve(YAZ_DIR, 'yaz_data.csv'));
  const targets = parseCsv(resolve(YAZ_DIR, 'yaz_target.csv'));
  const items = Object.keys(targets[0]!);
  const open = features.map((f, i) => ({ f, t: targets[i]! })).filter(({ f }) => f.is_closed !== '1');
  const dates = open.map(({ f }) => f.date!);
  const regressors = Object.fromEntries(YAZ_WEATHER.map((w) => [w, open.map(({ f }) => Number(f[w]))]));
  const series = Object.fromEntries(
    items.map((item) => [item, { dates, values: open.map(({ t }) => Number(t[item])), regressors }]),
  );
  const holidays = features.filter((f) => f.is_holiday === '1').map((f) => f.date!);
  return { items, series, holidays };
}
