import type { GuardedContext } from './browser.js';
import {
  type CardValues,
  type CatalogPage,
  ConnectorError,
  type ConnectorModule,
  type PortalItem,
} from './connector.js';
import { extractGtin } from './normalise.js';
import { type PacingSettings, TransientPortalError, withRetry } from './pacing.js';

/** The few DOM members the in-page extractors use (the project compiles without the DOM library). */
export interface DomElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(css: string): DomElement | null;
}

export interface CatalogReaderOptions {
  module: ConnectorModule;
  base: string;
  pacing: PacingSettings;
  timeoutMs: number;
  sel: (key: string) => string;
  goto: (g: GuardedContext, url: string) => Promise<void>;
}

/**
 * Reads catalog pages. The first page of a browser session is loaded and read as rendered, which proves the
 * session and every selector the grid needs; the following pages are read from the JSON the grid itself is drawn
 * from, fetched inside that signed-in page — no navigation, no rendering of 250 cards per page. JSON of an
 * unexpected shape, or any answer but 200 that is not worth a retry, falls back to the rendered page, so a portal
 * change still surfaces as broken selectors or an expired session.
 */
export function createCatalogReader(o: CatalogReaderOptions) {
  const { module, sel } = o;
  const rendered = new WeakSet<GuardedContext>();

  async function fromGrid(
    g: GuardedContext,
    page: number,
  ): Promise<{ totalPages: number; cards: CardValues[] }> {
    await o.goto(g, module.catalogPageUrl(o.base, page));
    await g.page.waitForSelector(`${sel('catalog.loaded')}, ${sel('catalog.error')}`);
    const failed = g.page.locator(sel('catalog.error'));
    if ((await failed.count()) > 0) {
      const status = Number(await failed.getAttribute('data-status'));
      throw new TransientPortalError(`catalog page ${page} failed with ${status}`, status === 429 ? 1000 : 0);
    }
    if ((await g.page.locator(sel('account.name')).count()) === 0) {
      throw new ConnectorError('session_expired', 'The supplier session has expired');
    }
    const grid = g.page.locator(sel('catalog.grid'));
    if ((await grid.count()) === 0)
      throw new ConnectorError('selectors_broken', 'Grid not found', ['catalog.grid']);
    const totalPages = Number(await grid.first().getAttribute('data-total-pages')) || page;
    // The function runs in the page: no named inner functions, which tsx's transform would wrap in a
    // `__name` helper that exists only in Node (the worker runs under tsx).
    const cards = await g.page.$$eval(
      sel('product.card'),
      (elements: unknown[], s) =>
        (elements as DomElement[]).map((card) => {
          const texts: Record<string, string | null> = {};
          for (const [field, css] of Object.entries(s.texts))
            texts[field] = card.querySelector(css)?.textContent?.trim() ?? null;
          return {
            article: card.getAttribute('data-article') ?? '',
            orderable: card.getAttribute('data-orderable') !== 'false',
            category: card.getAttribute('data-category'),
            name: texts.name ?? null,
            brand: texts.brand ?? null,
            pack: texts.pack ?? null,
            price: texts.price ?? null,
            comparison: texts.comparison ?? null,
            gtin: texts.gtin ?? null,
            available: card.querySelector(s.stock)?.getAttribute('data-available') !== 'false',
          };
        }),
      {
        texts: {
          name: sel('product.name'),
          brand: sel('product.brand'),
          pack: sel('product.pack'),
          price: sel('product.price'),
          comparison: sel('product.comparison'),
          gtin: sel('product.gtin'),
        },
        stock: sel('product.stock'),
      },
    );
    if (cards.length === 0 && page <= totalPages && totalPages > 1) {
      throw new ConnectorError('selectors_broken', 'No product cards found', ['product.card']);
    }
    return { totalPages, cards };
  }

  async function fromJson(g: GuardedContext, page: number) {
    const answer = await g.page.evaluate(
      async (a) => {
        try {
          const res = await fetch(a.url, {
            credentials: 'same-origin',
            headers: { accept: 'application/json' },
            signal: AbortSignal.timeout(a.timeoutMs),
          });
          return {
            status: res.status,
            body: res.ok ? await res.json().catch(() => null) : null,
          };
        } catch {
          return { status: 0, body: null };
        }
      },
      { url: module.api.catalogPath(page), timeoutMs: o.timeoutMs },
    );
    if (answer.status === 0 || answer.status === 429 || answer.status >= 500) {
      throw new TransientPortalError(
        `catalog page ${page} answered ${answer.status}`,
        answer.status === 429 ? 1000 : 0,
      );
    }
    return answer.status === 200 ? module.api.readCatalog(answer.body) : undefined;
  }

  function toItems(page: number, cards: CardValues[]): PortalItem[] {
    // A field missing on every card means its selector broke; writing such rows would corrupt the catalog.
    const broken = (['name', 'pack', 'price'] as const)
      .filter((f) => cards.length > 0 && cards.every((c) => c[f] === null))
      .map((f) => `product.${f}`);
    if (broken.length > 0)
      throw new ConnectorError('selectors_broken', `Product fields not found (page ${page})`, broken);
    const items: PortalItem[] = [];
    for (const c of cards) {
      const price = c.price ? module.parsePrice(c.price) : undefined;
      if (!c.article || !c.name || !price) continue;
      items.push({
        externalId: c.article,
        name: c.name,
        brand: c.brand,
        category: c.category,
        packText: c.pack ?? '',
        priceText: c.price ?? '',
        priceOre: price.ore,
        unit: price.unit,
        comparisonText: c.comparison,
        gtin: c.gtin ? extractGtin(c.gtin) : null,
        available: c.available,
        orderable: c.orderable,
      });
    }
    return items;
  }

  return async function catalogPage(g: GuardedContext, page: number): Promise<CatalogPage> {
    return withRetry(o.pacing, async () => {
      const read = (rendered.has(g) ? await fromJson(g, page) : undefined) ?? (await fromGrid(g, page));
      rendered.add(g);
      return { page, totalPages: read.totalPages, items: toItems(page, read.cards) };
    });
  };
}
