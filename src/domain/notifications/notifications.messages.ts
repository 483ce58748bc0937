import type { EventPayload, EventType } from '../../core/events.js';
import type { OrderStatus } from '../orders/orders.events.js';
import type { OrgKind } from '../organisations/organisations.repository.js';
import type { PushMessage } from './notifications.fcm.js';

/** The events the notification job is routed (EVENT_ROUTES): orders, disputed supplier invoices, card payments. */
type NotifiableType = Extract<
  EventType,
  'order.placed' | 'order.status_changed' | 'supplier_invoice.disputed' | `payment.${string}`
>;

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
 * cancelled goes to the restaurant's members; `supplier_invoice.disputed` (a credit-note request) goes to the
 * supplier's members; anything else notifies nobody by push.
 */
export function pushAudience(event: NotifiableEvent): Audience | undefined {
  const base = { event_id: event.id, event_type: event.type };
  switch (event.type) {
    case 'order.placed': {
      const p = event.payload;
      return {
        kind: 'supplier',
        orgId: p.supplier_id,
        message: {
          title: 'New order',
          body: `A restaurant placed an order of ${formatAmount(p.total_cents, p.currency)}.`,
          data: { ...base, order_id: p.order_id },
        },
      };
    }
    case 'order.status_changed': {
      const text = STATUS_MESSAGES[event.payload.to];
      if (!text) return undefined;
      return {
        kind: 'restaurant',
        orgId: event.payload.restaurant_id,
        message: { ...text, data: { ...base, order_id: event.payload.order_id, status: event.payload.to } },
      };
    }
    case 'supplier_invoice.disputed': {
      const p = event.payload;
      return {
        kind: 'supplier',
        orgId: p.supplier_id,
        message: {
          title: 'Invoice disputed',
          body: `A restaurant disputed an invoice and requests a credit note of ${formatAmount(p.disputed_cents, p.currency)}.`,
          data: { ...base, supplier_invoice_id: p.supplier_invoice_id },
        },
      };
    }
    default:
      return isPaymentEvent(event)
        ? paymentAudience(event, { ...base, order_id: event.payload.order_id })
        : undefined;
  }
}

type PaymentEvent = Extract<NotifiableEvent, { type: `payment.${string}` }>;

const isPaymentEvent = (event: NotifiableEvent): event is PaymentEvent => event.type.startsWith('payment.');

/**
 * Card payments (the payments domain): the restaurant hears about its charge, refunds, failures and a lapsed
 * authorisation it must confirm again; the supplier hears about authorisations and disputes.
 */
function paymentAudience(event: PaymentEvent, base: Record<string, string>): Audience {
  const p = event.payload;
  const data = { ...base, payment_status: p.status };
  const restaurant = (title: string, body: string): Audience => ({
    kind: 'restaurant',
    orgId: p.restaurant_id,
    message: { title, body, data },
  });
  const supplier = (title: string, body: string): Audience => ({
    kind: 'supplier',
    orgId: p.supplier_id,
    message: { title, body, data },
  });
  switch (event.type) {
    case 'payment.authorised':
      return supplier(
        'Card payment authorised',
        `${formatAmount(event.payload.amount_cents, p.currency)} is reserved.`,
      );
    case 'payment.captured':
      return restaurant(
        'Card charged',
        `${formatAmount(event.payload.amount_cents, p.currency)} was charged.`,
      );
    case 'payment.refunded':
      return restaurant(
        'Refund issued',
        `${formatAmount(event.payload.amount_cents, p.currency)} is refunded.`,
      );
    case 'payment.failed':
      return restaurant('Card payment failed', 'The card payment was declined; try another card.');
    case 'payment.authorisation_expired':
      return restaurant('Confirm your card again', 'The card authorisation lapsed before delivery.');
    case 'payment.disputed':
      return supplier('Payment disputed', 'A card payment was disputed; see the order.');
  }
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
