import { sql, type SQL } from 'drizzle-orm';
import type { RetentionKind } from './privacy.models.js';

/**
 * Every table Iris has, what personal data it holds, how one person's rows are found, what erasure does to them
 * and how the rows leave in time. The PII-REG pre-flight check compares this with the live database: a table
 * missing here, or a personal-looking column nobody classified, fails it — so a new domain cannot forget GDPR.
 * Erasure rules run in this order, in one transaction.
 */

/** Column names that look like personal data; each such column must be classified below. */
export const PERSONAL_LOOKING_COLUMN =
  '(^|_)(email|phone|display_name|first_name|last_name|full_name|ip|user_agent|external_id|token|note|reason|address|address_line|account_id|actor_account_id|target)(_|$)|_by$';

/** What erasure does to the rows the subject condition selects. */
export type ErasureRule =
  /** The rows are deleted. */
  | { action: 'delete'; subject: (account: SQL) => SQL }
  /** The listed columns are overwritten: `null`, or the text `[erased]`; ids pointing at the account stay. */
  | { action: 'redact'; subject: (account: SQL) => SQL; set: Record<string, 'null' | 'redacted'> }
  /** The account row itself: identity replaced by the stable pseudonym, then soft-deleted. */
  | { action: 'tombstone'; subject: (account: SQL) => SQL };

export interface TableEntry {
  table: string;
  /** Columns holding personal data: exported to the person, handled by `erasure`. */
  personal: readonly string[];
  /** Personal-looking columns that are not personal data, each with the reason. */
  notPersonal?: Readonly<Record<string, string>>;
  /** How a person's rows are found, for the export (absent: the table holds no person's rows). */
  subject?: (account: SQL) => SQL;
  erasure: readonly ErasureRule[];
  /** Kept on erasure, and why (rows the erasure leaves as they are). */
  kept?: string;
  /**
   * How rows leave in time: a retention kind of the hard-delete function, `job` (a job of its own, named in
   * docs/README.md), `with_parent` (cascade from the row they belong to), or `kept` (configuration and proof).
   */
  retention: RetentionKind | 'job' | 'with_parent' | 'kept';
  /**
   * Which rows are past retention, on the table aliased `t`, when the kind's default does not fit
   * (defaults: soft_deleted → `deleted_at`, audit_log → `created_at`, financial_records → `created_at` after the
   * end of its calendar year).
   */
  expired?: 'finished_orders';
  /**
   * Columns holding object-store keys (`sha256/…`). The hard-delete sweep removes a stored file only when no
   * such column of any table names it, so a table that keeps file keys must list them here (PII-REG checks it).
   */
  storedFiles?: readonly string[];
}

/** Column names that hold object-store keys; each must be declared in its table's `storedFiles`. */
export const STORED_FILE_COLUMN = '(^|_)(file|object|storage)_key$';

const column = (name: string) => (account: SQL) => sql`${sql.identifier(name)} = ${account}`;
const ORGANISATION = 'organisation (company) data, not a person';

export const PERSONAL_DATA_REGISTRY: readonly TableEntry[] = [
  {
    table: 'accounts',
    personal: ['email', 'external_id', 'display_name', 'locale', 'time_zone', 'last_login_at'],
    subject: column('id'),
    erasure: [{ action: 'tombstone', subject: column('id') }],
    kept: 'the row stays as a tombstone holding only the pseudonym, so the books keep pointing at one party',
    // Never hard-deleted: a soft-deleted account past retention is erased instead (hard-delete run, step 1).
    retention: 'kept',
  },
  {
    table: 'supplier_members',
    personal: ['account_id', 'member_role'],
    subject: column('account_id'),
    erasure: [{ action: 'delete', subject: column('account_id') }],
    retention: 'soft_deleted',
  },
  {
    table: 'restaurant_members',
    personal: ['account_id', 'member_role'],
    subject: column('account_id'),
    erasure: [{ action: 'delete', subject: column('account_id') }],
    retention: 'soft_deleted',
  },
  {
    // Deliveries name a device token as their target; redacted before the tokens themselves go.
    table: 'notification_deliveries',
    personal: ['target'],
    subject: (account) =>
      sql`channel = 'push' AND target IN (SELECT token FROM device_tokens WHERE account_id = ${account})`,
    erasure: [
      {
        action: 'redact',
        subject: (account) =>
          sql`channel = 'push' AND target IN (SELECT token FROM device_tokens WHERE account_id = ${account})`,
        set: { target: 'redacted' },
      },
    ],
    retention: 'audit_log',
  },
  {
    table: 'device_tokens',
    personal: ['account_id', 'token', 'platform', 'last_seen_at'],
    subject: column('account_id'),
    erasure: [{ action: 'delete', subject: column('account_id') }],
    retention: 'job',
  },
  {
    table: 'idempotency_keys',
    personal: ['account_id', 'response_body'],
    subject: column('account_id'),
    erasure: [{ action: 'delete', subject: column('account_id') }],
    retention: 'job',
  },
  {
    table: 'orders',
    personal: ['placed_by', 'note'],
    notPersonal: {
      cancel_reason: 'the business reason of a cancel; its author is redacted in order_status_history',
    },
    subject: column('placed_by'),
    erasure: [{ action: 'redact', subject: column('placed_by'), set: { note: 'null' } }],
    kept: 'bookkeeping (7 years): amounts, VAT and lines stay; placed_by points at the pseudonymised account',
    retention: 'financial_records',
    expired: 'finished_orders',
  },
  {
    table: 'order_status_history',
    personal: ['actor_account_id', 'reason'],
    subject: column('actor_account_id'),
    erasure: [{ action: 'redact', subject: column('actor_account_id'), set: { reason: 'redacted' } }],
    kept: 'bookkeeping: the transitions stay, their actor is the pseudonymised account',
    retention: 'with_parent',
  },
  { table: 'order_lines', personal: [], erasure: [], retention: 'with_parent' },
  {
    table: 'credit_notes',
    personal: ['issued_by'],
    notPersonal: { reason: 'the business reason of the correction, printed on the credit note' },
    subject: column('issued_by'),
    erasure: [],
    kept: 'bookkeeping (7 years): an issued credit note never changes; issued_by points at the pseudonymised account',
    retention: 'with_parent',
  },
  {
    table: 'credit_note_lines',
    personal: [],
    notPersonal: { credit_note_id: 'the credit note the line belongs to (a document, not a note about anyone)' },
    erasure: [],
    retention: 'with_parent',
  },
  {
    table: 'audit_log',
    personal: ['actor_account_id', 'ip', 'user_agent', 'details'],
    subject: column('actor_account_id'),
    erasure: [],
    kept: 'the security trail (spec §6) is append-only and kept for its retention period (GDPR art. 17(3)(e))',
    retention: 'audit_log',
  },
  {
    table: 'suppliers',
    personal: [],
    notPersonal: { contact_email: ORGANISATION, contact_phone: ORGANISATION, address_line: ORGANISATION },
    erasure: [],
    retention: 'soft_deleted',
  },
  {
    table: 'restaurants',
    personal: [],
    notPersonal: {
      contact_email: ORGANISATION,
      contact_phone: ORGANISATION,
      address_line: ORGANISATION,
      delivery_address_line: ORGANISATION,
    },
    erasure: [],
    retention: 'soft_deleted',
  },
  { table: 'products', personal: [], erasure: [], retention: 'soft_deleted' },
  { table: 'product_prices', personal: [], erasure: [], retention: 'with_parent' },
  { table: 'search_terms', personal: [], erasure: [], retention: 'kept' },
  { table: 'catalog_writes', personal: [], erasure: [], retention: 'job' },
  { table: 'webhook_endpoints', personal: [], erasure: [], retention: 'soft_deleted' },
  { table: 'outbox_events', personal: [], erasure: [], retention: 'kept' },
  { table: 'outbox_deliveries', personal: [], erasure: [], retention: 'job' },
  {
    table: 'retention_policies',
    personal: [],
    notPersonal: { updated_by: 'an administrator acting for the platform' },
    erasure: [],
    retention: 'kept',
  },
  { table: 'deletion_log', personal: [], erasure: [], retention: 'kept' },
  {
    table: 'gdpr_erasures',
    personal: [],
    notPersonal: {
      account_id: 'the id of an account whose identity is gone: proof of the erasure',
      requested_by: 'an administrator acting for the platform',
    },
    erasure: [],
    retention: 'kept',
  },
  { table: 'hard_delete_lease', personal: [], erasure: [], retention: 'kept' },
  // Supplier invoices (bookkeeping documents of organisations).
  {
    table: 'supplier_invoices',
    personal: ['uploaded_by'],
    subject: column('uploaded_by'),
    erasure: [],
    kept: 'bookkeeping (7 years): uploaded_by points at the pseudonymised account',
    notPersonal: { failure_reason: 'a machine reason code' },
    retention: 'financial_records',
    storedFiles: ['file_key'],
  },
  {
    table: 'supplier_invoice_history',
    personal: ['actor_account_id'],
    subject: column('actor_account_id'),
    erasure: [],
    kept: 'bookkeeping: the actor is the pseudonymised account',
    retention: 'with_parent',
  },
  { table: 'supplier_invoice_lines', personal: [], erasure: [], retention: 'with_parent' },
  {
    table: 'supplier_invoice_discrepancies',
    personal: [],
    notPersonal: { reason: 'a reconciliation reason code' },
    erasure: [],
    retention: 'with_parent',
  },
  { table: 'supplier_invoice_tolerances', personal: [], erasure: [], retention: 'kept' },
  // Payments (Stripe Connect).
  {
    table: 'payments',
    personal: [],
    notPersonal: {
      dispute_reason: "Stripe's dispute reason code",
      destination_account_id: "the supplier's Stripe account",
    },
    erasure: [],
    retention: 'financial_records',
  },
  {
    table: 'payment_refunds',
    personal: ['requested_by', 'reason'],
    subject: column('requested_by'),
    erasure: [{ action: 'redact', subject: column('requested_by'), set: { reason: 'redacted' } }],
    kept: 'bookkeeping: the refund and its amount stay; its author is the pseudonymised account',
    retention: 'financial_records',
  },
  { table: 'payouts', personal: [], erasure: [], retention: 'financial_records' },
  {
    table: 'payment_accounts',
    personal: [],
    notPersonal: { stripe_account_id: "a supplier's Stripe account" },
    erasure: [],
    retention: 'kept',
  },
  {
    table: 'stripe_events',
    personal: [],
    notPersonal: { stripe_account_id: "a supplier's Stripe account" },
    erasure: [],
    retention: 'audit_log',
  },
  // Supplier connectors: the person consented and their portal session is theirs.
  {
    table: 'supplier_session_secrets',
    personal: ['expires_at'],
    subject: (account) =>
      sql`connection_id IN (SELECT id FROM supplier_connections WHERE consent_account_id = ${account})`,
    erasure: [
      {
        action: 'delete',
        subject: (account) =>
          sql`connection_id IN (SELECT id FROM supplier_connections WHERE consent_account_id = ${account})`,
      },
    ],
    retention: 'job',
  },
  {
    table: 'supplier_connections',
    personal: ['consent_account_id', 'consent_given_at', 'consent_text_version'],
    notPersonal: { last_sync_reason: 'a machine reason code' },
    subject: column('consent_account_id'),
    erasure: [{ action: 'delete', subject: column('consent_account_id') }],
    retention: 'soft_deleted',
  },
  {
    table: 'supplier_catalog_cache',
    personal: [],
    notPersonal: { product_external_id: "the portal's article number" },
    erasure: [],
    retention: 'with_parent',
  },
  { table: 'supplier_connectors', personal: [], erasure: [], retention: 'kept' },
  // Forecasts: demand of organisations and the weather.
  {
    table: 'forecast_series',
    personal: [],
    notPersonal: { weather_note: 'why weather was or was not used' },
    erasure: [],
    retention: 'kept',
  },
  { table: 'forecast_points', personal: [], erasure: [], retention: 'with_parent' },
  { table: 'weather_days', personal: [], erasure: [], retention: 'kept' },
  // Supplier recommendations: a restaurant's chosen score weights; who last changed them is an account.
  {
    table: 'recommendation_weights',
    personal: ['updated_by'],
    subject: column('updated_by'),
    erasure: [{ action: 'redact', subject: column('updated_by'), set: { updated_by: 'null' } }],
    retention: 'kept',
  },
  // Dynamic pricing: organisations' commercial terms; the only person is who decided a proposal.
  { table: 'pricing_settings', personal: [], erasure: [], retention: 'kept' },
  { table: 'pricing_rules', personal: [], erasure: [], retention: 'soft_deleted' },
  {
    table: 'price_proposals',
    personal: ['decided_by'],
    notPersonal: { target_price_cents: 'the price the signals asked for, in öre' },
    subject: column('decided_by'),
    erasure: [],
    kept: 'the pricing record stays (it explains a price in the history); decided_by points at the pseudonymised account',
    retention: 'kept',
  },
  { table: 'price_agreements', personal: [], erasure: [], retention: 'soft_deleted' },
];

/** Tables the registry need not name: the migrator's own bookkeeping. */
export const UNREGISTERED_TABLES = ['iris_schema_migrations'];
