/**
 * A small in-process LRU whose entries live `ttlMs`. Used for search pages and for signed-in accounts: what it
 * holds may be up to `ttlMs` stale in other API instances, so every user documents that bound.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0 && this.maxEntries > 0;
  }

  get(key: string): V | undefined {
    return this.lookup(key)?.value;
  }

  /**
   * The value and how long it has left to live, for a caller that refreshes entries ahead of their expiry. With
   * `expired`, an entry past its life is returned too (remainingMs ≤ 0), for a caller that can vouch for it again.
   */
  lookup(key: string, expired = false): { value: V; remainingMs: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const remainingMs = entry.expires - this.now();
    if (remainingMs <= 0 && !expired) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-insert to mark as most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return { value: entry.value, remainingMs };
  }

  /** Stores `value` to live `ttlMs` from `from` (now by default: an entry vouched for as of then lives from then). */
  set(key: string, value: V, from = this.now()): void {
    if (!this.enabled) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: from + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
