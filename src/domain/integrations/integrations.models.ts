import { sql } from 'drizzle-orm';
import {
  boolean,
  char,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { baseColumns, instant } from '../../db/base.js';
import { restaurants, suppliers } from '../organisations/organisations.models.js';

export const CONNECTION_STATES = ['awaiting_code', 'active', 'expired', 'failed', 'disconnected'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];
export const connectionState = pgEnum('connection_state', CONNECTION_STATES);

export const CONNECTOR_HEALTH = ['healthy', 'degraded'] as const;
export const connectorHealth = pgEnum('connector_health', CONNECTOR_HEALTH);

/**
 * Where a sync stands; a failed sync resumes at `next_page` with the same run id (spec §11). `seen` lists the
 * articles the run has written so far: at the end, active cache rows outside it are deactivated.
 */
export interface SyncCursor {
  run_id: string;
  next_page: number;
  started_at: string;
  seen?: string[];
}

/** spec §11 SupplierConnection: a restaurant's mirror of its own account at a wholesaler. */
export const supplierConnections = pgTable(
  'supplier_connections',
  {
    ...baseColumns(),
    restaurantId: uuid('restaurant_id')
      .notNull()
      .references(() => restaurants.id),
    supplierKey: text('supplier_key').notNull(),
    status: connectionState('status').notNull(),
    scopes: text('scopes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    consentGivenAt: instant('consent_given_at').notNull(),
    consentTextVersion: text('consent_text_version').notNull(),
    consentAccountId: uuid('consent_account_id').notNull(),
    sessionExpiresAt: instant('session_expires_at'),
    lastSyncAt: instant('last_sync_at'),
    lastSyncOutcome: text('last_sync_outcome'),
    lastSyncReason: text('last_sync_reason'),
    lastSyncItems: integer('last_sync_items'),
    syncCursor: jsonb('sync_cursor').$type<SyncCursor>(),
    lastInvoicePullAt: instant('last_invoice_pull_at'),
    disconnectedAt: instant('disconnected_at'),
  },
  (t) => [
    uniqueIndex('supplier_connections_restaurant_supplier_key')
      .on(t.restaurantId, t.supplierKey)
      .where(sql`${t.deletedAt} IS NULL`),
    index('supplier_connections_live_idx')
      .on(t.supplierKey, t.sessionExpiresAt)
      .where(sql`${t.status} = 'active' AND ${t.deletedAt} IS NULL`),
    check('supplier_connections_supplier_key', sql`${t.supplierKey} ~ '^[a-z][a-z0-9_]{1,39}$'`),
  ],
);

/**
 * spec §11 SupplierSessionSecret: the portal session (cookies/storage) sealed with envelope encryption — a
 * per-connection data key wrapped by the key-encryption key named in `kek_id`. Destroyed (hard-deleted) on
 * disconnect; a secret must not outlive its purpose, so this table has no soft delete semantics.
 */
export const supplierSessionSecrets = pgTable('supplier_session_secrets', {
  ...baseColumns(),
  connectionId: uuid('connection_id')
    .notNull()
    .unique('supplier_session_secrets_connection_key')
    .references(() => supplierConnections.id, { onDelete: 'cascade' }),
  kekId: text('kek_id').notNull(),
  wrappedDataKey: text('wrapped_data_key').notNull(),
  ciphertext: text('ciphertext').notNull(),
  expiresAt: instant('expires_at').notNull(),
});

/** spec §11 SupplierCatalogCache: the raw values as this customer's portal showed them. */
export const supplierCatalogCache = pgTable(
  'supplier_catalog_cache',
  {
    ...baseColumns('time-ordered'),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => supplierConnections.id, { onDelete: 'cascade' }),
    productExternalId: text('product_external_id').notNull(),
    name: text('name').notNull(),
    priceCents: integer('price_cents').notNull(),
    currency: char('currency', { length: 3 }).notNull().default('SEK'),
    unit: text('unit').notNull(),
    packText: text('pack_text').notNull(),
    gtin: text('gtin'),
    available: boolean('available').notNull(),
    orderable: boolean('orderable').notNull(),
    raw: jsonb('raw').$type<Record<string, unknown>>().notNull(),
    active: boolean('active').notNull().default(true),
    seenRunId: uuid('seen_run_id').notNull(),
    syncedAt: instant('synced_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('supplier_catalog_cache_connection_product_key').on(t.connectionId, t.productExternalId),
    check('supplier_catalog_cache_price_positive', sql`${t.priceCents} >= 1`),
  ],
);

/** One row per supplier connector: the Iris supplier its products belong to and the DOM watcher's verdict. */
export const supplierConnectors = pgTable('supplier_connectors', {
  ...baseColumns(),
  supplierKey: text('supplier_key').notNull().unique('supplier_connectors_supplier_key'),
  supplierId: uuid('supplier_id')
    .notNull()
    .references(() => suppliers.id),
  health: connectorHealth('health').notNull().default('healthy'),
  selectorMapVersion: text('selector_map_version'),
  brokenSelectors: text('broken_selectors')
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  checkedAt: instant('checked_at'),
});

export type ConnectionRow = typeof supplierConnections.$inferSelect;
export type ConnectorRow = typeof supplierConnectors.$inferSelect;
