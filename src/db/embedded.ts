import type { Config } from '../core/config.js';
import { type DatabaseHandle, openEmbedded } from '../core/database.js';
import { loadMigrations, migrateUp } from './migrator.js';
import { seedDemoData } from './seed.js';

interface WarnLogger {
  warn(obj: object, msg: string): void;
}

/**
 * The embedded development database as `npm start` opens it: on its own thread with statements bounded by
 * DB_STATEMENT_TIMEOUT_MS, migrated, seeded with the demo data, and analyzed (the engine has no autovacuum, so
 * without this the first searches would be planned without statistics on the seeded catalog).
 */
export async function prepareEmbedded(
  config: Config,
  log: WarnLogger,
): Promise<{ database: DatabaseHandle; notes: string[] }> {
  const database = await openEmbedded(config.database.embeddedDir, {
    queryTimeoutMs: config.database.pool.statementTimeoutMs,
    log,
  });
  const applied = await migrateUp(database.db, loadMigrations());
  const seeded = await seedDemoData(database.db);
  await database.analyzeDue?.();
  const notes = [
    `Embedded development database (PGlite) at ${config.database.embeddedDir} — set DATABASE_URL to use PostgreSQL.`,
  ];
  if (applied.length > 0) notes.push(`Applied migrations: ${applied.join(', ')}`);
  if (seeded) notes.push('Seeded demo organisations, accounts and catalog.');
  return { database, notes };
}
