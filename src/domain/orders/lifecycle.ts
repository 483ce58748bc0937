import type { OrderStatus } from './orders.events.js';

/**
 * The order lifecycle as one transition table: which action moves which status to which, and which party
 * may do it. Enforced only here. `placed → confirmed → dispatched → delivered → invoiced`; cancellation from
 * placed (restaurant, supplier, admin) or confirmed (supplier with a reason, admin); cancelling returns stock.
 */
export type OrderAction = 'confirm' | 'dispatch' | 'deliver' | 'invoice' | 'cancel';
export type Party = 'restaurant' | 'supplier' | 'admin';

interface Transition {
  from: OrderStatus;
  to: OrderStatus;
  parties: Party[];
}

export const TRANSITIONS: Record<OrderAction, Transition[]> = {
  confirm: [{ from: 'placed', to: 'confirmed', parties: ['supplier', 'admin'] }],
  dispatch: [{ from: 'confirmed', to: 'dispatched', parties: ['supplier', 'admin'] }],
  deliver: [{ from: 'dispatched', to: 'delivered', parties: ['supplier', 'restaurant', 'admin'] }],
  invoice: [{ from: 'delivered', to: 'invoiced', parties: ['supplier', 'admin'] }],
  cancel: [
    { from: 'placed', to: 'cancelled', parties: ['restaurant', 'supplier', 'admin'] },
    { from: 'confirmed', to: 'cancelled', parties: ['supplier', 'admin'] },
  ],
};

export const ORDER_ACTIONS = Object.keys(TRANSITIONS) as OrderAction[];

export type TransitionCheck = { ok: true; to: OrderStatus } | { ok: false; reason: 'invalid' | 'forbidden' };

/** A move not in the table is invalid (409); one in the table but not for this party is forbidden (403). */
export function checkTransition(action: OrderAction, from: OrderStatus, party: Party): TransitionCheck {
  const transition = TRANSITIONS[action].find((t) => t.from === from);
  if (!transition) return { ok: false, reason: 'invalid' };
  if (!transition.parties.includes(party)) return { ok: false, reason: 'forbidden' };
  return { ok: true, to: transition.to };
}

/** Which timestamp column records arrival in a status. */
export const STATUS_TIMESTAMP: Partial<
  Record<OrderStatus, 'confirmedAt' | 'dispatchedAt' | 'deliveredAt' | 'invoicedAt' | 'cancelledAt'>
> = {
  confirmed: 'confirmedAt',
  dispatched: 'dispatchedAt',
  delivered: 'deliveredAt',
  invoiced: 'invoicedAt',
  cancelled: 'cancelledAt',
};
