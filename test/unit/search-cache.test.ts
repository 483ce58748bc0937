import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../src/core/ttl-cache.js';
import type { CatalogChanges } from '../../src/domain/products/catalog-changes.js';
import { SearchCache } from '../../src/domain/products/search-cache.js';
import { fold, looksLikeCode, words } from '../../src/domain/products/products.search.js';
import { validGtin } from '../../src/domain/products/gtin.js';

describe('TTL cache', () => {
  it('expires entries after the TTL and evicts the least recently used', () => {
    let now = 0;
    const cache = new TtlCache<number>(1000, 2, () => now);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3); // evicts b, the least recently used
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    now = 1000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('stores nothing when disabled', () => {
    const cache = new TtlCache<number>(0, 100);
    cache.set('a', 1);
    expect(cache.enabled).toBe(false);
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('query understanding', () => {
  it('folds case and Swedish diacritics like iris_fold', () => {
    expect(fold('Kycklingfilé Å Ä Ö')).toBe('kycklingfile a a o');
    expect(words('  Gul lök, 2 kg!! ')).toEqual(['gul', 'lok', '2', 'kg']);
  });

  it('folds letters unaccent maps to other letters', () => {
    expect(words('Smørbukk Straße Ærø')).toEqual(['smorbukk', 'strasse', 'aero']);
    expect(words('!!!')).toEqual([]);
  });

  it('reads single tokens with digits as codes', () => {
    expect(looksLikeCode('KF-1001')).toBe(true);
    expect(looksLikeCode('7310000000010')).toBe(true);
    expect(looksLikeCode('kyckling')).toBe(false);
    expect(looksLikeCode('gul lök 2')).toBe(false);
  });

  it('validates GTIN check digits', () => {
    expect(validGtin('4006381333931')).toBe(true);
    expect(validGtin('96385074')).toBe(true);
    expect(validGtin('4006381333932')).toBe(false);
    expect(validGtin('12345')).toBe(false);
  });
});

describe('search page lifetime', () => {
  /** A catalog check that always finds a write, so every renewal computes the page again. */
  const alwaysChanged = (now: () => number) =>
    ({
      current: async () => ({ id: 1, snapshot: '', at: now() }),
      unchangedSince: async () => ({ unchanged: false, checkpoint: { id: 1, snapshot: '', at: now() } }),
    }) as unknown as CatalogChanges;

  it('counts a computed page’s TTL from when its computation began, not from when it ended', async () => {
    let now = 1_000_000;
    const cache = new SearchCache<string>(
      { ttlMs: 60_000, maxEntries: 10, maxAgeMs: 120_000 },
      alwaysChanged(() => now),
      () => now,
    );
    let computed = 0;
    const slowCompute = async () => {
      computed += 1;
      now += 5_000; // a search that takes 5 s of this clock
      return `page ${computed}`;
    };
    expect(await cache.get('q', slowCompute)).toBe('page 1');
    now = 1_000_000 + 60_000; // a TTL after the computation began, 55 s after it ended
    // Expired, so this search waits for a fresh page rather than being served the old one.
    expect(await cache.get('q', slowCompute)).toBe('page 2');
  });
});
