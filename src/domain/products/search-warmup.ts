import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { TimeoutError, withTimeout } from '../../core/timeout.js';

/** Searches are counted per hour; a warm-up reads this hour's counts and the last hour's. */
const BUCKET_MS = 3_600_000;
/** Counts go to Redis at most this often: one round trip per instance, not one per search. */
export const POPULAR_FLUSH_MS = 5_000;
/** Distinct searches counted between two flushes; further new ones wait for the next (counts are a hint). */
const MAX_PENDING = 20_000;
/** Pages computed side by side while warming: enough to keep the database busy, few enough to leave it room. */
const WARMUP_CONCURRENCY = 4;
/** Redis calls at start and at shutdown give up after this long: an unresponsive Redis must not hold either. */
const REDIS_WAIT_MS = 2_000;

/** Waits for `work` at most `ms` (it goes on, unheeded); its own failure still fails the wait. */
const within = (work: Promise<unknown>, ms: number): Promise<unknown> =>
  withTimeout(work, ms).catch((err: unknown) => {
    if (!(err instanceof TimeoutError)) throw err;
  });

export interface SearchWarmupSettings {
  /** How many of the most asked searches a starting instance computes; 0 turns counting and warming off. */
  queries: number;
  /** A warm-up stops after this long and the instance serves with what it has. */
  budgetMs: number;
}

export interface WarmupStatus {
  state: 'off' | 'warming' | 'done';
  warmed: number;
  planned: number;
}

/**
 * How often each search is asked across the fleet: every instance counts its searches in memory and adds the counts
 * to an hourly sorted set in Redis every few seconds. The members are search requests (no account, no restaurant),
 * kept two hours.
 */
export class PopularSearches {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    /** The deployment's Redis namespace (JOB_QUEUE_PREFIX) and this feature's. */
    private readonly keyPrefix: string,
    /** Members an hour's set keeps, the most counted: what a warm-up reads, with room for risers. */
    private readonly keep: number,
    private readonly now: () => number = Date.now,
  ) {}

  record(search: string): void {
    const count = this.pending.get(search);
    if (count === undefined && this.pending.size >= MAX_PENDING) return;
    this.pending.set(search, (count ?? 0) + 1);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      // Lost counts only make a later warm-up a little less apt: nothing to retry or report.
      this.flush().catch(() => undefined);
    }, POPULAR_FLUSH_MS).unref();
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const key = this.bucketKey(this.now());
    const tx = this.redis.multi();
    for (const [search, count] of batch) tx.zincrby(key, count, search);
    // Every distinct search (each prefix typed, each page) is a member: the long tail is trimmed, not kept.
    tx.zremrangebyrank(key, 0, -(this.keep + 1));
    tx.pexpire(key, 2 * BUCKET_MS + 60_000);
    await tx.exec();
  }

  /** The `limit` searches asked most this hour and the last, most asked first. */
  async top(limit: number): Promise<string[]> {
    const now = this.now();
    const union = `${this.keyPrefix}union:${randomUUID()}`;
    const replies = await this.redis
      .multi()
      .zunionstore(union, 2, this.bucketKey(now), this.bucketKey(now - BUCKET_MS))
      .zrevrange(union, 0, limit - 1)
      .del(union)
      .exec();
    if (!replies) throw new Error('the popular-search transaction was discarded');
    for (const [err] of replies) if (err) throw err;
    return (replies[1]?.[1] ?? []) as string[];
  }

  /** Stops the timer and sends what is counted (if Redis is away or slow, the counts are dropped: shutdown goes on). */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await within(
      this.flush().catch(() => undefined),
      REDIS_WAIT_MS,
    );
  }

  private bucketKey(at: number): string {
    return `${this.keyPrefix}${Math.floor(at / BUCKET_MS)}`;
  }
}

/**
 * A starting instance's search cache is empty, and every distinct search it is asked costs a ranked query at first:
 * at a fleet's few thousand live searches that is tens of CPU-seconds during which hits queue behind misses. So it
 * computes the searches the fleet asks most before it reports ready (readiness says `warming` meanwhile), within a
 * time budget, and serves the rest as they come.
 */
export class SearchWarmup {
  private status: WarmupStatus = { state: 'off', warmed: 0, planned: 0 };
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly popular: PopularSearches | undefined,
    private readonly settings: SearchWarmupSettings,
    private readonly now: () => number = Date.now,
  ) {}

  get progress(): WarmupStatus {
    return { ...this.status };
  }

  /** Counts a search towards what later instances warm. */
  record(search: string): void {
    if (this.settings.queries > 0) this.popular?.record(search);
  }

  /**
   * Computes the most asked searches, at most `room` of them, with `warmOne` (failures are skipped); the status says
   * how far it got. It is done at the budget's end whatever is still running (a slow Redis or database included).
   */
  async run(warmOne: (search: string) => Promise<void>, room = Infinity): Promise<WarmupStatus> {
    const popular = this.popular;
    if (!popular || this.settings.queries === 0 || this.settings.budgetMs === 0) return this.progress;
    const deadline = this.now() + this.settings.budgetMs;
    this.status = { state: 'warming', warmed: 0, planned: 0 };
    const work = async () => {
      const searches = await popular.top(Math.min(this.settings.queries, room));
      this.status.planned = searches.length;
      let next = 0;
      const worker = async () => {
        while (!this.stopped && next < searches.length && this.now() < deadline) {
          const search = searches[next++] ?? '';
          // One bad or failing search must not hold the instance out of service: it is skipped.
          const warmed = await warmOne(search).then(
            () => true,
            () => false,
          );
          if (warmed) this.status.warmed += 1;
        }
      };
      await Promise.all(Array.from({ length: WARMUP_CONCURRENCY }, worker));
    };
    this.running = work();
    try {
      await within(this.running, deadline - this.now());
    } finally {
      this.status.state = 'done';
    }
    return this.progress;
  }

  /** Stops a warm-up under way and sends the counts not yet sent. */
  async close(): Promise<void> {
    this.stopped = true;
    // Searches being computed end on their own; shutdown waits a little for them before the pool closes.
    await within(this.running?.catch(() => undefined) ?? Promise.resolve(), REDIS_WAIT_MS);
    await this.popular?.close();
  }
}
