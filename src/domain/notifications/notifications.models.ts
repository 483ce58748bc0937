import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { baseColumns, instant } from '../../db/base.js';
import { accounts } from '../accounts/accounts.models.js';
import { suppliers } from '../organisations/organisations.models.js';

/** FCM registration tokens of an account's devices (POST/DELETE /api/v1/me/devices). */
export const deviceTokens = pgTable(
  'device_tokens',
  {
    ...baseColumns(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    token: text('token').notNull(),
    platform: text('platform').notNull(),
    lastSeenAt: instant('last_seen_at').notNull().defaultNow(),
  },
  (t) => [
    unique('device_tokens_token_key').on(t.token),
    index('device_tokens_account_idx').on(t.accountId),
    check('device_tokens_platform', sql`${t.platform} IN ('ios', 'android', 'web')`),
  ],
);

/** A supplier's own system that receives signed order webhooks. The signing secret is stored encrypted. */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    ...baseColumns(),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    secretCiphertext: text('secret_ciphertext').notNull(),
    events: text('events')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    active: boolean('active').notNull().default(true),
    description: text('description'),
  },
  (t) => [index('webhook_endpoints_supplier_idx').on(t.supplierId)],
);

/**
 * One row per (event, channel, target): the idempotency guard that makes a redelivered job send nothing twice,
 * and the record of what was sent, dropped or failed.
 */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    ...baseColumns(),
    eventId: uuid('event_id').notNull(),
    channel: text('channel').notNull(),
    target: text('target').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    deliveredAt: instant('delivered_at'),
  },
  (t) => [
    unique('notification_deliveries_event_channel_target_key').on(t.eventId, t.channel, t.target),
    check('notification_deliveries_channel', sql`${t.channel} IN ('fcm', 'webhook')`),
    check('notification_deliveries_status', sql`${t.status} IN ('pending', 'sent', 'failed', 'dropped')`),
  ],
);
