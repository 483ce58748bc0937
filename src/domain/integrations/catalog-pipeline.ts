import type { CatalogPage, PortalItem } from '../../connectors/connector.js';

/**
 * Where a retried run may resume: the page after a run of batches that have all committed (the batch being written
 * included, when nothing before it is still in flight), and the articles those batches read.
 */
export interface PipelineCheckpoint {
  nextPage: number;
  read: string[];
}

export interface CatalogPipelineSteps {
  /** The page to start at (a resumed run continues after its last written batch). */
  firstPage: number;
  /** Pages are written together once this many items have accumulated (and at the last page). */
  batchItems: number;
  /** Batches written at the same time, each in its own transaction; 1 writes them one after another. */
  writers: number;
  fetchPage(page: number): Promise<CatalogPage>;
  /** The politeness pause between two page loads. */
  pace(): Promise<void>;
  /** Writes a batch and remembers `checkpoint` with it, in one transaction. */
  write(items: PortalItem[], checkpoint: PipelineCheckpoint): Promise<void>;
}

const articles = (items: PortalItem[]) => items.map((i) => i.externalId);

/**
 * Reads a catalog page by page and writes it in batches, overlapping the writes with the pacing and fetch of the
 * next pages: up to `writers` batches in flight, started in page order. Batches may commit out of order, so the
 * checkpoint a batch stores never goes past a batch still in flight: a retry after any failure re-reads at most
 * the batches that were in flight, never skips one. When a fetch fails, the pages already read are written before
 * the error goes on; when a write fails, no further batch starts and its error surfaces once the others are done.
 */
export async function runCatalogPipeline(steps: CatalogPipelineSteps): Promise<{ pages: number }> {
  let batch: PortalItem[] = [];
  let nextPage = steps.firstPage;
  let pages = 0;
  // Batches not yet folded into `committed`, oldest first; a batch is folded once it and all before it are done.
  const unsettled: { done: boolean; items: PortalItem[]; nextPage: number }[] = [];
  const committed: PipelineCheckpoint = { nextPage: steps.firstPage, read: [] };
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;

  const settle = () => {
    for (let b = unsettled[0]; b?.done; b = unsettled[0]) {
      unsettled.shift();
      committed.nextPage = b.nextPage;
      committed.read.push(...articles(b.items));
    }
  };
  const drain = async () => {
    await Promise.all(running);
    if (failure) throw failure.error;
  };

  const flush = async () => {
    const items = batch;
    batch = [];
    while (running.size >= Math.max(1, steps.writers) && !failure) await Promise.race(running);
    if (failure) return drain();
    const entry = { done: false, items, nextPage };
    const checkpoint =
      unsettled.length === 0
        ? { nextPage, read: [...committed.read, ...articles(items)] }
        : { nextPage: committed.nextPage, read: [...committed.read] };
    unsettled.push(entry);
    const writing: Promise<void> = steps.write(items, checkpoint).then(
      () => {
        entry.done = true;
        settle();
      },
      (error: unknown) => {
        failure ??= { error };
      },
    );
    running.add(writing);
    void writing.then(() => running.delete(writing));
  };

  try {
    for (let page = steps.firstPage, total = page; page <= total; page++) {
      if (page > steps.firstPage) await steps.pace();
      const result = await steps.fetchPage(page);
      total = result.totalPages;
      batch.push(...result.items);
      nextPage = page + 1;
      pages += 1;
      if (batch.length >= steps.batchItems || page >= total) await flush();
    }
  } catch (err) {
    if (batch.length > 0) await flush();
    await drain();
    throw err;
  }
  await drain();
  return { pages };
}
