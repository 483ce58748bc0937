import type { UserContext } from '../../core/context.js';
import type { Executor } from '../../core/db.types.js';
import { isMember, orgExists } from './forecasts.repository.js';

/** Planning for a restaurant (suggested orders, recommendations): its members and admins; nobody else sees it. */
export async function mayPlanFor(ex: Executor, ctx: UserContext, restaurantId: string): Promise<boolean> {
  if (ctx.principal.role === 'ADMIN') return orgExists(ex, 'restaurant', restaurantId);
  return (
    ctx.principal.role === 'RESTAURANT' && isMember(ex, 'restaurant', restaurantId, ctx.principal.accountId)
  );
}
