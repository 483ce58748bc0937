import { vatNumberOf } from '../organisations/org-number.js';
import { and, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import { queryRows } from '../../db/rows.js';
import { suppliers } from '../organisations/organisations.models.js';
import {
  type ConnectionRow,
  type ConnectorRow,
  supplierConnections,
  supplierConnectors,
  supplierSessionSecrets,
} from './integrations.models.js';

type ConnectionInsert = typeof supplierConnections.$inferInsert;

export async function findConnection(
  ex: Executor,
  restaurantId: string,
  supplierKey: string,
): Promise<ConnectionRow | undefined> {
  const [row] = await ex
    .select()
    .from(supplierConnections)
    .where(
      and(
        eq(supplierConnections.restaurantId, restaurantId),
        eq(supplierConnections.supplierKey, supplierKey),
        isNull(supplierConnections.deletedAt),
      ),
    );
  return row;
}

export async function findConnectionById(ex: Executor, id: string): Promise<ConnectionRow | undefined> {
  const [row] = await ex
    .select()
    .from(supplierConnections)
    .where(and(eq(supplierConnections.id, id), isNull(supplierConnections.deletedAt)));
  return row;
}

/** A restaurant has one connection per supplier; connecting again reuses (and resets) it. */
export async function upsertConnection(tx: Transaction, values: ConnectionInsert): Promise<ConnectionRow> {
  const [row] = await tx
    .insert(supplierConnections)
    .values(values)
    .onConflictDoUpdate({
      target: [supplierConnections.restaurantId, supplierConnections.supplierKey],
      targetWhere: sql`${supplierConnections.deletedAt} IS NULL`,
      set: {
        status: values.status,
        scopes: values.scopes,
        consentGivenAt: values.consentGivenAt,
        consentTextVersion: values.consentTextVersion,
        consentAccountId: values.consentAccountId,
        sessionExpiresAt: values.sessionExpiresAt ?? null,
        syncCursor: null,
        disconnectedAt: null,
      },
    })
    .returning();
  if (!row) throw new Error('connection upsert returned nothing');
  return row;
}

export async function updateConnection(
  ex: Executor,
  id: string,
  patch: Partial<ConnectionInsert>,
): Promise<ConnectionRow | undefined> {
  const [row] = await ex
    .update(supplierConnections)
    .set(patch)
    .where(eq(supplierConnections.id, id))
    .returning();
  return row;
}

export async function saveSecret(
  tx: Transaction,
  values: {
    connectionId: string;
    kekId: string;
    wrappedDataKey: string;
    ciphertext: string;
    expiresAt: Date;
  },
): Promise<void> {
  await tx
    .insert(supplierSessionSecrets)
    .values(values)
    .onConflictDoUpdate({
      target: supplierSessionSecrets.connectionId,
      set: {
        kekId: values.kekId,
        wrappedDataKey: values.wrappedDataKey,
        ciphertext: values.ciphertext,
        expiresAt: values.expiresAt,
      },
    });
}

export async function findLiveSecret(ex: Executor, connectionId: string, now: Date) {
  const [row] = await ex
    .select()
    .from(supplierSessionSecrets)
    .where(
      and(eq(supplierSessionSecrets.connectionId, connectionId), gt(supplierSessionSecrets.expiresAt, now)),
    );
  return row;
}

/** Destroys the sealed session for good (a hard delete: the secret must not linger in a soft-deleted row). */
export async function destroySecret(ex: Executor, connectionId: string): Promise<boolean> {
  const rows = await ex
    .delete(supplierSessionSecrets)
    .where(eq(supplierSessionSecrets.connectionId, connectionId))
    .returning({ id: supplierSessionSecrets.id });
  return rows.length > 0;
}

/** Active connections whose session has run out become `expired` and lose their secret. Returns their ids. */
export async function expireSessions(tx: Transaction, now: Date): Promise<string[]> {
  const rows = await tx
    .update(supplierConnections)
    .set({ status: 'expired', syncCursor: null })
    .where(and(eq(supplierConnections.status, 'active'), lte(supplierConnections.sessionExpiresAt, now)))
    .returning({ id: supplierConnections.id });
  for (const { id } of rows) await destroySecret(tx, id);
  return rows.map((r) => r.id);
}

/** The portal ended this session early: the connection becomes `expired` and its secret is destroyed. */
export async function expireConnection(tx: Transaction, id: string): Promise<void> {
  await tx
    .update(supplierConnections)
    .set({ status: 'expired', syncCursor: null })
    .where(eq(supplierConnections.id, id));
  await destroySecret(tx, id);
}

export async function liveConnections(ex: Executor, now: Date): Promise<ConnectionRow[]> {
  return ex
    .select()
    .from(supplierConnections)
    .where(
      and(
        eq(supplierConnections.status, 'active'),
        gt(supplierConnections.sessionExpiresAt, now),
        isNull(supplierConnections.deletedAt),
      ),
    )
    .orderBy(supplierConnections.supplierKey, supplierConnections.id);
}

export async function findConnector(ex: Executor, supplierKey: string): Promise<ConnectorRow | undefined> {
  const [row] = await ex
    .select()
    .from(supplierConnectors)
    .where(eq(supplierConnectors.supplierKey, supplierKey));
  return row;
}

/** The Iris supplier a connector's products belong to, created on first use from the configured org number. */
export async function ensureConnector(
  tx: Transaction,
  supplierKey: string,
  supplier: { legalName: string; orgNumber: string },
): Promise<ConnectorRow> {
  const existing = await findConnector(tx, supplierKey);
  if (existing) return existing;
  const [found] = await tx
    .select({ id: suppliers.id })
    .from(suppliers)
    .where(and(eq(suppliers.orgNumber, supplier.orgNumber), isNull(suppliers.deletedAt)));
  const supplierId =
    found?.id ??
    (
      await tx
        .insert(suppliers)
        .values({ ...supplier, vatNumber: vatNumberOf(supplier.orgNumber) })
        .returning({ id: suppliers.id })
    )[0]?.id;
  if (!supplierId) throw new Error('supplier insert returned nothing');
  await tx.insert(supplierConnectors).values({ supplierKey, supplierId }).onConflictDoNothing();
  const row = await findConnector(tx, supplierKey);
  if (!row) throw new Error('connector row missing after insert');
  return row;
}

export async function setConnectorHealth(
  ex: Executor,
  supplierKey: string,
  verdict: { health: 'healthy' | 'degraded'; brokenSelectors: string[]; selectorMapVersion: string },
): Promise<void> {
  await ex
    .update(supplierConnectors)
    .set({ ...verdict, checkedAt: sql`now()` })
    .where(eq(supplierConnectors.supplierKey, supplierKey));
}

/** Supplier article numbers for Iris product ids of this supplier (cart prefill from Iris lines). */
export async function skusForProducts(ex: Executor, supplierId: string, productIds: string[]) {
  if (productIds.length === 0) return new Map<string, string>();
  const result = await queryRows<{ id: string; sku: string }>(
    ex,
    sql`
    SELECT id, sku FROM products WHERE supplier_id = ${supplierId}::uuid
      AND id IN (SELECT (jsonb_array_elements_text(${JSON.stringify(productIds)}::jsonb))::uuid)`,
  );
  return new Map(result.map((r) => [r.id, r.sku]));
}

/** Events of this connection that enqueue connector jobs (the event id is the job id), from the last two days. */
export async function jobEventIds(ex: Executor, connectionId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`
    SELECT id FROM outbox_events
    WHERE aggregate_type = 'supplier_connection' AND aggregate_id = ${connectionId}::uuid
      AND event_type IN ('connector.connected', 'connector.sync_requested', 'connector.cart_prefilled')
      AND created_at > now() - interval '2 days'`,
  );
  return rows.map((r) => r.id);
}
