/** Politeness and resilience around portal calls (spec §11 "Randomize request timing"). */

export interface PacingSettings {
  /** Pause between two page loads of one session: base plus a random jitter. */
  delayMs: number;
  jitterMs: number;
  /** Attempts per page load or cart line, the first included. */
  attempts: number;
  /** First backoff; doubles per attempt, with full jitter. */
  backoffMs: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function pause(settings: PacingSettings): Promise<void> {
  return sleep(settings.delayMs + Math.random() * settings.jitterMs);
}

/** A failure worth another attempt: a timeout, a 429 or a 5xx from the portal. */
export class TransientPortalError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransientPortalError';
  }
}

const isTransient = (err: unknown) =>
  err instanceof TransientPortalError || (err instanceof Error && err.name === 'TimeoutError');

export async function withRetry<T>(settings: PacingSettings, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isTransient(err) || attempt >= settings.attempts) throw err;
      const backoff = Math.random() * settings.backoffMs * 2 ** (attempt - 1);
      const floor = err instanceof TransientPortalError ? (err.retryAfterMs ?? 0) : 0;
      await sleep(Math.max(backoff, Math.min(floor, 10_000)));
    }
  }
}

/** Per-supplier concurrency limit inside one process. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so the limit holds without a race.
    if (this.active < this.limit) this.active += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}

/** Maps items with at most `limit` calls in flight; results in input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
