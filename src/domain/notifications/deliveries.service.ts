import type { Database, Transaction } from '../../core/db.types.js';
import type { SecretBox } from '../../core/secret-box.js';
import type { ChannelResult, PushChannel } from './notifications.fcm.js';
import { type NotifiableEvent, pushAudience, webhookBody } from './notifications.messages.js';
import * as repo from './notifications.repository.js';
import type { WebhookSender } from './notifications.webhooks.js';

/** Longer than any single send can take (FCM's own 15 s timeout, WEBHOOK_TIMEOUT_MS ≤ 30 s). */
const CLAIM_LEASE_SECONDS = 60;
/** Sends in flight at once for one event. */
const SEND_CONCURRENCY = 8;

export interface DispatchSummary {
  targets: number;
  sent: number;
  dropped: number;
  failed: number;
  /** Claimed by another run of the same job that has not finished (or died less than a lease ago). */
  busy: number;
  /** Finished by an earlier run: nothing sent again. */
  done: number;
}

/** Some deliveries of the event still need a send; thrown after every target was tried, so the job retries. */
export class DeliveriesIncompleteError extends Error {
  constructor(readonly summary: DispatchSummary) {
    super(`${summary.failed} deliveries failed and ${summary.busy} are in flight elsewhere; retrying`);
    this.name = 'DeliveriesIncompleteError';
  }
}

interface Target {
  channel: repo.Channel;
  target: string;
  send(): Promise<ChannelResult>;
  /** Runs with the final result's transaction when the channel says the target can never work. */
  forget?(tx: Transaction): Promise<void>;
}

async function eachLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * Notification fan-out (spec §10). Every (event, channel, target) gets one notification_deliveries row before
 * anything is sent — insert-or-skip on its UNIQUE key — and a send happens only after claiming that row, so a
 * job delivered twice, or two runs at once, send nothing twice. Only failed deliveries are sent again when the
 * job retries.
 */
export function createDeliveryService(deps: {
  db: Database;
  secrets: SecretBox;
  push: PushChannel;
  webhooks: WebhookSender;
  deviceTokenStaleDays: number;
}) {
  const { db } = deps;

  async function targetsOf(event: NotifiableEvent): Promise<Target[]> {
    const targets: Target[] = [];
    const audience = pushAudience(event);
    if (audience) {
      for (const device of await repo.memberDevices(db, audience.kind, audience.orgId)) {
        targets.push({
          channel: 'fcm',
          target: device.id,
          send: () => deps.push.send(device.token, audience.message),
          forget: (tx) => repo.softDeleteDeviceToken(tx, device.id),
        });
      }
    }
    const body = webhookBody(event);
    const supplierId = event.payload.supplier_id;
    const endpoints = supplierId ? await repo.webhooksForEvent(db, supplierId, event.type) : [];
    for (const endpoint of endpoints) {
      targets.push({
        channel: 'webhook',
        target: endpoint.id,
        send: async () => {
          let secret: string;
          try {
            secret = deps.secrets.open(endpoint.secretCiphertext);
          } catch {
            return { status: 'dropped', reason: 'signing secret unreadable (was APP_SECRET changed?)' };
          }
          return deps.webhooks.send({
            url: endpoint.url,
            secret,
            body,
            eventId: event.id,
            eventType: event.type,
          });
        },
      });
    }
    return targets;
  }

  async function deliver(eventId: string, target: Target): Promise<keyof Omit<DispatchSummary, 'targets'>> {
    const row = await repo.ensureDelivery(db, { eventId, channel: target.channel, target: target.target });
    if (row.status === 'sent' || row.status === 'dropped') return 'done';
    const claimed = await repo.claimDelivery(db, row.id, CLAIM_LEASE_SECONDS);
    if (!claimed) return 'busy';
    const result = await target.send();
    await db.transaction(async (tx) => {
      await repo.finishDelivery(tx, row.id, {
        status: result.status,
        ...(result.status === 'sent' ? {} : { error: result.reason }),
      });
      if (result.status === 'dropped' && result.invalidTarget) await target.forget?.(tx);
    });
    return result.status;
  }

  return {
    async dispatchEvent(event: NotifiableEvent): Promise<DispatchSummary> {
      const targets = await targetsOf(event);
      const outcomes = await eachLimited(targets, SEND_CONCURRENCY, (t) => deliver(event.id, t));
      const summary: DispatchSummary = {
        targets: targets.length,
        sent: 0,
        dropped: 0,
        failed: 0,
        busy: 0,
        done: 0,
      };
      for (const outcome of outcomes) summary[outcome] += 1;
      if (summary.failed + summary.busy > 0) throw new DeliveriesIncompleteError(summary);
      return summary;
    },

    /** Soft-deletes device tokens not registered again for DEVICE_TOKEN_STALE_DAYS; the count. */
    pruneStaleDevices: () => repo.softDeleteStaleDeviceTokens(db, deps.deviceTokenStaleDays),
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;
