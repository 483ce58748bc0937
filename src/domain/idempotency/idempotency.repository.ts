import { and, eq, lt, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import { queryPrepared } from '../../db/rows.js';
import { type IdempotencyRow, idempotencyKeys } from './idempotency.models.js';

/**
 * A claim on a key: its row and the exact lock time (as text, to keep PostgreSQL's microseconds). Completing or
 * releasing a claim checks both, so a request whose key was taken over after 90 s can no longer write to it.
 */
export interface ClaimHandle {
  id: string;
  lockedAt: string;
}

const lockedAtText = sql<string>`${idempotencyKeys.lockedAt}::text`;

/** Inserts a fresh in-progress claim; undefined when the account already holds this key. */
export async function insertClaim(
  ex: Executor,
  values: { accountId: string; key: string; fingerprint: string; ttlSeconds: number },
): Promise<ClaimHandle | undefined> {
  // Every order starts here: a prepared statement, parsed and planned once per connection.
  const [row] = await queryPrepared<{ id: string; locked_at: string }>(
    ex,
    'idempotency.insert_claim',
    ex
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
      .returning({
        id: idempotencyKeys.id,
        lockedAt: sql<string>`${idempotencyKeys.lockedAt}::text`.as('locked_at'),
      })
      .getSQL(),
  );
  return row ? { id: row.id, lockedAt: row.locked_at } : undefined;
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
): Promise<ClaimHandle> {
  const [row] = await tx
    .update(idempotencyKeys)
    .set({
      fingerprint,
      state: 'in_progress',
      lockedAt: sql`clock_timestamp()`,
      responseStatus: null,
      responseBody: null,
      expiresAt: sql`now() + make_interval(secs => ${ttlSeconds})`,
    })
    .where(eq(idempotencyKeys.id, id))
    .returning({ id: idempotencyKeys.id, lockedAt: lockedAtText });
  if (!row) throw new Error('claim vanished under lock');
  return row;
}

const stillOwned = (claim: ClaimHandle) =>
  and(
    eq(idempotencyKeys.id, claim.id),
    eq(idempotencyKeys.state, 'in_progress'),
    sql`${idempotencyKeys.lockedAt} = ${claim.lockedAt}::timestamptz`,
  );

/** Stores the answer; false when the claim was taken over meanwhile (nothing is written then). */
export async function completeClaim(
  ex: Executor,
  claim: ClaimHandle,
  status: number,
  body: string,
): Promise<boolean> {
  const rows = await completeClaimWrite(ex, claim, status, body);
  return rows.length > 0;
}

/** The same update, built but not run, for a combined write: it returns a row only if the claim was still ours. */
export function completeClaimWrite(ex: Executor, claim: ClaimHandle, status: number, body: string) {
  return ex
    .update(idempotencyKeys)
    .set({ state: 'completed', lockedAt: null, responseStatus: status, responseBody: body })
    .where(stillOwned(claim))
    .returning({ id: idempotencyKeys.id });
}

/** Releases a claim this request still owns (after a 5xx), so the client can retry. */
export async function deleteClaim(ex: Executor, claim: ClaimHandle): Promise<void> {
  await ex.delete(idempotencyKeys).where(stillOwned(claim));
}

/** Deletes expired keys; returns how many. */
export async function purgeExpired(ex: Executor): Promise<number> {
  const rows = await ex
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.expiresAt, sql`now()`))
    .returning({ id: idempotencyKeys.id });
  return rows.length;
}
