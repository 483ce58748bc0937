import { createHash } from 'node:crypto';
import type { UserContext } from '../../core/context.js';
import type { Database, Executor } from '../../core/db.types.js';
import { DomainError, httpMappingFor, toEnvelope } from '../../core/errors.js';
import { claimLost, keyInUse, keyInvalid, keyRaced, keyRequired, keyReused } from './idempotency.errors.js';
import type { PendingWrite } from '../../db/together.js';
import * as repo from './idempotency.repository.js';

/**
 * Idempotency-Key handling (IETF draft, Stripe's behaviour), published in docs/README.md and the OpenAPI text:
 * - keys are 1–255 printable ASCII characters, scoped to the account, kept IDEMPOTENCY_TTL_SECONDS (24 h);
 * - the same key and body after completion replays the stored status and byte-identical body;
 * - the same key with another body → 422; while the first request runs → 409; a lock older than 90 s is taken over;
 * - stored outcomes: successes and business 4xx answers. Validation errors, 401 and 429 never reach this layer;
 *   on a 5xx the key is released so the client can retry.
 */
export const KEY_PATTERN = /^[\x20-\x7E]{1,255}$/;

export interface StoredResponse {
  status: number;
  body: string;
  replayed: boolean;
}

/**
 * How an operation stores its answer under the claimed key, inside its own transaction so the business change and
 * the stored answer commit together. If the key was taken over meanwhile (its lock went stale), storing throws
 * IDEMPOTENCY_KEY_IN_USE and the business transaction must roll back.
 */
export interface ClaimCompletion {
  complete(ex: Executor, status: number, body: string): Promise<void>;
  /** The same store as a write to combine with the business writes; pass the rows it changed to `confirm`. */
  write(ex: Executor, status: number, body: string): PendingWrite;
  confirm(changed: number): void;
}

export type Claim = { kind: 'owned'; claim: repo.ClaimHandle } | { kind: 'replay'; response: StoredResponse };

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** sha256 over method, path and the body with its keys sorted: a key binds exactly one request. */
export function fingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(canonical(body))}`)
    .digest('hex');
}

export function validateKey(key: string | string[] | undefined): string {
  if (key === undefined) throw keyRequired();
  if (Array.isArray(key) || !KEY_PATTERN.test(key)) {
    throw keyInvalid();
  }
  return key;
}

/** A claim's lock is taken over after this long anyway; releasing it later than that is pointless. */
const STALE_LOCK_MS = 90_000;
/** Releases waiting for the database to come back, at most; beyond it a claim waits for its lock to go stale. */
const MAX_PENDING_RELEASES = 10_000;

/** What a POST under an Idempotency-Key is remembered by: the caller, the (validated) key, the path and the body. */
export function keyedPost(
  ctx: UserContext,
  rawKey: string | string[] | undefined,
  path: string,
  body: unknown,
) {
  return {
    accountId: ctx.principal.accountId,
    key: validateKey(rawKey),
    method: 'POST',
    path,
    body,
    requestId: ctx.requestId,
  };
}

export function createIdempotencyService(deps: { db: Database; ttlSeconds: number }) {
  const { db, ttlSeconds } = deps;
  const pendingReleases = new Set<NodeJS.Timeout>();

  /**
   * Releases a claim whose request failed with a 5xx. When the database itself is what failed (a dropped
   * connection, a failover), the first attempt may fail too: it is retried with backoff until the database
   * answers, so the client's retry is processed as soon as the database is back instead of waiting 90 s for the
   * lock to go stale. Releasing only ever deletes a claim still in progress under this request's lock time, so a
   * late release can never touch a completed answer or a later request's claim.
   */
  async function release(claim: repo.ClaimHandle): Promise<void> {
    const deadline = Date.now() + STALE_LOCK_MS;
    let delayMs = 100;
    const retryLater = () => {
      if (Date.now() + delayMs > deadline || pendingReleases.size >= MAX_PENDING_RELEASES) return;
      const timer = setTimeout(() => {
        pendingReleases.delete(timer);
        repo.deleteClaim(db, claim).catch(retryLater);
      }, delayMs);
      timer.unref();
      pendingReleases.add(timer);
      delayMs = Math.min(delayMs * 2, 2_000);
    };
    await repo.deleteClaim(db, claim).catch(retryLater);
  }

  async function claim(accountId: string, key: string, print: string): Promise<Claim> {
    const fresh = await repo.insertClaim(db, { accountId, key, fingerprint: print, ttlSeconds });
    if (fresh) return { kind: 'owned', claim: fresh };
    return db.transaction(async (tx): Promise<Claim> => {
      const row = await repo.lockClaim(tx, accountId, key);
      if (!row) {
        // Purged between our insert and this read: claim it afresh.
        const again = await repo.insertClaim(tx, { accountId, key, fingerprint: print, ttlSeconds });
        if (!again) {
          throw keyRaced();
        }
        return { kind: 'owned', claim: again };
      }
      if (row.expired) return { kind: 'owned', claim: await repo.reclaim(tx, row.id, print, ttlSeconds) };
      if (row.fingerprint !== print) {
        throw keyReused();
      }
      if (row.state === 'completed' && row.responseStatus !== null && row.responseBody !== null) {
        return {
          kind: 'replay',
          response: { status: row.responseStatus, body: row.responseBody, replayed: true },
        };
      }
      if (!row.stale) {
        throw keyInUse();
      }
      return { kind: 'owned', claim: await repo.reclaim(tx, row.id, print, ttlSeconds) };
    });
  }

  return {
    /**
     * Runs `operation` at most once per (account, key). The operation must store its answer through the
     * `ClaimCompletion` inside its own transaction.
     */
    async run(
      request: {
        accountId: string;
        key: string;
        method: string;
        path: string;
        body: unknown;
        requestId: string;
      },
      operation: (completion: ClaimCompletion) => Promise<StoredResponse>,
    ): Promise<StoredResponse> {
      const claimed = await claim(
        request.accountId,
        request.key,
        fingerprint(request.method, request.path, request.body),
      );
      if (claimed.kind === 'replay') return claimed.response;
      const lost = new Set<DomainError>();
      const confirm = (changed: number) => {
        if (changed > 0) return;
        const err = claimLost();
        lost.add(err);
        throw err;
      };
      const completion: ClaimCompletion = {
        complete: async (ex, status, body) => {
          confirm((await repo.completeClaimWrite(ex, claimed.claim, status, body)).length);
        },
        write: (ex, status, body) => repo.completeClaimWrite(ex, claimed.claim, status, body),
        confirm,
      };
      try {
        return await operation(completion);
      } catch (err) {
        if (err instanceof DomainError && lost.has(err)) throw err;
        const status = err instanceof DomainError ? httpMappingFor(err.code).status : 500;
        // A 429 is not the request's answer, only "not now": the key is released for the retry, like a 5xx.
        if (err instanceof DomainError && status < 500 && status !== 429) {
          const body = JSON.stringify(toEnvelope(err, request.requestId));
          if (!(await repo.completeClaim(db, claimed.claim, status, body))) throw claimLost();
          return { status, body, replayed: false };
        }
        await release(claimed.claim);
        throw err;
      }
    },

    purgeExpired: () => repo.purgeExpired(db),
  };
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;
