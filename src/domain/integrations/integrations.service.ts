import { randomUUID } from 'node:crypto';
import type { UserContext } from '../../core/context.js';
import type { Database } from '../../core/db.types.js';
import type { GuardedContext, SessionState } from '../../connectors/browser.js';
import { ConnectorError, type SupplierKey } from '../../connectors/connector.js';
import { CONNECTOR_MODULES } from '../../connectors/registry.js';
import { recordAudit } from '../audit/audit.service.js';
import { insertOutboxEvents } from '../outbox/outbox.repository.js';
import * as e from './integrations.errors.js';
import * as repo from './integrations.repository.js';
import {
  CONSENT_STATEMENTS,
  CONSENT_TEXT_VERSION,
  type ConnectBody,
  type ConnectionDto,
  type PrefillBody,
  type PrefillDto,
} from './integrations.schemas.js';
import {
  assertMember,
  effectiveStatus,
  type IntegrationDeps,
  isDegraded,
  toDto,
} from './integrations.shared.js';

const SCOPES = ['catalog', 'pricing', 'orders', 'invoices'];

interface Challenge {
  pending: GuardedContext;
  restaurantId: string;
  supplier: SupplierKey;
  accountId: string;
  consentVersion: string;
  expiresAt: Date;
  timer: NodeJS.Timeout;
}

/**
 * spec §11 connect / status / sync / cart prefill / disconnect. The password lives only in this request's
 * memory: it is typed into the portal's form and dropped; what is kept is the portal's session, sealed.
 */
export function createIntegrationService(deps: IntegrationDeps & { db: Database; afterCommit?: () => void }) {
  const { db } = deps;
  // A one-time-code step keeps its browser context (the half-signed-in portal session) in this process only.
  const challenges = new Map<string, Challenge>();
  const mapVersion = (key: SupplierKey) => CONNECTOR_MODULES[key].selectors.version;
  const sessionExpiry = () => new Date(Date.now() + deps.config.sessionTtlHours * 3600_000);

  const dropChallenge = async (id: string) => {
    const challenge = challenges.get(id);
    if (!challenge) return;
    challenges.delete(id);
    clearTimeout(challenge.timer);
    await challenge.pending.close();
  };

  async function connector(key: SupplierKey) {
    return db.transaction((tx) =>
      repo.ensureConnector(tx, key, {
        legalName: `${CONNECTOR_MODULES[key].displayName} AB`,
        orgNumber: deps.config.portals[key].orgNumber,
      }),
    );
  }

  async function loggedIn(
    ctx: UserContext,
    key: SupplierKey,
    restaurantId: string,
    consentVersion: string,
    session: SessionState,
  ) {
    await connector(key);
    const expiresAt = sessionExpiry();
    const row = await db.transaction(async (tx) => {
      const connection = await repo.upsertConnection(tx, {
        restaurantId,
        supplierKey: key,
        status: 'active',
        scopes: SCOPES,
        consentGivenAt: new Date(),
        consentTextVersion: consentVersion,
        consentAccountId: ctx.principal.accountId,
        sessionExpiresAt: expiresAt,
      });
      const sealed = deps.vault.seal(connection.id, JSON.stringify(session));
      await repo.saveSecret(tx, { connectionId: connection.id, ...sealed, expiresAt });
      await recordAudit(tx, ctx, {
        action: 'connector.connect',
        resourceType: 'supplier_connection',
        resourceId: connection.id,
        details: {
          supplier: key,
          restaurant_id: restaurantId,
          consent_text_version: consentVersion,
          outcome: 'active',
        },
      });
      await insertOutboxEvents(tx, [
        {
          type: 'connector.connected',
          aggregateType: 'supplier_connection',
          aggregateId: connection.id,
          payload: { connection_id: connection.id, restaurant_id: restaurantId, supplier_key: key },
        },
      ]);
      return connection;
    });
    deps.afterCommit?.();
    return toDto(row, await repo.findConnector(db, key), mapVersion(key), new Date());
  }

  async function recordFailedLogin(ctx: UserContext, key: SupplierKey, restaurantId: string, err: unknown) {
    const reason = err instanceof ConnectorError ? err.kind : 'unavailable';
    await recordAudit(db, ctx, {
      action: 'connector.connect_failed',
      resourceType: 'restaurant',
      resourceId: restaurantId,
      details: { supplier: key, reason },
    });
    const existing = await repo.findConnection(db, restaurantId, key);
    if (existing && existing.status !== 'active')
      await repo.updateConnection(db, existing.id, { status: 'failed' });
    if (reason === 'auth_failed') return e.authFailed();
    return e.portalUnavailable();
  }

  async function finishLogin(
    ctx: UserContext,
    key: SupplierKey,
    restaurantId: string,
    consentVersion: string,
    step: Awaited<ReturnType<ReturnType<IntegrationDeps['runtime']['client']>['login']>>,
  ): Promise<
    | { kind: 'connected'; connection: ConnectionDto }
    | { kind: 'challenge'; challengeId: string; expiresAt: Date }
  > {
    if (step.kind === 'signed_in') {
      return {
        kind: 'connected',
        connection: await loggedIn(ctx, key, restaurantId, consentVersion, step.session),
      };
    }
    const challengeId = randomUUID();
    const expiresAt = new Date(Date.now() + deps.config.codeChallengeTtlSeconds * 1000);
    const timer = setTimeout(
      () => void dropChallenge(challengeId),
      deps.config.codeChallengeTtlSeconds * 1000,
    );
    timer.unref();
    challenges.set(challengeId, {
      pending: step.pending,
      restaurantId,
      supplier: key,
      accountId: ctx.principal.accountId,
      consentVersion,
      expiresAt,
      timer,
    });
    await recordAudit(db, ctx, {
      action: 'connector.connect_code_requested',
      resourceType: 'restaurant',
      resourceId: restaurantId,
      details: { supplier: key, challenge_id: challengeId },
    });
    return { kind: 'challenge', challengeId, expiresAt };
  }

  async function activeConnection(ctx: UserContext, key: SupplierKey, restaurantId: string) {
    await assertMember(db, ctx, restaurantId, 'member');
    const row = await repo.findConnection(db, restaurantId, key);
    if (!row || row.status === 'disconnected' || row.status === 'failed' || row.status === 'awaiting_code') {
      throw e.notConnected(CONNECTOR_MODULES[key].displayName);
    }
    if (effectiveStatus(row, new Date()) === 'expired') {
      await db.transaction((tx) => repo.expireSessions(tx, new Date()));
      throw e.sessionExpired();
    }
    return row;
  }

  return {
    consent: () => ({ text_version: CONSENT_TEXT_VERSION, statements: { ...CONSENT_STATEMENTS } }),

    async connect(ctx: UserContext, key: SupplierKey, body: ConnectBody) {
      await assertMember(db, ctx, body.restaurant_id, 'owner');
      const c = body.consent;
      if (
        c.text_version !== CONSENT_TEXT_VERSION ||
        !c.session_only ||
        !c.credentials_not_stored ||
        !c.delegated_retrieval
      ) {
        throw e.consentRequired(CONSENT_TEXT_VERSION);
      }
      const client = deps.runtime.client(key);
      let step;
      try {
        step = await deps.runtime.limit(key, () => client.login(body.username, body.password));
      } catch (err) {
        throw await recordFailedLogin(ctx, key, body.restaurant_id, err);
      }
      return finishLogin(ctx, key, body.restaurant_id, c.text_version, step);
    },

    async completeChallenge(
      ctx: UserContext,
      key: SupplierKey,
      challengeId: string,
      input: { restaurant_id: string; code: string },
    ) {
      await assertMember(db, ctx, input.restaurant_id, 'owner');
      const challenge = challenges.get(challengeId);
      if (
        !challenge ||
        challenge.supplier !== key ||
        challenge.restaurantId !== input.restaurant_id ||
        challenge.accountId !== ctx.principal.accountId ||
        challenge.expiresAt <= new Date()
      ) {
        throw e.challengeNotFound();
      }
      challenges.delete(challengeId);
      clearTimeout(challenge.timer);
      let step;
      try {
        step = await deps.runtime.client(key).submitCode(challenge.pending, input.code);
      } catch (err) {
        throw await recordFailedLogin(ctx, key, input.restaurant_id, err);
      }
      const outcome = await finishLogin(ctx, key, input.restaurant_id, challenge.consentVersion, step);
      if (outcome.kind !== 'connected') throw e.authFailed();
      return outcome.connection;
    },

    async status(ctx: UserContext, key: SupplierKey, restaurantId: string): Promise<ConnectionDto> {
      await assertMember(db, ctx, restaurantId, 'member');
      const row = await repo.findConnection(db, restaurantId, key);
      if (!row) throw e.notConnected(CONNECTOR_MODULES[key].displayName);
      if (effectiveStatus(row, new Date()) === 'expired' && row.status === 'active') {
        await db.transaction((tx) => repo.expireSessions(tx, new Date()));
      }
      return toDto(row, await repo.findConnector(db, key), mapVersion(key), new Date());
    },

    /** Queues a sync (the `connectors.sync` job); refuses at once when it could not succeed. */
    async requestSync(ctx: UserContext, key: SupplierKey, restaurantId: string) {
      const row = await activeConnection(ctx, key, restaurantId);
      const connectorRow = await repo.findConnector(db, key);
      if (isDegraded(connectorRow, mapVersion(key))) throw e.degraded(CONNECTOR_MODULES[key].displayName);
      await db.transaction(async (tx) => {
        await recordAudit(tx, ctx, {
          action: 'connector.sync_requested',
          resourceType: 'supplier_connection',
          resourceId: row.id,
          details: { supplier: key },
        });
        await insertOutboxEvents(tx, [
          {
            type: 'connector.sync_requested',
            aggregateType: 'supplier_connection',
            aggregateId: row.id,
            payload: { connection_id: row.id, restaurant_id: restaurantId, supplier_key: key },
          },
        ]);
      });
      deps.afterCommit?.();
      return { status: 'queued' as const, connection: toDto(row, connectorRow, mapVersion(key), new Date()) };
    },

    /** Fills the portal cart in the restaurant's session and returns the cart's link; never submits an order. */
    async prefill(ctx: UserContext, key: SupplierKey, body: PrefillBody): Promise<PrefillDto> {
      const row = await activeConnection(ctx, key, body.restaurant_id);
      const connectorRow = await repo.findConnector(db, key);
      if (isDegraded(connectorRow, mapVersion(key))) throw e.degraded(CONNECTOR_MODULES[key].displayName);
      const ids = body.lines.flatMap((l) => (l.product_id ? [l.product_id] : []));
      const skus = connectorRow
        ? await repo.skusForProducts(db, connectorRow.supplierId, ids)
        : new Map<string, string>();
      const lines = body.lines.map((l) => ({
        article: l.article ?? skus.get(l.product_id ?? '') ?? '',
        productId: l.product_id ?? null,
        quantity: l.quantity,
      }));
      const secret = await repo.findLiveSecret(db, row.id, new Date());
      if (!secret) throw e.sessionExpired();
      const session = JSON.parse(deps.vault.open(row.id, secret)) as SessionState;
      const known = lines.filter((l) => l.article !== '');
      let result;
      try {
        result = await deps.runtime.limit(key, () =>
          deps.runtime.client(key).withSession(session, (g) =>
            deps.runtime.client(key).prefill(
              g,
              known.map((l) => ({ externalId: l.article, quantity: l.quantity })),
            ),
          ),
        );
      } catch (err) {
        if (err instanceof ConnectorError && err.kind === 'session_expired') {
          await db.transaction((tx) => repo.expireConnection(tx, row.id));
          throw e.sessionExpired();
        }
        throw e.portalUnavailable();
      }
      deps.metrics.cartPrefill.inc({ supplier: key });
      const byArticle = new Map(result.results.map((r) => [r.externalId, r]));
      const answer: PrefillDto = {
        deep_link: result.deepLink,
        lines: lines.map((l) => {
          const r = byArticle.get(l.article);
          return {
            article: l.article,
            product_id: l.productId,
            requested: l.quantity,
            added: r?.added ?? 0,
            // A line the portal never saw (no article number for the product) is unknown; null means added as asked.
            problem: r ? r.problem : 'unknown_article',
          };
        }),
      };
      const problems = answer.lines.filter((l) => l.problem !== null).length;
      await db.transaction(async (tx) => {
        await recordAudit(tx, ctx, {
          action: 'connector.cart_prefill',
          resourceType: 'supplier_connection',
          resourceId: row.id,
          details: { supplier: key, lines: answer.lines.length, problems },
        });
        await insertOutboxEvents(tx, [
          {
            type: 'connector.cart_prefilled',
            aggregateType: 'supplier_connection',
            aggregateId: row.id,
            payload: {
              connection_id: row.id,
              restaurant_id: body.restaurant_id,
              supplier_key: key,
              lines: answer.lines.length,
              problems,
            },
          },
        ]);
      });
      deps.afterCommit?.();
      return answer;
    },

    /** Disconnects at once: queued jobs removed, the sealed session destroyed, running work finds it gone. */
    async disconnect(ctx: UserContext, key: SupplierKey, restaurantId: string): Promise<void> {
      await assertMember(db, ctx, restaurantId, 'owner');
      const row = await repo.findConnection(db, restaurantId, key);
      if (!row || row.status === 'disconnected') throw e.notConnected(CONNECTOR_MODULES[key].displayName);
      for (const [id, c] of challenges)
        if (c.restaurantId === restaurantId && c.supplier === key) await dropChallenge(id);
      // Queued syncs and pulls go first; one that slips through (or runs while Redis is away) finds the
      // connection disconnected and does nothing.
      const cancelled = deps.jobs
        ? await deps.jobs.cancel('connectors', await repo.jobEventIds(db, row.id)).catch(() => null)
        : 0;
      await db.transaction(async (tx) => {
        const destroyed = await repo.destroySecret(tx, row.id);
        await repo.updateConnection(tx, row.id, {
          status: 'disconnected',
          disconnectedAt: new Date(),
          sessionExpiresAt: null,
          syncCursor: null,
        });
        await recordAudit(tx, ctx, {
          action: 'connector.disconnect',
          resourceType: 'supplier_connection',
          resourceId: row.id,
          details: { supplier: key, secret_destroyed: destroyed, jobs_cancelled: cancelled },
        });
        await insertOutboxEvents(tx, [
          {
            type: 'connector.disconnected',
            aggregateType: 'supplier_connection',
            aggregateId: row.id,
            payload: { connection_id: row.id, restaurant_id: restaurantId, supplier_key: key },
          },
        ]);
      });
      deps.afterCommit?.();
    },

    async close() {
      for (const id of [...challenges.keys()]) await dropChallenge(id);
      await deps.runtime.close();
    },
  };
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;
