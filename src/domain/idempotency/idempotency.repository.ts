import { and, eq, lt, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import { type IdempotencyRow, idempotencyKeys } from './idempotency.models.js';

/** Inserts a fresh in-progress claim; undefined when the account already holds this key. */
export async function insertClaim(
  ex: Executor,
  values: { accountId: string; key: string; fingerprint: string; ttlSeconds: number },
): Promise<string | undefined> {
  const [row] = await ex
    .insert(idempotencyKeys)
    .values({
      accountId: values.accountId,
      key: values.key,
      fingerprint: values.fingerprint,
      state: 'in_progress',
      lockedAt: sql`now()`,
      expiresAt: sql`now() + make_interval(secs => ${values.ttlSeconds})`,
    })
    .onConflictDoNothing({ target: [idempotencyKeys.accountId, idempotencyKeys.key] })
    .returning({ id: idempotencyKeys.id });
  return row?.id;
}

/** The account's record for a key, locked, with whether it expired and whether its lock is older than 90 s. */
export async function lockClaim(
  tx: Transaction,
  accountId: string,
  key: string,
): Promise<(IdempotencyRow & { expired: boolean; stale: boolean }) | undefined> {
  const [row] = await tx
    .select({
      row: idempotencyKeys,
      expired: sql<boolean>`${idempotencyKeys.expiresAt} <= now()`,
      stale: sql<boolean>`${idempotencyKeys.lockedAt} IS NULL OR ${idempotencyKeys.lockedAt} < now() - make_interval(secs => 90)`,
    })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key)))
    .for('update');
  return row ? { ...row.row, expired: row.expired, stale: row.stale } : undefined;
}

/** Takes over a key whose lock went stale or whose record expired: a new in-progress claim. */
export async function reclaim(
  tx: Transaction,
  id: string,
  fingerprint: string,
  ttlSeconds: number,
): Promise<void> {
  await tx
    .update(idempotencyKeys)
    .set({
      fingerprint,
      state: 'in_progress',
      lockedAt: sql`now()`,
      responseStatus: null,
      responseBody: null,
      expiresAt: sql`now() + make_interval(secs => ${ttlSeconds})`,
    })
    .where(eq(idempotencyKeys.id, id));
}

export async function completeClaim(ex: Executor, id: string, status: number, body: string): Promise<void> {
  await ex
    .update(idempotencyKeys)
    .set({ state: 'completed', lockedAt: null, responseStatus: status, responseBody: body })
    .where(eq(idempotencyKeys.id, id));
}

export async function deleteClaim(ex: Executor, id: string): Promise<void> {
  await ex.delete(idempotencyKeys).where(eq(idempotencyKeys.id, id));
}

/** Deletes expired keys; returns how many. */
export async function purgeExpired(ex: Executor): Promise<number> {
  const rows = await ex
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.expiresAt, sql`now()`))
    .returning({ id: idempotencyKeys.id });
  return rows.length;
}
