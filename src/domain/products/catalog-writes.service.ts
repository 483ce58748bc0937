import type { Database } from '../../core/db.types.js';
import { CATALOG_WRITES_KEPT_MS } from './catalog-changes.js';
import { pruneCatalogWrites } from './catalog-writes.repository.js';

/** Upkeep of the catalog-write notes the search cache checks against (catalog-changes.ts). */
export function createCatalogWritesService(deps: { db: Database }) {
  return {
    /** Deletes notes no check compares against any more; returns how many went. */
    prune: (): Promise<number> => pruneCatalogWrites(deps.db, CATALOG_WRITES_KEPT_MS),
  };
}

export type CatalogWritesService = ReturnType<typeof createCatalogWritesService>;
