import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { DomainError } from './errors.js';
import type { HttpMetrics } from './metrics.js';
import { addressIn, buildBlockList } from './net.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GET /metrics for Prometheus (spec §13): never public. A bearer METRICS_TOKEN or an address in
 * METRICS_ALLOW_CIDRS gets in; no credentials → 401, a wrong token → 403.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  metrics: Pick<HttpMetrics, 'registry'>,
  config: Config['metrics'],
): void {
  const allowed = buildBlockList(config.allowCidrs);
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (request, reply) => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer (.+)$/.exec(header);
      if (!config.token || !match?.[1] || !sameSecret(match[1], config.token)) {
        throw new DomainError('FORBIDDEN', 'The metrics token is not valid');
      }
    } else if (!addressIn(allowed, request.ip)) {
      throw new DomainError('UNAUTHENTICATED', 'Metrics need a bearer token or an allow-listed address');
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
