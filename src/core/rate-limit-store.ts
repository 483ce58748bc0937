import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

/**
 * A Redis store for @fastify/rate-limit shared by every API instance (fixed window: INCR + PEXPIRE in one
 * script). It reports store failures so the limiter can fail open and the failure is counted in a metric.
 */
const SCRIPT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}
`;

type IncrCallback = (err: Error | null, result?: { current: number; ttl: number }) => void;
type RedisWithScript = Redis & { irisRateLimit(key: string, windowMs: number): Promise<[number, number]> };

function withScript(redis: Redis): RedisWithScript {
  const client = redis as RedisWithScript;
  if (typeof client.irisRateLimit !== 'function')
    client.defineCommand('irisRateLimit', { numberOfKeys: 1, lua: SCRIPT });
  return client;
}

/** Counts one hit in the fixed window of `key`; the count so far and the window's remaining milliseconds. */
export async function countInWindow(
  redis: Redis,
  key: string,
  windowMs: number,
): Promise<{ current: number; ttl: number }> {
  const [current, ttl] = await withScript(redis).irisRateLimit(key, windowMs);
  return { current, ttl };
}

export function redisRateLimitStore(
  redis: Redis,
  onStoreError: (err: Error) => void,
): FastifyRateLimitStoreCtor {
  return class RedisRateLimitStore implements FastifyRateLimitStore {
    // The plugin constructs the store with its options; only children pass a prefix.
    constructor(
      _options?: unknown,
      private readonly prefix = 'iris:rl:',
    ) {}

    incr(key: string, callback: IncrCallback, timeWindow: number): void {
      countInWindow(redis, this.prefix + key, timeWindow).then(
        (counted) => {
          callback(null, counted);
        },
        (err: unknown) => {
          const error = err instanceof Error ? err : new Error(String(err));
          onStoreError(error);
          callback(error);
        },
      );
    }

    /** A route with its own limits counts in its own keys; the plugin passes the route as `routeInfo`. */
    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const route = (routeOptions as unknown as { routeInfo?: { method?: string | string[]; url?: string } })
        .routeInfo;
      const method = Array.isArray(route?.method) ? route.method.join(',') : (route?.method ?? '');
      return new RedisRateLimitStore(undefined, `${this.prefix}${method}${route?.url ?? ''}:`);
    }
  };
}
