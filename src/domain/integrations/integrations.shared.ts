import type { RequestContext, UserContext } from '../../core/context.js';
import type { Executor } from '../../core/db.types.js';
import { DomainError } from '../../core/errors.js';
import type { ConnectorRuntime } from '../../connectors/runtime.js';
import type { SupplierKey } from '../../connectors/connector.js';
import type { ConnectorMetrics } from '../../core/metrics.js';
import { findMembership } from '../organisations/organisations.repository.js';
import type { ConnectionRow, ConnectorRow } from './integrations.models.js';
import type { ConnectionDto } from './integrations.schemas.js';
import type { SessionVault } from './session-vault.js';
import type { SupplierInvoiceIntake } from './invoice-intake.js';
import type { ConnectorConfig } from '../../core/config.connectors.js';
import type { JobCanceller } from '../../core/jobs.js';

export interface IntegrationDeps {
  runtime: ConnectorRuntime;
  vault: SessionVault;
  metrics: ConnectorMetrics;
  config: ConnectorConfig;
  intake: SupplierInvoiceIntake;
  /** Removes a connection's queued jobs on disconnect (BullMQ, or the in-process queue); absent in job services. */
  jobs?: JobCanceller | undefined;
}

/** Restaurant members may read and sync; connecting and disconnecting an account takes an owner. */
export async function assertMember(
  ex: Executor,
  ctx: UserContext,
  restaurantId: string,
  need: 'member' | 'owner',
): Promise<void> {
  if (ctx.principal.role === 'ADMIN' && need === 'member') return;
  const membership = await findMembership(ex, 'restaurant', ctx.principal.accountId, restaurantId);
  // Not a member: answer as if the restaurant did not exist (no probing of other restaurants).
  if (!membership) throw new DomainError('RESTAURANT_NOT_FOUND', 'Restaurant not found');
  if (need === 'owner' && membership.memberRole !== 'owner') {
    throw new DomainError(
      'FORBIDDEN',
      'Only an owner of the restaurant can connect or disconnect supplier accounts',
    );
  }
}

/** An active connection whose session has run out reads as `expired`, even before the sweep marks it. */
export function effectiveStatus(row: ConnectionRow, now: Date): ConnectionRow['status'] {
  if (row.status === 'active' && (!row.sessionExpiresAt || row.sessionExpiresAt <= now)) return 'expired';
  return row.status;
}

/** A stored "degraded" verdict counts only for the selector map it was found with; a newer map gets a chance. */
export function isDegraded(connector: ConnectorRow | undefined, mapVersion: string): boolean {
  return connector?.health === 'degraded' && connector.selectorMapVersion === mapVersion;
}

export function toDto(
  row: ConnectionRow,
  connector: ConnectorRow | undefined,
  mapVersion: string,
  now: Date,
): ConnectionDto {
  return {
    connection_id: row.id,
    supplier: row.supplierKey as SupplierKey,
    restaurant_id: row.restaurantId,
    status: effectiveStatus(row, now),
    scopes: row.scopes,
    consent_given_at: row.consentGivenAt.toISOString(),
    consent_text_version: row.consentTextVersion,
    session_expires_at: row.sessionExpiresAt?.toISOString() ?? null,
    last_sync_at: row.lastSyncAt?.toISOString() ?? null,
    last_sync_outcome: row.lastSyncOutcome,
    last_sync_reason: row.lastSyncReason,
    last_sync_items: row.lastSyncItems,
    connector_health: isDegraded(connector, mapVersion) ? 'degraded' : 'healthy',
  };
}

/** Jobs act as the `connectors` service principal in the audit trail. */
export const jobContext = (jobId: string): RequestContext => ({
  principal: { kind: 'service', name: 'connectors', scopes: [] },
  requestId: `job:${jobId}`,
  ip: '',
  userAgent: undefined,
});
