import type { Database } from '../../core/db.types.js';
import { type Migration, migrationStatus } from '../../db/migrator.js';
import { TimeoutError, withTimeout } from '../../core/timeout.js';
import type { WarmupStatus } from '../products/search-warmup.js';
import { pingDatabase } from './health.repository.js';

export interface CheckResult {
  ok: boolean;
  detail?: string;
  /** A failing check the API can serve without (Redis): it degrades readiness instead of failing it. */
  degraded?: boolean;
}

export interface Readiness {
  ready: boolean;
  /** `ready`, `degraded` (serving, with a non-critical dependency down) or `unavailable`. */
  status: 'ready' | 'degraded' | 'unavailable';
  checks: Record<string, CheckResult>;
}

export interface HealthDeps {
  db: Database;
  migrations: Migration[];
  redis?: { ping(): Promise<unknown> } | undefined;
  /** A starting instance computing its most asked searches is not ready yet (search-warmup.ts). */
  searchWarmup?: () => WarmupStatus;
  checkTimeoutMs?: number;
}

async function runCheck(work: () => Promise<CheckResult>, ms: number): Promise<CheckResult> {
  try {
    return await withTimeout(work(), ms);
  } catch (err) {
    // Only the failure's kind is reported: readiness is unauthenticated and must not leak hosts or SQL.
    const message = err instanceof TimeoutError ? err.message : 'unreachable';
    return { ok: false, detail: message };
  }
}

/**
 * Liveness touches nothing. Readiness fails only on what stops the API from serving: the database and pending
 * migrations, and, for a starting instance, its search warm-up (bounded by SEARCH_WARMUP_BUDGET_MS). Redis down
 * degrades it (rate limits fail open, events wait in the outbox) but an instance stays in service: taking every instance out because the shared Redis is down would turn a degradation into an outage.
 */
export function createHealthService(deps: HealthDeps) {
  const timeoutMs = deps.checkTimeoutMs ?? 2_000;
  return {
    liveness(): { status: 'ok' } {
      return { status: 'ok' };
    },

    async readiness(): Promise<Readiness> {
      const checks: Record<string, CheckResult> = {};
      checks.database = await runCheck(async () => {
        await pingDatabase(deps.db);
        return { ok: true };
      }, timeoutMs);
      checks.migrations = checks.database.ok
        ? await runCheck(async () => {
            const status = await migrationStatus(deps.db, deps.migrations);
            const behind = status.filter((s) => s.state !== 'applied').map((s) => `${s.tag} ${s.state}`);
            return behind.length === 0 ? { ok: true } : { ok: false, detail: behind.join(', ') };
          }, timeoutMs)
        : { ok: false, detail: 'database unreachable' };
      const redis = deps.redis;
      if (redis) {
        const result = await runCheck(async () => {
          await redis.ping();
          return { ok: true };
        }, timeoutMs);
        checks.redis = result.ok ? result : { ...result, degraded: true };
      }
      const warmup = deps.searchWarmup?.();
      if (warmup && warmup.state !== 'off') {
        checks.search_warmup =
          warmup.state === 'done'
            ? { ok: true, detail: `${warmup.warmed} of ${warmup.planned} searches` }
            : { ok: false, detail: `warming: ${warmup.warmed} of ${warmup.planned} searches` };
      }
      const ready = checks.database.ok && checks.migrations.ok && (checks.search_warmup?.ok ?? true);
      const degraded = Object.values(checks).some((c) => !c.ok && c.degraded);
      return { ready, status: !ready ? 'unavailable' : degraded ? 'degraded' : 'ready', checks };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
