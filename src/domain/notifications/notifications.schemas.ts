import { z } from 'zod';
import { EVENT_TYPES, type EventType } from '../../core/events.js';

export const DEVICE_PLATFORMS = ['ios', 'android', 'web'] as const;
export type DevicePlatform = (typeof DEVICE_PLATFORMS)[number];

// FCM, APNs and web-push tokens use these characters only; "/" and spaces would also break the DELETE path.
const deviceToken = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[A-Za-z0-9_:.-]+$/, 'must be a device registration token (letters, digits, "_", ":", ".", "-")');

export const deviceRegister = z.strictObject({ token: deviceToken, platform: z.enum(DEVICE_PLATFORMS) });
export const deviceParams = z.strictObject({ token: deviceToken });
export const deviceDto = z.object({
  token: z.string(),
  platform: z.enum(DEVICE_PLATFORMS),
  registered_at: z.string(),
  last_seen_at: z.string(),
});

const eventType = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);

export const webhookCreate = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048),
  /** Event types to receive; omitted or empty means every event of the supplier. */
  events: z
    .array(eventType)
    .max(EVENT_TYPES.length)
    .refine((list) => new Set(list).size === list.length, 'must not repeat an event type')
    .optional(),
  description: z.string().trim().min(1).max(500).optional(),
});
export const webhookParams = z.strictObject({ id: z.uuid(), webhook_id: z.uuid() });
export const webhookDto = z.object({
  id: z.uuid(),
  supplier_id: z.uuid(),
  url: z.string(),
  events: z.array(z.string()),
  active: z.boolean(),
  description: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
/** The creation answer is the only place the signing secret ever appears. */
export const webhookCreated = webhookDto.extend({ secret: z.string() });
export const webhookList = z.object({ data: z.array(webhookDto) });

export type DeviceRegister = z.infer<typeof deviceRegister>;
export type DeviceDto = z.infer<typeof deviceDto>;
export type WebhookCreate = z.infer<typeof webhookCreate>;
export type WebhookDto = z.infer<typeof webhookDto>;
export type WebhookCreatedDto = z.infer<typeof webhookCreated>;

// Named components of the OpenAPI document and of the generated client (docs/adding-a-domain.md).
z.globalRegistry.add(deviceRegister, { id: 'DeviceRegistration' });
z.globalRegistry.add(deviceDto, { id: 'Device' });
z.globalRegistry.add(webhookCreate, { id: 'WebhookCreate' });
z.globalRegistry.add(webhookDto, { id: 'Webhook' });
z.globalRegistry.add(webhookCreated, { id: 'WebhookCreated' });
z.globalRegistry.add(webhookList, { id: 'WebhookList' });
