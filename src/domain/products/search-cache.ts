import { TtlCache } from '../../core/ttl-cache.js';
import type { CatalogChanges } from './catalog-changes.js';

export interface SearchCacheSettings {
  ttlMs: number;
  maxEntries: number;
  /** What catalog_writes does not note (stock) is read again for a kept page at this age. */
  maxAgeMs: number;
}

/**
 * A kept page is ranked again at an age drawn between half this and this (the popularity job's period, which
 * rewrites the ranking's popularity signal unnoted): spread out, so pages computed together, as a warm-up's are,
 * are not all recomputed in the same second.
 */
export const RANKING_MAX_AGE_MS = 600_000;

/** Reads again, for a kept page, what changes without a catalog write; absent when only a recomputation will do. */
export type Restock<P> = (page: P) => Promise<P>;

interface Cached<P> {
  page: P;
  /** The catalog check taken before the page was computed (null: the check failed, never kept past its TTL). */
  checkpoint: number | null;
  computedAt: number;
  /** When its stock was read: at computation, then at each restock. */
  stockedAt: number;
  /** Age at which it is computed again however unchanged the catalog. */
  rankingMaxAgeMs: number;
}

/**
 * Search pages of this instance. A page lives `ttlMs`; a hit in the last quarter of its life, or the first ask after
 * it, renews it: kept for another `ttlMs` when no catalog write committed since it was computed (one check a second
 * for the whole instance, CatalogChanges), computed again otherwise. A kept page `maxAgeMs` old has its stock read
 * again (`restock`, one lookup by id) or, for a page whose rows depend on stock, is computed again; past its ranking
 * age it is computed again in any case. So a write anywhere reaches every instance's pages within the TTL, and an
 * unchanged catalog costs no recomputation. The same page asked for while it is being computed or renewed waits
 * for that work instead of repeating it.
 */
export class SearchCache<P> {
  private readonly pages: TtlCache<Cached<P>>;
  private readonly inFlight = new Map<string, Promise<P>>();
  private readonly refreshAheadMs: number;
  // Bumped by every catalog write in this instance: work that began before a write is not cached after it.
  private generation = 0;

  constructor(
    private readonly settings: SearchCacheSettings,
    private readonly changes: CatalogChanges,
    private readonly now: () => number = Date.now,
  ) {
    this.pages = new TtlCache(settings.ttlMs, settings.maxEntries, now);
    this.refreshAheadMs = settings.ttlMs / 4;
  }

  get enabled(): boolean {
    return this.pages.enabled;
  }

  async get(key: string, compute: () => Promise<P>, restock?: Restock<P>): Promise<P> {
    if (!this.enabled) return compute();
    const hit = this.pages.lookup(key, true);
    if (hit && hit.remainingMs > 0) {
      // A renewal that fails leaves the page to expire; the next search then meets the error itself.
      if (hit.remainingMs <= this.refreshAheadMs && !this.inFlight.has(key)) {
        this.track(key, this.renew(key, hit.value, compute, restock)).catch(() => undefined);
      }
      return hit.value.page;
    }
    return (
      this.inFlight.get(key) ??
      this.track(key, hit ? this.renew(key, hit.value, compute, restock) : this.fill(key, compute))
    );
  }

  /** Marks a page as just used, so it is the last to be evicted (a warm-up's most asked pages). */
  touch(key: string): void {
    this.pages.lookup(key, true);
  }

  /** After a catalog write in this instance: nothing cached or being computed before it is served after it. */
  clear(): void {
    this.generation += 1;
    this.pages.clear();
    this.inFlight.clear();
  }

  private track(key: string, work: Promise<P>): Promise<P> {
    const tracked = work.finally(() => {
      if (this.inFlight.get(key) === tracked) this.inFlight.delete(key);
    });
    this.inFlight.set(key, tracked);
    return tracked;
  }

  private async fill(key: string, compute: () => Promise<P>): Promise<P> {
    const started = this.generation;
    const checkpoint = await this.changes.current().then(
      (c) => c.id,
      () => null,
    );
    const computedAt = this.now();
    const page = await compute();
    const rankingMaxAgeMs = Math.max(this.settings.maxAgeMs, RANKING_MAX_AGE_MS * (0.5 + Math.random() / 2));
    const cached = { page, checkpoint, computedAt, stockedAt: computedAt, rankingMaxAgeMs };
    // It shows what had committed when it was computed, so it lives from then: a later write is seen within the TTL.
    if (this.generation === started) this.pages.set(key, cached, computedAt);
    return page;
  }

  private async renew(
    key: string,
    cached: Cached<P>,
    compute: () => Promise<P>,
    restock: Restock<P> | undefined,
  ): Promise<P> {
    const started = this.generation;
    const now = this.now();
    const stockDue = now - cached.stockedAt >= this.settings.maxAgeMs;
    const keepable = restock !== undefined || !stockDue;
    if (cached.checkpoint !== null && keepable && now - cached.computedAt < cached.rankingMaxAgeMs) {
      const check = await this.changes.unchangedSince(cached.checkpoint).catch(() => null);
      if (check?.unchanged) {
        let kept = cached;
        if (stockDue && restock) {
          const stockedAt = this.now();
          const restocked = await restock(cached.page).then(
            (page) => ({ page }),
            () => null,
          );
          if (!restocked) return this.fill(key, compute);
          kept = { ...cached, page: restocked.page, stockedAt };
        }
        // Vouched for as of the check, so it lives from then: a write after it is seen within the TTL.
        if (this.generation === started) this.pages.set(key, kept, check.checkpoint.at);
        return kept.page;
      }
    }
    return this.fill(key, compute);
  }
}
