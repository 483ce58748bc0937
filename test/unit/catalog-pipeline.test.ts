import { describe, expect, it } from 'vitest';
import type { CatalogPage, PortalItem } from '../../src/connectors/connector.js';
import { mapBounded } from '../../src/connectors/pacing.js';
import { readGridJson } from '../../src/connectors/grid-json.js';
import { runCatalogPipeline } from '../../src/domain/integrations/catalog-pipeline.js';

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

/** A portal of `pages` pages with two items each; `failAt` answers that page with an error. */
function portal(pages: number, failAt?: number) {
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchPage = async (page: number): Promise<CatalogPage> => {
    log.push(`fetch ${page}`);
    await new Promise((r) => setTimeout(r, 1));
    if (page === failAt) throw new Error(`page ${page} failed`);
    return { page, totalPages: pages, items: [item(`${page}a`), item(`${page}b`)] };
  };
  const written: { ids: string[]; nextPage: number }[] = [];
  const write = async (items: PortalItem[], nextPage: number) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    log.push(`write ${nextPage}`);
    await new Promise((r) => setTimeout(r, 5));
    written.push({ ids: items.map((i) => i.externalId), nextPage });
    inFlight -= 1;
  };
  return { log, written, fetchPage, write, maxInFlight: () => maxInFlight };
}

describe('catalog pipeline', () => {
  it('writes whole pages in batches, in page order, one write at a time, reading on meanwhile', async () => {
    const p = portal(5);
    const { pages } = await runCatalogPipeline({
      firstPage: 1,
      batchItems: 4,
      fetchPage: p.fetchPage,
      pace: async () => undefined,
      write: p.write,
    });
    expect(pages).toBe(5);
    expect(p.written).toEqual([
      { ids: ['1a', '1b', '2a', '2b'], nextPage: 3 },
      { ids: ['3a', '3b', '4a', '4b'], nextPage: 5 },
      { ids: ['5a', '5b'], nextPage: 6 },
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
        fetchPage: p.fetchPage,
        pace: async () => undefined,
        write: p.write,
      }),
    ).rejects.toThrow('page 4 failed');
    expect(p.written).toEqual([{ ids: ['2a', '2b', '3a', '3b'], nextPage: 4 }]);
  });

  it('stops at a failed write: nothing after it is written and its error surfaces', async () => {
    const p = portal(6);
    let calls = 0;
    await expect(
      runCatalogPipeline({
        firstPage: 1,
        batchItems: 2,
        fetchPage: p.fetchPage,
        pace: async () => undefined,
        write: async (items, next) => {
          calls += 1;
          if (calls === 2) throw new Error('database down');
          await p.write(items, next);
        },
      }),
    ).rejects.toThrow('database down');
    expect(p.written.map((w) => w.nextPage)).toEqual([2]);
    expect(calls).toBe(2);
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
