import type { FastifyReply } from 'fastify';
import type { QuotaState } from './quota.js';

/**
 * The IETF `RateLimit-Policy` and `RateLimit` fields (draft-ietf-httpapi-ratelimit-headers), beside the
 * `X-RateLimit-*` ones: `RateLimit-Policy: "default";q=300;w=60` (quota q per window w seconds) and
 * `RateLimit: "default";r=299;t=42` (r remaining, t seconds to the reset). Each policy that applied to the
 * request adds its item to the list.
 */
export function addRateLimitFields(reply: FastifyReply, state: QuotaState): void {
  append(reply, 'ratelimit-policy', `"${state.policy}";q=${state.limit};w=${state.windowSeconds}`);
  append(reply, 'ratelimit', `"${state.policy}";r=${state.remaining};t=${state.resetSeconds}`);
}

function append(reply: FastifyReply, name: string, item: string): void {
  const current = reply.getHeader(name);
  const items = typeof current === 'string' && current.length > 0 ? current.split(', ') : [];
  if (items.some((existing) => existing.split(';')[0] === item.split(';')[0])) return;
  void reply.header(name, [...items, item].join(', '));
}

/** The fields of the per-account request budget, read from the X-RateLimit-* headers the limiter has set. */
export function addRequestBudgetFields(reply: FastifyReply, policy: string, windowMs: number): void {
  const limit = Number(reply.getHeader('x-ratelimit-limit'));
  const remaining = Number(reply.getHeader('x-ratelimit-remaining'));
  const reset = Number(reply.getHeader('x-ratelimit-reset'));
  if (![limit, remaining, reset].every(Number.isFinite)) return;
  addRateLimitFields(reply, {
    policy,
    limit,
    remaining,
    windowSeconds: Math.ceil(windowMs / 1000),
    resetSeconds: reset,
  });
}
