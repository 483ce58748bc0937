import { describe, expect, it } from 'vitest';
import type { CatalogPage, PortalItem } from '../../src/connectors/connector.js';
import { mapBounded } from '../../src/connectors/pacing.js';
import { readGridJson } from '../../src/connectors/grid-json.js';
import {
  type PipelineCheckpoint,
  runCatalogPipeline,
} from '../../src/domain/integrations/catalog-pipeline.js';

const item = (id: string): PortalItem => ({
  externalId: id,
  name: id,
  brand: null,
  category: null,
  packText: '1 st',
  priceText: '1,00 kr/st',
  priceOre: 100,
  unit: 'st',
  comparisonText: null,
  gtin: null,
  available: true,
  orderable: true,
});

/**
 * A portal of `pages` pages with two items each; `failAt` answers that page with an error. A write takes 5 ms, or
 * what `writeMs` says for the batch ending before that page.
 */
function portal(pages: number, failAt?: number, writeMs: (nextPage: number) => number = () => 5) {
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchPage = async (page: number): Promise<CatalogPage> => {
    log.push(`fetch ${page}`);
    await new Promise((r) => setTimeout(r, 1));
    if (page === failAt) throw new Error(`page ${page} failed`);
    return { page, totalPages: pages, items: [item(`${page}a`), item(`${page}b`)] };
  };
  const written: { ids: string[]; nextPage: number; checkpoint: PipelineCheckpoint }[] = [];
  const write = async (items: PortalItem[], checkpoint: PipelineCheckpoint) => {
    const nextPage = Number(/^\d+/.exec(items.at(-1)?.externalId ?? '0')?.[0]) + 1;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    log.push(`write ${nextPage}`);
    await new Promise((r) => setTimeout(r, writeMs(nextPage)));
    written.push({ ids: items.map((i) => i.externalId), nextPage, checkpoint });
    inFlight -= 1;
  };
  return { log, written, fetchPage, write, maxInFlight: () => maxInFlight };
}

/** Runs the pipeline over `p` with the second write failing ('database down'). */
function secondWriteFails(p: ReturnType<typeof portal>, batchItems: number, writers: number) {
  let calls = 0;
  const done = runCatalogPipeline({
    firstPage: 1,
    batchItems,
    writers,
    fetchPage: p.fetchPage,
    pace: async () => undefined,
    write: async (items, checkpoint) => {
      calls += 1;
      if (calls === 2) throw new Error('database down');
      await p.write(items, checkpoint);
    },
  });
  return { done, calls: () => calls };
}

describe('catalog pipeline', () => {
  it('writes whole pages in batches, in page order, one write at a time, reading on meanwhile', async () => {
    const p = portal(5);
    const { pages } = await runCatalogPipeline({
      firstPage: 1,
      batchItems: 4,
      writers: 1,
      fetchPage: p.fetchPage,
      pace: async () => undefined,
      write: p.write,
    });
    expect(pages).toBe(5);
    expect(p.written.map(({ ids, nextPage }) => ({ ids, nextPage }))).toEqual([
      { ids: ['1a', '1b', '2a', '2b'], nextPage: 3 },
      { ids: ['3a', '3b', '4a', '4b'], nextPage: 5 },
      { ids: ['5a', '5b'], nextPage: 6 },
    ]);
    // One at a time, every batch's checkpoint is the run up to and including itself.
    expect(p.written.map((w) => w.checkpoint)).toEqual([
      { nextPage: 3, read: ['1a', '1b', '2a', '2b'] },
      { nextPage: 5, read: ['1a', '1b', '2a', '2b', '3a', '3b', '4a', '4b'] },
      { nextPage: 6, read: ['1a', '1b', '2a', '2b', '3a', '3b', '4a', '4b', '5a', '5b'] },
    ]);
    expect(p.maxInFlight()).toBe(1);
    // Page 3 was read while the first batch was being written.
    expect(p.log.indexOf('fetch 3')).toBeLessThan(p.log.indexOf('write 5'));
    expect(p.log.indexOf('fetch 3')).toBeGreaterThan(p.log.indexOf('write 3'));
  });

  it('writes the pages read before a failing page, then fails, so a retry resumes at that page', async () => {
    const p = portal(6, 4);
    await expect(
      runCatalogPipeline({
        firstPage: 2,
        batchItems: 100,
        writers: 1,
        fetchPage: p.fetchPage,
        pace: async () => undefined,
        write: p.write,
      }),
    ).rejects.toThrow('page 4 failed');
    expect(p.written.map(({ ids, nextPage }) => ({ ids, nextPage }))).toEqual([
      { ids: ['2a', '2b', '3a', '3b'], nextPage: 4 },
    ]);
  });

  it('stops at a failed write: nothing after it is written and its error surfaces', async () => {
    const p = portal(6);
    const run = secondWriteFails(p, 2, 1);
    await expect(run.done).rejects.toThrow('database down');
    expect(p.written.map((w) => w.nextPage)).toEqual([2]);
    expect(run.calls()).toBe(2);
  });

  it('writes two batches at once, and a checkpoint never passes a batch still in flight', async () => {
    // The batch of pages 1–2 is slow: the one of pages 3–4 commits first and must not claim pages 1–2.
    const p = portal(6, undefined, (next) => (next === 3 ? 80 : 5));
    await runCatalogPipeline({
      firstPage: 1,
      batchItems: 4,
      writers: 2,
      fetchPage: p.fetchPage,
      pace: async () => undefined,
      write: p.write,
    });
    expect(p.maxInFlight()).toBe(2);
    // Pages 3–4 and then 5–6 commit while pages 1–2 are still being written.
    expect(p.written.map((w) => w.nextPage)).toEqual([5, 7, 3]);
    const byBatch = new Map(p.written.map((w) => [w.nextPage, w.checkpoint]));
    expect(byBatch.get(3)).toEqual({ nextPage: 3, read: ['1a', '1b', '2a', '2b'] });
    expect(byBatch.get(5)).toEqual({ nextPage: 1, read: [] });
    expect(byBatch.get(7)).toEqual({ nextPage: 1, read: [] });
  });

  it('with two writers, a failed write stops new batches and surfaces once the other is done', async () => {
    const p = portal(8, undefined, (next) => (next === 3 ? 30 : 5));
    const run = secondWriteFails(p, 4, 2);
    await expect(run.done).rejects.toThrow('database down');
    // The slow first batch still finished; nothing after the failed one was started.
    expect(p.written.map((w) => w.nextPage)).toEqual([3]);
    expect(run.calls()).toBe(2);
  });
});

describe('bounded map', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});

describe('grid JSON', () => {
  const page = {
    page: 1,
    totalPages: 3,
    items: [
      {
        article: '100001',
        name: 'Vispgrädde 36% ',
        brand: 'Arla',
        category: 'Mejeri',
        pack: '6x1 l',
        unit: 'l',
        gtin: '7300000000012',
        available: true,
        orderable: true,
        price: '41,80',
        comparison: '41,80 kr/l',
      },
    ],
  };

  it('reads the JSON to the text the grid prints', () => {
    expect(readGridJson(page)).toEqual({
      totalPages: 3,
      cards: [
        {
          article: '100001',
          orderable: true,
          category: 'Mejeri',
          name: 'Vispgrädde 36%',
          brand: 'Arla',
          pack: '6x1 l',
          price: '41,80 kr/l',
          comparison: 'Jfr 41,80 kr/l',
          gtin: 'EAN 7300000000012',
          available: true,
        },
      ],
    });
  });

  it('declines another shape, or a page without customer prices (signed out)', () => {
    expect(readGridJson({ ...page, items: [{ ...page.items[0], name: undefined }] })).toBeUndefined();
    expect(readGridJson({ results: [] })).toBeUndefined();
    expect(readGridJson({ ...page, items: [{ ...page.items[0], price: null }] })).toBeUndefined();
  });
});
