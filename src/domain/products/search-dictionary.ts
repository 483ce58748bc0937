import type { Executor } from '../../core/db.types.js';
import { TtlCache } from '../../core/ttl-cache.js';
import type { Vocabulary, WordMatches } from './products.search.js';
import { matchWord } from './products.search.js';
import * as terms from './search-terms.repository.js';

/** How long another instance's new catalog words may stay unknown to this one's typo and compound matching. */
export const DICTIONARY_REFRESH_MS = 10_000;

/**
 * The catalog's vocabulary (`search_terms`) held in memory, so compound and typo matching is a scan of a few
 * thousand strings in the API, not a query. The table only grows (a lexeme is never removed), so a refresh reads
 * what committed since the last one's snapshot. A write in this instance, or a catalog check that finds another's,
 * marks it stale and the next search waits for the refresh; otherwise other instances' words arrive within
 * DICTIONARY_REFRESH_MS (they are found as prefixes meanwhile).
 */
export class SearchDictionary implements Vocabulary {
  private readonly all = new Set<string>();
  private sorted: string[] = [];
  private letters: string[] = [];
  private snapshot: string | null = null;
  private loadedAt = -Infinity;
  private stale = true;
  private refreshing: Promise<void> | null = null;
  /** Stems never change; the matches of a word change when the vocabulary does. */
  private readonly stemCache = new TtlCache<string | null>(24 * 3600_000, 20_000);
  private matchCache = new TtlCache<WordMatches>(24 * 3600_000, 5_000);

  constructor(
    private readonly db: Executor,
    private readonly now: () => number = Date.now,
  ) {}

  /** Marks the vocabulary stale after a catalog write, in this instance or found by a catalog check. */
  invalidate(): void {
    this.stale = true;
  }

  /** Up to date enough to search with: waits for a first load or after a local write, else refreshes behind. */
  async ready(): Promise<void> {
    if (this.stale || this.snapshot === null) {
      await this.refresh();
      return;
    }
    if (this.now() - this.loadedAt > DICTIONARY_REFRESH_MS) void this.refresh().catch(() => undefined);
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      this.stale = false;
      this.loadedAt = this.now();
      try {
        const { snapshot, terms: read } = await terms.termsSince(this.db, this.snapshot);
        this.snapshot = snapshot;
        const added = read.filter((term) => !this.all.has(term));
        if (added.length > 0) {
          for (const term of added) this.all.add(term);
          this.sorted = [...this.all].sort();
          this.letters = this.sorted.filter((t) => /^[a-z]+$/.test(t));
          this.matchCache = new TtlCache<WordMatches>(24 * 3600_000, 5_000);
        }
      } catch (err) {
        this.stale = true;
        throw err;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  has(term: string): boolean {
    return this.all.has(term);
  }

  withPrefix(stem: string, limit: number): string[] {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sorted[mid] ?? '') < stem) lo = mid + 1;
      else hi = mid;
    }
    const out: string[] = [];
    for (const term of this.sorted.slice(lo, lo + limit + 1)) {
      if (!term.startsWith(stem)) break;
      out.push(term);
    }
    return out;
  }

  letterTerms(): readonly string[] {
    return this.letters;
  }

  /** Swedish stems of letter words, from the database's stemmer, remembered. */
  async stems(words: string[]): Promise<(string | null)[]> {
    const missing = [...new Set(words.filter((w) => this.stemCache.get(w) === undefined))];
    if (missing.length > 0) {
      const found = await terms.stems(this.db, missing);
      missing.forEach((w, i) => {
        this.stemCache.set(w, found[i] ?? null);
      });
    }
    return words.map((w) => this.stemCache.get(w) ?? null);
  }

  matches(word: string, stem: string | null, asTyped: boolean, tail: string | null = null): WordMatches {
    const key = `${word}|${stem ?? ''}|${asTyped ? 1 : 0}|${tail ?? ''}`;
    const cached = this.matchCache.get(key);
    if (cached) return cached;
    const found = matchWord(this, word, stem, asTyped, tail);
    this.matchCache.set(key, found);
    return found;
  }
}
