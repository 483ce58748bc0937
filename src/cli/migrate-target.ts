import type { DatabaseHandle } from '../core/database.js';
import { maintenancePool, openEmbedded, openPostgres } from '../core/database.js';

/**
 * DDL goes over DATABASE_URL_DIRECT (a transaction-mode pooler is no place for migrations); without it,
 * DATABASE_URL with a warning; without either, the embedded database in EMBEDDED_DB_DIR.
 */
export async function openMigrationTarget(
  env: Record<string, string | undefined>,
  warn: (m: string) => void,
): Promise<DatabaseHandle> {
  const direct = env.DATABASE_URL_DIRECT?.trim();
  const pooled = env.DATABASE_URL?.trim();
  const pool = maintenancePool(1);
  if (direct) return openPostgres(direct, pool);
  if (pooled) {
    warn(
      'DATABASE_URL_DIRECT is not set; migrating over DATABASE_URL. Use the direct (non-pooled) URL in production.',
    );
    return openPostgres(pooled, pool);
  }
  const dir = env.EMBEDDED_DB_DIR?.trim() || '.iris/pgdata';
  warn(`No DATABASE_URL: using the embedded database at ${dir}.`);
  return openEmbedded(dir);
}
