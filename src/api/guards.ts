import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { Principal, RequestContext, UserContext } from '../core/context.js';
import { DomainError } from '../core/errors.js';
import { bearerToken, type TokenVerifier } from '../core/security.js';
import type { AccountRole } from '../domain/accounts/accounts.models.js';
import type { AccountService } from '../domain/accounts/accounts.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
    /** Why the presented credentials were refused; raised by the route's guard, after rate limiting. */
    authFailure: DomainError | undefined;
  }
  interface FastifyContextConfig {
    /** Marks a route that needs no signed-in caller (login). Every other /api/v1 route must carry a guard. */
    public?: boolean;
  }
}

const GUARD = Symbol('iris.guard');
type Guard = preValidationAsyncHookHandler & { [GUARD]: true };

export function contextOf(request: FastifyRequest): RequestContext {
  return {
    principal: request.principal,
    requestId: request.id,
    ip: request.ip,
    userAgent: request.headers['user-agent'],
  };
}

/** The caller of a route guarded by `requireRole`, which guarantees a user principal. */
export function userContext(request: FastifyRequest): UserContext {
  const ctx = contextOf(request);
  if (ctx.principal?.kind !== 'user') throw new DomainError('UNAUTHENTICATED', 'Sign in as a user');
  return ctx as UserContext;
}

/**
 * Resolves `Authorization` into `request.principal` before rate limiting, so limits can be kept per account
 * and service tokens can be exempted. Failures are held, not thrown, until the route's guard runs.
 */
export function registerAuthentication(
  app: FastifyInstance,
  verifier: TokenVerifier,
  accounts: AccountService,
): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('authFailure', undefined);
  app.addHook('onRequest', async (request) => {
    if (request.headers.authorization === undefined || request.routeOptions.config.public) return;
    try {
      const verified = await verifier.verify(bearerToken(request.headers.authorization));
      request.principal = await accounts.resolvePrincipal(contextOf(request), verified);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      request.authFailure = err;
    }
  });
}

/** spec §6 `require_role`: 401 without valid credentials, 403 for a role not listed (and for service tokens). */
export function requireRole(...roles: AccountRole[]): Guard {
  const guard = async (request: FastifyRequest) => {
    if (request.authFailure) throw request.authFailure;
    const principal = request.principal;
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'Missing Authorization header');
    if (principal.kind !== 'user')
      throw new DomainError('FORBIDDEN', 'Service tokens cannot use this endpoint');
    if (!roles.includes(principal.role)) {
      throw new DomainError('FORBIDDEN', `This endpoint needs one of the roles ${roles.join(', ')}`);
    }
  };
  return Object.assign(guard, { [GUARD]: true as const });
}

export const ANY_ROLE: AccountRole[] = ['ADMIN', 'SUPPLIER', 'RESTAURANT'];

export function hasGuard(hooks: unknown): boolean {
  const list: unknown[] = Array.isArray(hooks) ? hooks : [hooks];
  return list.some((h) => typeof h === 'function' && GUARD in h);
}
