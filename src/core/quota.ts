import type { Redis } from 'ioredis';
import { countInWindow } from './rate-limit-store.js';

/** The state of one rate-limit policy for one caller, as the RateLimit header fields report it. */
export interface QuotaState {
  /** The policy's name in `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers). */
  policy: string;
  limit: number;
  remaining: number;
  windowSeconds: number;
  /** Seconds until the window resets (Retry-After when exceeded). */
  resetSeconds: number;
}

export interface QuotaDecision extends QuotaState {
  allowed: boolean;
}

/** A fixed-window budget per key, beside the plugin-managed per-account limit (e.g. orders per restaurant). */
export interface Quota {
  take(key: string): Promise<QuotaDecision>;
}

/**
 * A budget of `limit` hits per `windowMs` per key: in Redis when given (one shared budget for every instance, the
 * same script as the request limiter), else in this process. A Redis failure fails open, as the request limiter
 * does, and is reported to `onStoreError`.
 */
export function createQuota(options: {
  policy: string;
  limit: number;
  windowMs: number;
  redis?: Redis | undefined;
  prefix?: string;
  onStoreError?: (err: Error) => void;
  now?: () => number;
}): Quota {
  const { policy, limit, windowMs } = options;
  const prefix = options.prefix ?? `iris:quota:${policy}:`;
  const now = options.now ?? Date.now;
  const local = new Map<string, { count: number; resetAt: number }>();
  const windowSeconds = Math.ceil(windowMs / 1000);

  const countLocally = (key: string) => {
    const at = now();
    let entry = local.get(key);
    if (!entry || entry.resetAt <= at) {
      // Expired windows are dropped as they are met, and all of them once the map grows large.
      if (local.size > 10_000) for (const [k, v] of local) if (v.resetAt <= at) local.delete(k);
      entry = { count: 0, resetAt: at + windowMs };
      local.set(key, entry);
    }
    entry.count += 1;
    return { current: entry.count, ttl: entry.resetAt - at };
  };

  return {
    async take(key) {
      let counted: { current: number; ttl: number };
      try {
        counted = options.redis
          ? await countInWindow(options.redis, prefix + key, windowMs)
          : countLocally(key);
      } catch (err) {
        options.onStoreError?.(err instanceof Error ? err : new Error(String(err)));
        return { policy, limit, remaining: limit, windowSeconds, resetSeconds: windowSeconds, allowed: true };
      }
      return {
        policy,
        limit,
        remaining: Math.max(0, limit - counted.current),
        windowSeconds,
        resetSeconds: Math.max(1, Math.ceil(counted.ttl / 1000)),
        allowed: counted.current <= limit,
      };
    },
  };
}
