import type { UserContext } from '../../core/context.js';
import type { Executor } from '../../core/db.types.js';
import { findMembership } from '../organisations/organisations.repository.js';
import type { Party } from './lifecycle.js';
import * as e from './orders.errors.js';
import type { OrderRow } from './orders.models.js';
import { findOrder } from './orders.repository.js';

/**
 * Which party to an order the caller is: an admin, a member of its restaurant, or a member of its supplier.
 * Anyone else gets the order's 404 — never a 403 that would confirm it exists.
 */
export async function partyOf(ex: Executor, ctx: UserContext, order: OrderRow): Promise<Party> {
  if (ctx.principal.role === 'ADMIN') return 'admin';
  if (
    ctx.principal.role === 'RESTAURANT' &&
    (await findMembership(ex, 'restaurant', ctx.principal.accountId, order.restaurantId))
  ) {
    return 'restaurant';
  }
  if (
    ctx.principal.role === 'SUPPLIER' &&
    (await findMembership(ex, 'supplier', ctx.principal.accountId, order.supplierId))
  ) {
    return 'supplier';
  }
  throw e.orderNotFound(order.id);
}

/** An order the caller is a party to, or its 404. */
export async function visibleOrder(ex: Executor, ctx: UserContext, id: string): Promise<OrderRow> {
  const order = await findOrder(ex, id);
  if (!order) throw e.orderNotFound(id);
  await partyOf(ex, ctx, order);
  return order;
}
