import type { ConnectorConfig } from '../core/config.connectors.js';
import { BrowserPool } from './browser.js';
import type { SupplierKey } from './connector.js';
import { createPortalClient, type PortalClient } from './portal-client.js';
import { Semaphore } from './pacing.js';
import { CONNECTOR_MODULES } from './registry.js';

/**
 * The process's connector machinery: one browser (shared by every app and job service in the process, counted
 * by holders so the last one closes it), a portal client and a concurrency limit per supplier.
 */
export interface ConnectorRuntime {
  client(key: SupplierKey): PortalClient;
  /** Runs browser work for a supplier within its per-process concurrency limit. */
  limit<T>(key: SupplierKey, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const shared = new Map<string, { pool: BrowserPool; holders: number }>();

function acquirePool(config: ConnectorConfig): { pool: BrowserPool; release: () => Promise<void> } {
  const key = `${config.chromiumPath}|${config.proxy ?? ''}`;
  let entry = shared.get(key);
  if (!entry) {
    entry = {
      pool: new BrowserPool({
        executablePath: config.chromiumPath,
        userAgents: config.userAgents,
        proxy: config.proxy,
        navigationTimeoutMs: config.timeoutMs,
      }),
      holders: 0,
    };
    shared.set(key, entry);
  }
  entry.holders += 1;
  const held = entry;
  let released = false;
  return {
    pool: held.pool,
    async release() {
      if (released) return;
      released = true;
      held.holders -= 1;
      if (held.holders === 0) {
        shared.delete(key);
        await held.pool.close();
      }
    },
  };
}

export function createConnectorRuntime(config: ConnectorConfig): ConnectorRuntime {
  const { pool, release } = acquirePool(config);
  const clients = new Map<SupplierKey, PortalClient>();
  const limits = new Map<SupplierKey, Semaphore>();
  return {
    client(key) {
      let client = clients.get(key);
      if (!client) {
        client = createPortalClient(CONNECTOR_MODULES[key], {
          baseUrl: config.portals[key].baseUrl,
          pool,
          pacing: config.pacing,
          maxDownloadBytes: config.maxDownloadBytes,
          timeoutMs: config.timeoutMs,
          cartConcurrency: config.cartConcurrency,
        });
        clients.set(key, client);
      }
      return client;
    },
    limit(key, work) {
      let semaphore = limits.get(key);
      if (!semaphore) {
        semaphore = new Semaphore(config.maxConcurrency);
        limits.set(key, semaphore);
      }
      return semaphore.run(work);
    },
    close: release,
  };
}
