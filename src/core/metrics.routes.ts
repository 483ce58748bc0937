import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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
 * The operator rule shared by /metrics and, in production, the API docs: a bearer METRICS_TOKEN or an address in
 * METRICS_ALLOW_CIDRS gets in; no credentials → 401, a wrong token → 403.
 */
export function operatorGate(config: Config['metrics']) {
  const allowed = buildBlockList(config.allowCidrs);
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer (.+)$/.exec(header);
      if (!config.token || !match?.[1] || !sameSecret(match[1], config.token)) {
        throw new DomainError('FORBIDDEN', 'The operator token is not valid');
      }
    } else if (!addressIn(allowed, request.ip)) {
      throw new DomainError(
        'UNAUTHENTICATED',
        'This needs the operator (metrics) token or an allow-listed address',
      );
    }
  };
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
  const gate = operatorGate(config);
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (request, reply) => {
    await gate(request);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
