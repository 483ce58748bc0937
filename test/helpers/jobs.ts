import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Database } from '../../src/core/db.types.js';
import type { DomainEvent, EventPayload } from '../../src/core/events.js';
import { insertOutboxEvents } from '../../src/domain/outbox/outbox.repository.js';

function orderEvent<T extends 'order.placed' | 'order.status_changed'>(
  type: T,
  payload: (orderId: string) => EventPayload<T>,
): DomainEvent<T> {
  const orderId = randomUUID();
  return { type, aggregateType: 'order', aggregateId: orderId, payload: payload(orderId) };
}

export const orderPlaced = (supplierId: string, restaurantId: string) =>
  orderEvent('order.placed', (orderId) => ({
    order_id: orderId,
    restaurant_id: restaurantId,
    supplier_id: supplierId,
    placed_by: null,
    total_cents: 123_450,
    currency: 'SEK',
  }));

export const statusChanged = (
  supplierId: string,
  restaurantId: string,
  to: EventPayload<'order.status_changed'>['to'],
) =>
  orderEvent('order.status_changed', (orderId) => ({
    order_id: orderId,
    restaurant_id: restaurantId,
    supplier_id: supplierId,
    from: 'placed',
    to,
    changed_by: null,
  }));

/** Writes events to the outbox as a business transaction would; their ids. */
export function writeOutbox(db: Database, events: DomainEvent[]): Promise<string[]> {
  return db.transaction((tx) => insertOutboxEvents(tx, events));
}

/** The job data the relay would build for an outbox row (for calling a processor directly). */
export function jobData(id: string, event: DomainEvent) {
  return {
    event_id: id,
    event_type: event.type,
    occurred_at: new Date().toISOString(),
    payload: event.payload,
  };
}

/** What a receiver does with `Iris-Signature: t=…,v1=…` (the recipe in docs/README.md). */
export function verifySignature(
  header: string,
  body: string,
  secret: string,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds)
    return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
