import type { z } from 'zod';

import { integrationEventSchemas } from '../domain/integrations/integrations.events.js';
import { orderEventSchemas } from '../domain/orders/orders.events.js';
import { supplierInvoiceEventSchemas } from '../domain/supplier-invoices/supplier-invoices.events.js';
import { paymentEventSchemas } from '../domain/payments/payments.events.js';
import { productEventSchemas } from '../domain/products/products.events.js';

/**
 * Every domain event type with its payload schema. Each domain declares its own in `<d>.events.ts`; this
 * composes them (one registry line per domain). Payloads carry ids and states only — never personal data —
 * because they are copied into Redis job data (GDPR).
 */
export const eventSchemas = {
  ...orderEventSchemas,
  ...supplierInvoiceEventSchemas,
  ...paymentEventSchemas,
  ...integrationEventSchemas,
  ...productEventSchemas,
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
