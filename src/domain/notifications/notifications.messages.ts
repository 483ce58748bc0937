import type { EventPayload, EventType } from '../../core/events.js';
import type { OrderStatus } from '../orders/orders.events.js';
import type { OrgKind } from '../organisations/organisations.repository.js';
import type { PushMessage } from './notifications.fcm.js';

/** The events the notification job is routed (order events); other domains' events notify nobody. */
type NotifiableType = Extract<EventType, 'order.placed' | 'order.status_changed'>;

/** An outbox event as the notification job receives it, its payload already parsed. */
export type NotifiableEvent = {
  [T in NotifiableType]: { id: string; type: T; occurredAt: string; payload: EventPayload<T> };
}[NotifiableType];

/** Whose members get a push for an event, and what it says (spec §10). */
export interface Audience {
  kind: OrgKind;
  orgId: string;
  message: PushMessage;
}

const STATUS_MESSAGES: Partial<Record<OrderStatus, { title: string; body: string }>> = {
  confirmed: { title: 'Order confirmed', body: 'Your supplier confirmed your order.' },
  dispatched: { title: 'Order on its way', body: 'Your order has been dispatched.' },
  delivered: { title: 'Order delivered', body: 'Your order has been delivered.' },
  cancelled: { title: 'Order cancelled', body: 'Your order was cancelled.' },
};

function formatAmount(cents: number, currency: string): string {
  return `${new Intl.NumberFormat('sv-SE', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100)} ${currency}`;
}

/**
 * `order.placed` goes to the supplier's members; `order.status_changed` to confirmed, dispatched, delivered or
 * cancelled goes to the restaurant's members; anything else notifies nobody by push.
 */
export function pushAudience(event: NotifiableEvent): Audience | undefined {
  const base = { event_id: event.id, event_type: event.type, order_id: event.payload.order_id };
  if (event.type === 'order.placed') {
    const p = event.payload;
    return {
      kind: 'supplier',
      orgId: p.supplier_id,
      message: {
        title: 'New order',
        body: `A restaurant placed an order of ${formatAmount(p.total_cents, p.currency)}.`,
        data: base,
      },
    };
  }
  const text = STATUS_MESSAGES[event.payload.to];
  if (!text) return undefined;
  return {
    kind: 'restaurant',
    orgId: event.payload.restaurant_id,
    message: { ...text, data: { ...base, status: event.payload.to } },
  };
}

/** The body a supplier's webhook receives: the event's id, type, time and its ids-only payload. */
export function webhookBody(event: NotifiableEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    created_at: event.occurredAt,
    data: event.payload,
  });
}
