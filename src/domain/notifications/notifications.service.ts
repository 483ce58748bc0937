import type { UserContext } from '../../core/context.js';
import type { Database, Executor } from '../../core/db.types.js';
import type { SecretBox } from '../../core/secret-box.js';
import { recordAudit } from '../audit/audit.service.js';
import { notOwner, orgNotFound } from '../organisations/organisations.errors.js';
import { findLiveOrg, findMembership, lockLiveOrg } from '../organisations/organisations.repository.js';
import {
  deviceNotFound,
  webhookLimitReached,
  webhookNotFound,
  webhookUrlRejected,
} from './notifications.errors.js';
import * as repo from './notifications.repository.js';
import type {
  DeviceDto,
  DeviceRegister,
  WebhookCreate,
  WebhookCreatedDto,
  WebhookDto,
} from './notifications.schemas.js';
import { checkWebhookUrl, generateWebhookSecret, type TargetPolicy } from './notifications.webhooks.js';

export const MAX_WEBHOOKS_PER_SUPPLIER = 10;

function deviceToDto(row: repo.DeviceTokenRow): DeviceDto {
  return {
    token: row.token,
    platform: row.platform as DeviceDto['platform'],
    registered_at: row.createdAt.toISOString(),
    last_seen_at: row.lastSeenAt.toISOString(),
  };
}

function webhookToDto(row: repo.WebhookRow): WebhookDto {
  return {
    id: row.id,
    supplier_id: row.supplierId,
    url: row.url,
    events: row.events,
    active: row.active,
    description: row.description,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/**
 * Device tokens (any signed-in account, for itself) and suppliers' webhook endpoints (owners and admins).
 * Webhook signing secrets are generated here, shown once, and stored only encrypted.
 */
export function createNotificationService(deps: {
  db: Database;
  secrets: SecretBox;
  webhookPolicy: TargetPolicy;
}) {
  const { db } = deps;

  /** Admins, and owners of the supplier; staff get 403; everyone else the not-found answer. */
  async function assertSupplierManager(ex: Executor, ctx: UserContext, supplierId: string): Promise<void> {
    if (!(await findLiveOrg(ex, 'supplier', supplierId))) throw orgNotFound('supplier', supplierId);
    if (ctx.principal.role === 'ADMIN') return;
    const membership = await findMembership(ex, 'supplier', ctx.principal.accountId, supplierId);
    if (!membership) throw orgNotFound('supplier', supplierId);
    if (membership.memberRole !== 'owner') throw notOwner('supplier');
  }

  return {
    async registerDevice(
      ctx: UserContext,
      input: DeviceRegister,
    ): Promise<{ device: DeviceDto; created: boolean }> {
      const row = await repo.upsertDeviceToken(db, {
        accountId: ctx.principal.accountId,
        token: input.token,
        platform: input.platform,
      });
      return { device: deviceToDto(row), created: row.created };
    },

    async removeDevice(ctx: UserContext, token: string): Promise<void> {
      if (!(await repo.softDeleteOwnDeviceToken(db, ctx.principal.accountId, token))) throw deviceNotFound();
    },

    async createWebhook(
      ctx: UserContext,
      supplierId: string,
      input: WebhookCreate,
    ): Promise<WebhookCreatedDto> {
      await assertSupplierManager(db, ctx, supplierId);
      const refusal = await checkWebhookUrl(input.url, deps.webhookPolicy);
      if (refusal !== undefined) throw webhookUrlRejected(refusal);
      const secret = generateWebhookSecret();
      return db.transaction(async (tx) => {
        // The lock serialises concurrent creations, so the limit holds.
        if (!(await lockLiveOrg(tx, 'supplier', supplierId))) throw orgNotFound('supplier', supplierId);
        if ((await repo.countWebhooks(tx, supplierId)) >= MAX_WEBHOOKS_PER_SUPPLIER) {
          throw webhookLimitReached(MAX_WEBHOOKS_PER_SUPPLIER);
        }
        const row = await repo.insertWebhook(tx, {
          supplierId,
          url: input.url,
          secretCiphertext: deps.secrets.seal(secret),
          events: input.events ?? [],
          description: input.description ?? null,
        });
        await recordAudit(tx, ctx, {
          action: 'supplier.webhook.create',
          resourceType: 'webhook_endpoint',
          resourceId: row.id,
          // The host only: a URL may carry a receiver's own access token in its path or query.
          details: { supplier_id: supplierId, host: new URL(input.url).host, events: row.events },
        });
        return { ...webhookToDto(row), secret };
      });
    },

    async listWebhooks(ctx: UserContext, supplierId: string): Promise<{ data: WebhookDto[] }> {
      await assertSupplierManager(db, ctx, supplierId);
      return { data: (await repo.listWebhooks(db, supplierId)).map(webhookToDto) };
    },

    async removeWebhook(ctx: UserContext, supplierId: string, webhookId: string): Promise<void> {
      await db.transaction(async (tx) => {
        await assertSupplierManager(tx, ctx, supplierId);
        if (!(await repo.softDeleteWebhook(tx, supplierId, webhookId))) throw webhookNotFound(webhookId);
        await recordAudit(tx, ctx, {
          action: 'supplier.webhook.delete',
          resourceType: 'webhook_endpoint',
          resourceId: webhookId,
          details: { supplier_id: supplierId },
        });
      });
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
