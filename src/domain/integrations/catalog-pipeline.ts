import type { CatalogPage, PortalItem } from '../../connectors/connector.js';

export interface CatalogPipelineSteps {
  /** The page to start at (a resumed run continues after its last written batch). */
  firstPage: number;
  /** Pages are written together once this many items have accumulated (and at the last page). */
  batchItems: number;
  fetchPage(page: number): Promise<CatalogPage>;
  /** The politeness pause between two page loads. */
  pace(): Promise<void>;
  /** Writes a batch and remembers `nextPage` with it, in one transaction. */
  write(items: PortalItem[], nextPage: number): Promise<void>;
}

/**
 * Reads a catalog page by page and writes it in batches, overlapping the write of one batch with the pacing and
 * fetch of the next pages: at most one write in flight, batches written in page order. When a fetch fails, the
 * pages already read are written before the error goes on, so a retry resumes right after the last page read.
 */
export async function runCatalogPipeline(steps: CatalogPipelineSteps): Promise<{ pages: number }> {
  let batch: PortalItem[] = [];
  let writing: Promise<void> = Promise.resolve();
  let nextPage = steps.firstPage;
  let pages = 0;

  const flush = async () => {
    const items = batch;
    const upTo = nextPage;
    batch = [];
    await writing;
    writing = steps.write(items, upTo);
    // Awaited later (the next flush or the end); marked handled now so a failure waits there, not in the process.
    writing.catch(() => undefined);
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
    await writing;
    throw err;
  }
  await writing;
  return { pages };
}
