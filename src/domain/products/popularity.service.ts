import type { Database } from '../../core/db.types.js';
import { refreshPopularity } from './popularity.repository.js';

/** Orders of the last this-many days make a product popular in search ranking. */
export const POPULARITY_DAYS = 90;
/** Products written per statement: row locks are held briefly, so order placement barely waits. */
const BATCH = 500;

/**
 * The popularity signal of search ranking (spec §4 search), kept current by a job rather than at search time or in
 * the order path: `refresh` recounts the recent orders per product and writes the counts that changed.
 */
export function createPopularityService(deps: { db: Database }) {
  return {
    async refresh(): Promise<number> {
      let total = 0;
      for (;;) {
        const written = await refreshPopularity(deps.db, POPULARITY_DAYS, BATCH);
        total += written;
        if (written < BATCH) return total;
      }
    },
  };
}

export type PopularityService = ReturnType<typeof createPopularityService>;
