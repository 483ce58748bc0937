import type { AccountRole } from '../domain/accounts/accounts.models.js';

/** Who is calling. Users carry the role from their account row, never from token claims. */
export type UserPrincipal = { kind: 'user'; accountId: string; role: AccountRole; email: string };
export type ServicePrincipal = { kind: 'service'; name: string; scopes: string[] };
export type Principal = UserPrincipal | ServicePrincipal;

/** What a service needs to know about the request: the caller and the facts the audit log records. */
export interface RequestContext {
  principal: Principal | undefined;
  requestId: string;
  ip: string;
  userAgent: string | undefined;
}

export interface UserContext extends RequestContext {
  principal: UserPrincipal;
}
