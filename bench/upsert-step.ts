import type { Database } from '../src/core/db.types.js';
import type { PortalItem } from '../src/connectors/connector.js';
import { runCatalogPipeline } from '../src/domain/integrations/catalog-pipeline.js';
import * as mirror from '../src/domain/integrations/catalog-mirror.repository.js';
import { measure } from './cpu.js';

export interface UpsertStepOptions {
  database: string;
  /** Items per page as the portal serves them; batches are made of whole pages, as in the sync. */
  pageSize: number;
  batchItems: number;
  /** Batches written at the same time (the sync's CONNECTOR_SYNC_WRITERS). */
  writers: number;
}

/**
 * The connector sync's upsert step alone: the items go through the sync's own pipeline (batches of whole pages,
 * `writers` of them at once, each `upsertCatalogBatch` in its own transaction) with page reads that take no
 * time, then `deactivateUnseen`. Wall time, items/s and CPU ms per item of Node and the database's backends.
 */
export async function timeUpsertStep(
  db: Database,
  target: mirror.MirrorTarget,
  items: PortalItem[],
  o: UpsertStepOptions,
) {
  const totalPages = Math.max(1, Math.ceil(items.length / o.pageSize));
  const step = await measure(db, o.database, items.length, async () => {
    await runCatalogPipeline({
      firstPage: 1,
      batchItems: o.batchItems,
      writers: o.writers,
      fetchPage: async (page) => ({
        page,
        totalPages,
        items: items.slice((page - 1) * o.pageSize, page * o.pageSize),
      }),
      pace: async () => undefined,
      write: async (batch) => {
        await db.transaction((tx) => mirror.upsertCatalogBatch(tx, target, batch));
      },
    });
    const seen = items.map((i) => i.externalId);
    await db.transaction((tx) => mirror.deactivateUnseen(tx, target, seen));
  });
  return {
    writers: o.writers,
    seconds: step.seconds,
    items_per_second: Math.round(items.length / step.seconds),
    ...step.cpu,
  };
}
