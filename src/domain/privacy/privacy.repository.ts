import { asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import { queryRows as rows } from '../../db/rows.js';
import type { ErasureRule } from './personal-data.registry.js';
import {
  deletionLog,
  gdprErasures,
  hardDeleteLease,
  type RetentionKind,
  type RetentionPolicyRow,
  retentionPolicies,
} from './privacy.models.js';

const table = (name: string) => sql.identifier(name);
/** Runs a data-modifying statement (without RETURNING) and counts its rows the same way on both drivers. */
async function affected(ex: Executor, statement: SQL): Promise<number> {
  const [row] = await rows<{ n: number }>(
    ex,
    sql`WITH changed AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM changed`,
  );
  return row?.n ?? 0;
}

// --- retention policies --------------------------------------------------------------------------------------

export function listPolicies(ex: Executor): Promise<RetentionPolicyRow[]> {
  return ex.select().from(retentionPolicies).orderBy(asc(retentionPolicies.kind));
}

export async function updatePolicy(
  ex: Executor,
  kind: RetentionKind,
  retentionDays: number,
  updatedBy: string,
): Promise<RetentionPolicyRow | undefined> {
  const [row] = await ex
    .update(retentionPolicies)
    .set({ retentionDays, updatedBy })
    .where(eq(retentionPolicies.kind, kind))
    .returning();
  return row;
}

// --- the live schema, for the PII-REG check --------------------------------------------------------------------

export function liveColumns(ex: Executor) {
  return rows<{ table_name: string; column_name: string }>(
    ex,
    sql`SELECT c.table_name, c.column_name FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        ORDER BY c.table_name, c.ordinal_position`,
  );
}

// --- erasure -------------------------------------------------------------------------------------------------

export async function liveAdminCount(ex: Executor): Promise<number> {
  const [row] = await rows<{ n: number }>(
    ex,
    sql`SELECT count(*)::int AS n FROM accounts WHERE role = 'ADMIN' AND deleted_at IS NULL`,
  );
  return row?.n ?? 0;
}

/** Organisations where the account is the only owner and that still have orders in progress. */
export function soleOwnershipsWithOpenOrders(ex: Executor, accountId: string) {
  return rows<{ kind: 'supplier' | 'restaurant'; org_id: string; open_orders: number }>(
    ex,
    sql`WITH owned AS (
          SELECT 'supplier' AS kind, m.org_id FROM supplier_members m
           WHERE m.account_id = ${accountId} AND m.member_role = 'owner' AND m.deleted_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM supplier_members o WHERE o.org_id = m.org_id AND o.member_role = 'owner'
                               AND o.account_id <> m.account_id AND o.deleted_at IS NULL)
          UNION ALL
          SELECT 'restaurant', m.org_id FROM restaurant_members m
           WHERE m.account_id = ${accountId} AND m.member_role = 'owner' AND m.deleted_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM restaurant_members o WHERE o.org_id = m.org_id AND o.member_role = 'owner'
                               AND o.account_id <> m.account_id AND o.deleted_at IS NULL))
        SELECT owned.kind, owned.org_id, count(o.id)::int AS open_orders
          FROM owned
          JOIN orders o ON (CASE owned.kind WHEN 'supplier' THEN o.supplier_id ELSE o.restaurant_id END) = owned.org_id
         WHERE o.status IN ('placed', 'confirmed', 'dispatched')
         GROUP BY owned.kind, owned.org_id`,
  );
}

/** Applies one erasure rule of the registry to one table; returns the rows it changed. */
export async function applyErasureRule(
  tx: Transaction,
  tableName: string,
  rule: ErasureRule,
  accountId: string,
  pseudonym: string,
): Promise<number> {
  const where = rule.subject(sql`${accountId}::uuid`);
  switch (rule.action) {
    case 'delete':
      return affected(tx, sql`DELETE FROM ${table(tableName)} WHERE ${where}`);
    case 'redact': {
      const assignments = sql.join(
        Object.entries(rule.set).map(
          ([col, value]) => sql`${sql.identifier(col)} = ${value === 'null' ? null : '[erased]'}`,
        ),
        sql`, `,
      );
      return affected(tx, sql`UPDATE ${table(tableName)} SET ${assignments} WHERE ${where}`);
    }
    case 'tombstone':
      return affected(
        tx,
        sql`UPDATE ${table(tableName)}
               SET email = ${`${pseudonym}@erased.invalid`}, external_id = NULL, display_name = NULL,
                   last_login_at = NULL, deleted_at = coalesce(deleted_at, now())
             WHERE ${where}`,
      );
  }
}

/** Soft-deleted accounts past retention whose identity is still there: the hard-delete run erases them. */
export async function expiredAccountsToErase(ex: Executor, days: number, limit: number): Promise<string[]> {
  const found = await rows<{ id: string }>(
    ex,
    sql`SELECT a.id FROM accounts a
         WHERE a.deleted_at < now() - make_interval(days => ${days})
           AND NOT EXISTS (SELECT 1 FROM gdpr_erasures e WHERE e.account_id = a.id)
         ORDER BY a.deleted_at LIMIT ${limit}`,
  );
  return found.map((r) => r.id);
}

/** The account for erasure, locked; `deleted` when it was soft-deleted, undefined when missing or erased. */
export async function lockAccountForErasure(tx: Transaction, id: string) {
  const [row] = await rows<{ id: string; role: string; deleted: boolean }>(
    tx,
    sql`SELECT a.id, a.role, a.deleted_at IS NOT NULL AS deleted FROM accounts a
         WHERE a.id = ${id} AND NOT EXISTS (SELECT 1 FROM gdpr_erasures e WHERE e.account_id = a.id)
         FOR UPDATE OF a`,
  );
  return row;
}

export async function insertErasure(
  tx: Transaction,
  values: {
    accountId: string;
    pseudonym: string;
    requestedBy: string | null;
    requestId: string;
    counts: Record<string, number>;
  },
) {
  const [row] = await tx.insert(gdprErasures).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findErasure(ex: Executor, accountId: string) {
  const [row] = await ex.select().from(gdprErasures).where(eq(gdprErasures.accountId, accountId));
  return row;
}

// --- export --------------------------------------------------------------------------------------------------

/** The person's rows of one table as JSON (timestamps in ISO 8601, whichever driver runs the query). */
export async function personalRows(
  ex: Executor,
  tableName: string,
  columns: readonly string[],
  subject: SQL,
) {
  const list = sql.join(
    ['id', 'created_at', ...columns].map((c) => sql.identifier(c)),
    sql`, `,
  );
  const found = await rows<{ row: Record<string, unknown> }>(
    ex,
    sql`SELECT to_jsonb(x) AS row FROM (
          SELECT ${list} FROM ${table(tableName)} WHERE ${subject} ORDER BY created_at, id) AS x`,
  );
  return found.map((r) => r.row);
}

// --- hard deletion -------------------------------------------------------------------------------------------

/** Foreign keys that would refuse the deletion of a row of `tableName` (ON DELETE NO ACTION / RESTRICT). */
export function blockingReferences(ex: Executor, tableName: string) {
  return rows<{ child_table: string; child_column: string }>(
    ex,
    sql`SELECT c.conrelid::regclass::text AS child_table, a.attname AS child_column
          FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f' AND c.confrelid = to_regclass(${tableName})
           AND c.confdeltype IN ('a', 'r') AND cardinality(c.conkey) = 1
         ORDER BY 1, 2`,
  );
}

/** Which rows a retention rule selects: the predicate on the table, aliased `t`. */
export type Selector = SQL;

type Blocker = { child_table: string; child_column: string };

/** Leaves out rows another table still points at without a cascade (a product on an order line). */
export const withoutReferences = (selector: Selector, blockers: Blocker[]) =>
  sql.join(
    [
      selector,
      ...blockers.map(
        (b) =>
          sql`NOT EXISTS (SELECT 1 FROM ${sql.raw(quoteQualified(b.child_table))} AS ref WHERE ref.${sql.identifier(b.child_column)} = t.id)`,
      ),
    ],
    sql` AND `,
  );

export const softDeletedBefore = (days: number, blockers: Blocker[]) =>
  withoutReferences(sql`t.deleted_at < now() - make_interval(days => ${days})`, blockers);

export const createdBefore = (days: number) => sql`t.created_at < now() - make_interval(days => ${days})`;

/**
 * Bookkeeping records are kept for the retention period after the end of the calendar year they belong to
 * (bokföringslagen 7 kap. 2 §).
 */
export const financialRecordBefore = (days: number, at: 'created_at' | 'placed_at' = 'created_at') =>
  sql`date_trunc('year', t.${sql.identifier(at)} AT TIME ZONE 'Europe/Stockholm') + interval '1 year'
        + make_interval(days => ${days}) < now() AT TIME ZONE 'Europe/Stockholm'`;

/** Orders leave only once finished (invoiced or cancelled), counted from the year they were placed in. */
export const finishedOrderBefore = (days: number) =>
  sql`t.status IN ('invoiced', 'cancelled') AND ${financialRecordBefore(days, 'placed_at')}`;

function quoteQualified(regclassText: string): string {
  return regclassText
    .split('.')
    .map((part) => (part.startsWith('"') ? part : `"${part.replace(/"/g, '""')}"`))
    .join('.');
}

export async function countSelected(ex: Executor, tableName: string, selector: Selector): Promise<number> {
  const [row] = await rows<{ n: number }>(
    ex,
    sql`SELECT count(*)::int AS n FROM ${table(tableName)} AS t WHERE ${selector}`,
  );
  return row?.n ?? 0;
}

/**
 * Deletes at most `limit` selected rows, skipping rows other transactions hold, so a batch never waits on
 * order placement. The audit trail's trigger lets a delete through only inside this flag, and only for rows
 * past the audit retention.
 */
export async function deleteSelectedBatch(
  tx: Transaction,
  tableName: string,
  selector: Selector,
  limit: number,
): Promise<number> {
  await tx.execute(sql`SELECT set_config('iris.retention_purge', 'on', true)`);
  return affected(
    tx,
    sql`DELETE FROM ${table(tableName)} WHERE id IN (
          SELECT t.id FROM ${table(tableName)} AS t WHERE ${selector} LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
  );
}

export async function insertDeletionLog(
  ex: Executor,
  entries: {
    runId: string;
    trigger: string;
    rule: string;
    tableName: string;
    action: string;
    rowCount: number;
  }[],
): Promise<void> {
  if (entries.length > 0) await ex.insert(deletionLog).values(entries);
}

/** The keys among `keys` that some registered file column still names (a soft-deleted row included). */
export async function referencedFileKeys(
  ex: Executor,
  columns: readonly { table: string; column: string }[],
  keys: readonly string[],
): Promise<Set<string>> {
  if (keys.length === 0 || columns.length === 0) return new Set();
  const wanted = sql`ANY(${sql.param([...keys])}::text[])`;
  const found = await rows<{ key: string }>(
    ex,
    sql.join(
      columns.map(
        (c) =>
          sql`SELECT ${sql.identifier(c.column)}::text AS key FROM ${table(c.table)} WHERE ${sql.identifier(c.column)} = ${wanted}`,
      ),
      sql` UNION `,
    ),
  );
  return new Set(found.map((r) => r.key));
}

// --- the run lease -------------------------------------------------------------------------------------------

export async function acquireLease(ex: Executor, holder: string, seconds: number): Promise<boolean> {
  const taken = await rows<{ id: string }>(
    ex,
    sql`UPDATE hard_delete_lease SET holder = ${holder}, leased_until = now() + make_interval(secs => ${seconds})
         WHERE holder IS NULL OR leased_until < now() OR holder = ${holder} RETURNING id`,
  );
  return taken.length > 0;
}

export async function releaseLease(ex: Executor, holder: string): Promise<void> {
  await ex
    .update(hardDeleteLease)
    .set({ holder: null, leasedUntil: null })
    .where(eq(hardDeleteLease.holder, holder));
}
