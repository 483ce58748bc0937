import { z } from 'zod';

/**
 * Every domain event, typed in one place. Payloads carry ids and states only — never personal data —
 * because they are copied into Redis job data (GDPR).
 */
export const ORDER_STATUSES = [
  'placed',
  'confirmed',
  'dispatched',
  'delivered',
  'invoiced',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const eventSchemas = {
  'order.placed': z.object({
    order_id: z.uuid(),
    restaurant_id: z.uuid(),
    supplier_id: z.uuid(),
    placed_by: z.uuid().nullable(),
    total_cents: z.number().int(),
    currency: z.string().length(3),
  }),
  'order.status_changed': z.object({
    order_id: z.uuid(),
    restaurant_id: z.uuid(),
    supplier_id: z.uuid(),
    from: z.enum(ORDER_STATUSES),
    to: z.enum(ORDER_STATUSES),
    changed_by: z.uuid().nullable(),
  }),
} as const;

export type EventType = keyof typeof eventSchemas;
export type EventPayload<T extends EventType> = z.infer<(typeof eventSchemas)[T]>;
export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];

export interface DomainEvent<T extends EventType = EventType> {
  type: T;
  aggregateType: string;
  aggregateId: string;
  payload: EventPayload<T>;
}

/** Parses a stored payload back into its type; throws on a payload that does not match its schema. */
export function parseEvent<T extends EventType>(type: T, payload: unknown): EventPayload<T> {
  return eventSchemas[type].parse(payload) as EventPayload<T>;
}
