import { and, asc, count, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import { accounts } from '../accounts/accounts.models.js';
import { restaurantMembers, supplierMembers } from '../organisations/organisations.models.js';
import type { OrgKind } from '../organisations/organisations.repository.js';
import { deviceTokens, notificationDeliveries, webhookEndpoints } from './notifications.models.js';
import type { DevicePlatform } from './notifications.schemas.js';

export type DeviceTokenRow = typeof deviceTokens.$inferSelect;
export type WebhookRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof notificationDeliveries.$inferSelect;
export type Channel = 'fcm' | 'webhook';
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'dropped';

// --- device tokens ---------------------------------------------------------------------------

/**
 * Registers a token for the account, or refreshes it. A token belongs to one app install, so when another
 * account signs in on the same device the token moves to that account; a removed token comes back to life.
 */
export async function upsertDeviceToken(
  ex: Executor,
  values: { accountId: string; token: string; platform: DevicePlatform },
): Promise<DeviceTokenRow & { created: boolean }> {
  const [row] = await ex
    .insert(deviceTokens)
    .values(values)
    .onConflictDoUpdate({
      target: deviceTokens.token,
      set: {
        accountId: values.accountId,
        platform: values.platform,
        lastSeenAt: sql`now()`,
        deletedAt: null,
      },
    })
    // xmax = 0 only on a freshly inserted row version: tells a new registration from a refresh.
    .returning({
      id: deviceTokens.id,
      accountId: deviceTokens.accountId,
      token: deviceTokens.token,
      platform: deviceTokens.platform,
      lastSeenAt: deviceTokens.lastSeenAt,
      createdAt: deviceTokens.createdAt,
      updatedAt: deviceTokens.updatedAt,
      deletedAt: deviceTokens.deletedAt,
      created: sql<boolean>`(xmax = 0)`,
    });
  if (!row) throw new Error('upsert returned no row');
  return row;
}

export async function softDeleteOwnDeviceToken(
  ex: Executor,
  accountId: string,
  token: string,
): Promise<boolean> {
  const rows = await ex
    .update(deviceTokens)
    .set({ deletedAt: sql`now()` })
    .where(
      and(
        eq(deviceTokens.token, token),
        eq(deviceTokens.accountId, accountId),
        isNull(deviceTokens.deletedAt),
      ),
    )
    .returning({ id: deviceTokens.id });
  return rows.length > 0;
}

export async function softDeleteDeviceToken(ex: Executor, id: string): Promise<void> {
  await ex
    .update(deviceTokens)
    .set({ deletedAt: sql`now()` })
    .where(and(eq(deviceTokens.id, id), isNull(deviceTokens.deletedAt)));
}

/** Soft-deletes tokens not registered again for `days` days (FCM expires idle tokens after 270). */
export async function softDeleteStaleDeviceTokens(ex: Executor, days: number): Promise<number> {
  const rows = await ex
    .update(deviceTokens)
    .set({ deletedAt: sql`now()` })
    .where(
      and(
        isNull(deviceTokens.deletedAt),
        lt(deviceTokens.lastSeenAt, sql`now() - make_interval(days => ${days}::int)`),
      ),
    )
    .returning({ id: deviceTokens.id });
  return rows.length;
}

/** Live device tokens of the live accounts that are live members of one organisation. */
export async function memberDevices(
  ex: Executor,
  kind: OrgKind,
  orgId: string,
): Promise<{ id: string; token: string }[]> {
  const members = (kind === 'supplier' ? supplierMembers : restaurantMembers) as typeof supplierMembers;
  return ex
    .select({ id: deviceTokens.id, token: deviceTokens.token })
    .from(members)
    .innerJoin(accounts, eq(accounts.id, members.accountId))
    .innerJoin(deviceTokens, eq(deviceTokens.accountId, members.accountId))
    .where(
      and(
        eq(members.orgId, orgId),
        isNull(members.deletedAt),
        isNull(accounts.deletedAt),
        isNull(deviceTokens.deletedAt),
      ),
    )
    .orderBy(asc(deviceTokens.id));
}

// --- webhook endpoints -----------------------------------------------------------------------

export async function insertWebhook(
  ex: Executor,
  values: {
    supplierId: string;
    url: string;
    secretCiphertext: string;
    events: string[];
    description: string | null;
  },
): Promise<WebhookRow> {
  const [row] = await ex.insert(webhookEndpoints).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function listWebhooks(ex: Executor, supplierId: string): Promise<WebhookRow[]> {
  return ex
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.supplierId, supplierId), isNull(webhookEndpoints.deletedAt)))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
}

export async function countWebhooks(ex: Executor, supplierId: string): Promise<number> {
  const [row] = await ex
    .select({ n: count() })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.supplierId, supplierId), isNull(webhookEndpoints.deletedAt)));
  return row?.n ?? 0;
}

export async function softDeleteWebhook(ex: Executor, supplierId: string, id: string): Promise<boolean> {
  const rows = await ex
    .update(webhookEndpoints)
    .set({ deletedAt: sql`now()`, active: false })
    .where(
      and(
        eq(webhookEndpoints.id, id),
        eq(webhookEndpoints.supplierId, supplierId),
        isNull(webhookEndpoints.deletedAt),
      ),
    )
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

/** Active endpoints of a supplier subscribed to the event type (an empty list subscribes to everything). */
export async function webhooksForEvent(
  ex: Executor,
  supplierId: string,
  eventType: string,
): Promise<WebhookRow[]> {
  return ex
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.supplierId, supplierId),
        eq(webhookEndpoints.active, true),
        isNull(webhookEndpoints.deletedAt),
        or(
          sql`cardinality(${webhookEndpoints.events}) = 0`,
          sql`${eventType} = ANY(${webhookEndpoints.events})`,
        ),
      ),
    )
    .orderBy(asc(webhookEndpoints.id));
}

// --- deliveries --------------------------------------------------------------------------------

/** The delivery row of (event, channel, target): inserted when new, otherwise the existing one (insert-or-skip). */
export async function ensureDelivery(
  ex: Executor,
  key: { eventId: string; channel: Channel; target: string },
): Promise<DeliveryRow> {
  await ex.insert(notificationDeliveries).values(key).onConflictDoNothing();
  const [row] = await ex
    .select()
    .from(notificationDeliveries)
    .where(
      and(
        eq(notificationDeliveries.eventId, key.eventId),
        eq(notificationDeliveries.channel, key.channel),
        eq(notificationDeliveries.target, key.target),
      ),
    );
  if (!row) throw new Error('delivery row vanished');
  return row;
}

/**
 * Takes a delivery for one send. Claimable: a failed one, a fresh one, or one claimed more than `leaseSeconds`
 * ago whose sender died. One UPDATE decides, so two concurrent runs of the same job cannot both send.
 */
export async function claimDelivery(
  ex: Executor,
  id: string,
  leaseSeconds: number,
): Promise<DeliveryRow | undefined> {
  const d = notificationDeliveries;
  const [row] = await ex
    .update(d)
    .set({ attempts: sql`${d.attempts} + 1`, status: 'pending' })
    .where(
      and(
        eq(d.id, id),
        or(
          eq(d.status, 'failed'),
          and(
            eq(d.status, 'pending'),
            or(eq(d.attempts, 0), lt(d.updatedAt, sql`now() - make_interval(secs => ${leaseSeconds}::int)`)),
          ),
        ),
      ),
    )
    .returning();
  return row;
}

export async function finishDelivery(
  ex: Executor,
  id: string,
  outcome: { status: Exclude<DeliveryStatus, 'pending'>; error?: string },
): Promise<void> {
  await ex
    .update(notificationDeliveries)
    .set({
      status: outcome.status,
      lastError: outcome.error?.slice(0, 1000) ?? null,
      deliveredAt: outcome.status === 'sent' ? sql`now()` : null,
    })
    .where(eq(notificationDeliveries.id, id));
}
