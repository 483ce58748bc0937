import { randomUUID } from 'node:crypto';
import type { Database } from '../../core/db.types.js';
import type { GuardedContext, SessionState } from '../../connectors/browser.js';
import { ConnectorError, type InvoiceRef, type SupplierKey } from '../../connectors/connector.js';
import { DomainError } from '../../core/errors.js';
import { pause } from '../../connectors/pacing.js';
import { CONNECTOR_MODULES } from '../../connectors/registry.js';
import { recordAudit } from '../audit/audit.service.js';
import { insertOutboxEvents } from '../outbox/outbox.repository.js';
import type { ConnectionRow } from './integrations.models.js';
import * as mirror from './catalog-mirror.repository.js';
import { runCatalogPipeline } from './catalog-pipeline.js';
import * as repo from './integrations.repository.js';
import { effectiveStatus, type IntegrationDeps, isDegraded, jobContext } from './integrations.shared.js';

export type SyncOutcome = 'success' | 'skipped' | 'refused' | 'failed';

/**
 * The job side of the connectors (spec §10, §11): catalog sync (on demand and nightly), the DOM watcher and
 * invoice pull. A sync writes in batches of pages and remembers the next page with each, so a retry resumes
 * after the last page written.
 */
export function createConnectorJobs(deps: IntegrationDeps & { db: Database }) {
  const { db } = deps;

  const openSession = async (row: ConnectionRow): Promise<SessionState | undefined> => {
    const secret = await repo.findLiveSecret(db, row.id, new Date());
    return secret ? (JSON.parse(deps.vault.open(row.id, secret)) as SessionState) : undefined;
  };

  async function finish(
    row: ConnectionRow,
    jobId: string,
    outcome: SyncOutcome,
    reason: string | null,
    items: number | null,
  ) {
    await db.transaction(async (tx) => {
      await repo.updateConnection(tx, row.id, {
        lastSyncAt: new Date(),
        lastSyncOutcome: outcome,
        lastSyncReason: reason,
        ...(items !== null ? { lastSyncItems: items } : {}),
      });
      await recordAudit(tx, jobContext(jobId), {
        action: 'connector.sync',
        resourceType: 'supplier_connection',
        resourceId: row.id,
        details: { supplier: row.supplierKey, outcome, reason, items },
      });
    });
  }

  async function selectorsFailed(key: SupplierKey, selectors: string[]) {
    deps.metrics.domFailures.inc({ supplier: key });
    await db.transaction((tx) =>
      insertOutboxEvents(tx, [
        {
          type: 'connector.selectors_failed',
          aggregateType: 'supplier_connector',
          aggregateId: randomUUID(),
          payload: { supplier_key: key, selectors },
        },
      ]),
    );
  }

  async function sync(connectionId: string, jobId: string): Promise<SyncOutcome> {
    const row = await repo.findConnectionById(db, connectionId);
    if (!row || row.status !== 'active') return 'skipped';
    const key = row.supplierKey as SupplierKey;
    const module = CONNECTOR_MODULES[key];
    if (effectiveStatus(row, new Date()) === 'expired') {
      await db.transaction((tx) => repo.expireConnection(tx, row.id));
      await finish(row, jobId, 'refused', 'session_expired', null);
      return 'refused';
    }
    const connector = await repo.findConnector(db, key);
    if (!connector) return 'skipped';
    if (isDegraded(connector, module.selectors.version)) {
      await finish(row, jobId, 'refused', 'connector_degraded', null);
      return 'refused';
    }
    const session = await openSession(row);
    if (!session) {
      await db.transaction((tx) => repo.expireConnection(tx, row.id));
      await finish(row, jobId, 'refused', 'session_expired', null);
      return 'refused';
    }
    const cursor = row.syncCursor ?? {
      run_id: randomUUID(),
      next_page: 1,
      started_at: new Date().toISOString(),
    };
    const target = {
      connectionId: row.id,
      supplierId: connector.supplierId,
      runId: cursor.run_id,
      fallbackCategory: module.displayName,
    };
    const stop = deps.metrics.syncDuration.startTimer({ supplier: key });
    const client = deps.runtime.client(key);
    // The articles this run has read, kept with the cursor so a resumed run still knows them at the end.
    const resumedSeen = cursor.seen ?? [];
    const seen = [...resumedSeen];
    try {
      await deps.runtime.limit(key, () =>
        client.withSession(session, (g) =>
          runCatalogPipeline({
            firstPage: cursor.next_page,
            batchItems: deps.config.syncBatchItems,
            writers: deps.config.syncWriters,
            fetchPage: (page) => client.catalogPage(g, page),
            pace: () => pause(deps.config.pacing),
            write: async (items, checkpoint) => {
              await db.transaction(async (tx) => {
                await mirror.upsertCatalogBatch(tx, target, items);
                await repo.updateConnection(tx, row.id, {
                  syncCursor: {
                    ...cursor,
                    next_page: checkpoint.nextPage,
                    seen: [...resumedSeen, ...checkpoint.read],
                  },
                });
              });
              seen.push(...items.map((i) => i.externalId));
              deps.metrics.syncItems.inc({ supplier: key }, items.length);
            },
          }),
        ),
      );
      const { deactivated, items } = await db.transaction(async (tx) => {
        const count = await mirror.deactivateUnseen(tx, target, seen);
        const active = await mirror.countCache(tx, row.id);
        await repo.updateConnection(tx, row.id, { syncCursor: null });
        await insertOutboxEvents(tx, [
          {
            type: 'connector.sync_completed',
            aggregateType: 'supplier_connection',
            aggregateId: row.id,
            payload: { connection_id: row.id, supplier_key: key, items: active, deactivated: count },
          },
        ]);
        return { deactivated: count, items: active };
      });
      deps.metrics.syncSuccess.inc({ supplier: key });
      await finish(row, jobId, 'success', deactivated > 0 ? `deactivated:${deactivated}` : null, items);
      return 'success';
    } catch (err) {
      if (!(err instanceof ConnectorError)) {
        await finish(row, jobId, 'failed', 'portal_unavailable', null);
        throw err; // transient: the job retries and resumes at the remembered page
      }
      if (err.kind === 'session_expired') await db.transaction((tx) => repo.expireConnection(tx, row.id));
      if (err.kind === 'selectors_broken') await selectorsFailed(key, err.brokenSelectors);
      await finish(row, jobId, 'failed', err.kind, null);
      return 'failed';
    } finally {
      stop();
    }
  }

  return {
    sync,

    /** Nightly (03:00 Europe/Stockholm): sweep expired sessions, then sync and pull invoices for live ones. */
    async nightly(jobId: string): Promise<{ synced: number; failed: number }> {
      await db.transaction((tx) => repo.expireSessions(tx, new Date()));
      let synced = 0;
      let failed = 0;
      for (const row of await repo.liveConnections(db, new Date())) {
        const outcome = await sync(row.id, jobId).catch(() => 'failed' as const);
        if (outcome === 'success') {
          synced += 1;
          await pullInvoices(row.id, jobId).catch(() => undefined);
        } else if (outcome === 'failed') failed += 1;
      }
      return { synced, failed };
    },

    /** DOM watcher: checks every selector of the supplier's map; broken ones mark the connector degraded. */
    async watchDom(key: SupplierKey, jobId: string) {
      const module = CONNECTOR_MODULES[key];
      const live = (await repo.liveConnections(db, new Date())).filter((c) => c.supplierKey === key);
      let session: SessionState | undefined;
      for (const row of live) {
        session = await openSession(row);
        if (session) break;
      }
      const { broken, unchecked } = await deps.runtime.limit(key, () =>
        deps.runtime.client(key).checkSelectors(session),
      );
      const connector = await repo.findConnector(db, key);
      if (!connector) return { broken, unchecked };
      await db.transaction(async (tx) => {
        await repo.setConnectorHealth(tx, key, {
          health: broken.length > 0 ? 'degraded' : 'healthy',
          brokenSelectors: broken,
          selectorMapVersion: module.selectors.version,
        });
        await recordAudit(tx, jobContext(jobId), {
          action: 'connector.dom_check',
          resourceType: 'supplier_connector',
          resourceId: connector.id,
          details: { supplier: key, broken, unchecked, selector_map_version: module.selectors.version },
        });
        if (broken.length > 0) {
          await insertOutboxEvents(tx, [
            {
              type: 'connector.dom_changed',
              aggregateType: 'supplier_connector',
              aggregateId: connector.id,
              payload: {
                supplier_key: key,
                selector_map_version: module.selectors.version,
                broken_selectors: broken,
              },
            },
          ]);
        }
      });
      if (broken.length > 0) deps.metrics.domFailures.inc({ supplier: key });
      return { broken, unchecked };
    },

    pullInvoices,
  };

  /**
   * Downloads the portal's invoices into supplier-invoice intake, which drops the ones it already has (content
   * hash). A document that is too large or not an invoice file is skipped and named in the audit, not retried.
   */
  async function pullInvoices(connectionId: string, jobId: string) {
    const outcome = { received: 0, duplicates: 0, rejected: [] as { number: string; reason: string }[] };
    const row = await repo.findConnectionById(db, connectionId);
    if (!row || effectiveStatus(row, new Date()) !== 'active') return outcome;
    const key = row.supplierKey as SupplierKey;
    const connector = await repo.findConnector(db, key);
    const session = await openSession(row);
    if (!session || !connector) return outcome;
    const client = deps.runtime.client(key);
    const ctx = jobContext(jobId);
    const admit = async (g: GuardedContext, invoice: InvoiceRef) => {
      try {
        const bytes = await client.download(g, invoice.url);
        const stored = await deps.intake.ingest(ctx, {
          restaurantId: row.restaurantId,
          supplierId: connector.supplierId,
          supplierKey: key,
          filename: `${key}-${invoice.number}.pdf`,
          bytes,
        });
        if (stored.duplicate) outcome.duplicates += 1;
        else outcome.received += 1;
      } catch (err) {
        if (err instanceof ConnectorError && err.kind === 'too_large')
          outcome.rejected.push({ number: invoice.number, reason: 'too_large' });
        else if (err instanceof DomainError)
          outcome.rejected.push({ number: invoice.number, reason: err.code });
        else throw err;
      }
    };
    try {
      await deps.runtime.limit(key, () =>
        client.withSession(session, async (g) => {
          for (const invoice of await client.listInvoices(g)) await admit(g, invoice);
        }),
      );
    } catch (err) {
      if (!(err instanceof ConnectorError && err.kind === 'session_expired')) throw err;
      await db.transaction((tx) => repo.expireConnection(tx, row.id));
      return outcome;
    }
    await db.transaction(async (tx) => {
      await repo.updateConnection(tx, row.id, { lastInvoicePullAt: new Date() });
      await recordAudit(tx, ctx, {
        action: 'connector.invoice_pull',
        resourceType: 'supplier_connection',
        resourceId: row.id,
        details: { supplier: key, ...outcome },
      });
    });
    return outcome;
  }
}

export type ConnectorJobs = ReturnType<typeof createConnectorJobs>;
