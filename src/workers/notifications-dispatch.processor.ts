import { z } from 'zod';
import { eventSchemas } from '../core/events.js';
import { defineJob } from '../core/jobs.js';
import type { DeliveryService } from '../domain/notifications/deliveries.service.js';

const envelope = { event_id: z.uuid(), occurred_at: z.iso.datetime() };
const asEvent = <T, P>(d: { event_id: string; event_type: T; occurred_at: string; payload: P }) => ({
  id: d.event_id,
  type: d.event_type,
  occurredAt: d.occurred_at,
  payload: d.payload,
});

/** The relay's job data (EventJobData) for the events this job handles, parsed with the events' own schemas. */
const eventJobData = z.union([
  z
    .object({ ...envelope, event_type: z.literal('order.placed'), payload: eventSchemas['order.placed'] })
    .transform(asEvent),
  z
    .object({
      ...envelope,
      event_type: z.literal('order.status_changed'),
      payload: eventSchemas['order.status_changed'],
    })
    .transform(asEvent),
  z
    .object({
      ...envelope,
      event_type: z.literal('supplier_invoice.disputed'),
      payload: eventSchemas['supplier_invoice.disputed'],
    })
    .transform(asEvent),
  z
    .object({
      ...envelope,
      event_type: z.literal('payment.authorised'),
      payload: eventSchemas['payment.authorised'],
    })
    .transform(asEvent),
  z
    .object({
      ...envelope,
      event_type: z.literal('payment.captured'),
      payload: eventSchemas['payment.captured'],
    })
    .transform(asEvent),
  z
    .object({
      ...envelope,
      event_type: z.literal('payment.refunded'),
      payload: eventSchemas['payment.refunded'],
    })
    .transform(asEvent),
  z
    .object({ ...envelope, event_type: z.literal('payment.failed'), payload: eventSchemas['payment.failed'] })
    .transform(asEvent),
  z
    .object({
      ...envelope,
      event_type: z.literal('payment.authorisation_expired'),
      payload: eventSchemas['payment.authorisation_expired'],
    })
    .transform(asEvent),
  z
    .object({
      ...envelope,
      event_type: z.literal('payment.disputed'),
      payload: eventSchemas['payment.disputed'],
    })
    .transform(asEvent),
]);

/**
 * spec §10 "Notifications dispatch" (event-driven, from the outbox): pushes to the members concerned and signed
 * webhooks to the supplier's systems. Idempotent per (event, channel, target); a retry re-sends only failures.
 */
export const notificationsDispatchJob = (deliveries: DeliveryService) =>
  defineJob({
    name: 'notifications.dispatch',
    queue: 'notifications',
    payload: eventJobData,
    attempts: 8,
    backoff: { type: 'exponential', delay: 10_000 },
    async process(event) {
      await deliveries.dispatchEvent(event);
    },
  });
