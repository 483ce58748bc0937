import type { Executor } from '../../core/db.types.js';
import { catalogWritesSince } from './catalog-writes.repository.js';

/** Catalog writes are noted for this long (the products.catalog-writes-prune job deletes older notes). */
export const CATALOG_WRITES_KEPT_MS = 3_600_000;
/** At most one check a second per instance, however many pages are being renewed. */
export const CATALOG_CHECK_INTERVAL_MS = 1_000;

/** A check of the catalog: its number in this instance, the snapshot it read and when it was made. */
export interface Checkpoint {
  id: number;
  snapshot: string;
  at: number;
}

/**
 * Tells whether the catalog changed since a checkpoint, whoever wrote it (catalog_writes, migration 0033).
 * Check n compares with check n − 1's snapshot; a page computed after check c reflects every write visible to c,
 * so it is unchanged while no later check found a write.
 */
export class CatalogChanges {
  private latest: Checkpoint | null = null;
  private lastChangeAt = 0;
  private checking: Promise<Checkpoint> | null = null;

  constructor(
    private readonly db: Executor,
    private readonly now: () => number = Date.now,
    /** Told when a check finds a write, before the checkpoint is handed out: what it vouches for is then fresh. */
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** A checkpoint at most CATALOG_CHECK_INTERVAL_MS old: take it before computing what it will vouch for. */
  current(): Promise<Checkpoint> {
    const latest = this.latest;
    if (latest && this.now() - latest.at < CATALOG_CHECK_INTERVAL_MS) return Promise.resolve(latest);
    this.checking ??= this.check().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  /** Whether no catalog write committed after checkpoint `id`, as of the checkpoint returned with the answer. */
  async unchangedSince(id: number): Promise<{ unchanged: boolean; checkpoint: Checkpoint }> {
    const checkpoint = await this.current();
    return { unchanged: this.lastChangeAt <= id, checkpoint };
  }

  private async check(): Promise<Checkpoint> {
    const previous = this.latest;
    const at = this.now();
    // Notes older than CATALOG_WRITES_KEPT_MS may be gone: a comparison with a snapshot that old could miss one.
    const since = previous && at - previous.at < CATALOG_WRITES_KEPT_MS / 2 ? previous.snapshot : null;
    const { snapshot, changed } = await catalogWritesSince(this.db, since);
    const checkpoint = { id: (previous?.id ?? 0) + 1, snapshot, at };
    if (changed) {
      this.lastChangeAt = checkpoint.id;
      this.onChange();
    }
    this.latest = checkpoint;
    return checkpoint;
  }
}
