import { Redis } from 'ioredis';

/**
 * The API's Redis connection (rate limits, readiness). It fails fast instead of queueing commands while
 * Redis is down, so a Redis outage degrades features rather than hanging requests.
 * Worker connections (BullMQ) are created separately with `maxRetriesPerRequest: null`.
 */
export function createApiRedis(url: string): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}
