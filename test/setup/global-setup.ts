import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { maintenancePool, openPostgres } from '../../src/core/database.js';
import { loadMigrations, migrateUp } from '../../src/db/migrator.js';
import { ADMIN_URL, databaseUrl } from '../helpers/pg-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

const POOL = maintenancePool(1, 5000);

/**
 * Creates one migrated template database per run; each test file clones it (CREATE DATABASE … TEMPLATE),
 * and every database of the run is dropped at the end.
 */
export default async function setup(project: TestProject) {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    process.stderr.write(
      `PostgreSQL is not reachable at ${ADMIN_URL} — start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set TEST_DATABASE_URL)\n`,
    );
    process.exit(1);
  }
  const prefix = `iris_test_${Date.now().toString(36)}_${process.pid}`;
  const template = `${prefix}_tpl`;
  await admin.query(`CREATE DATABASE ${template}`);
  const db = await openPostgres(databaseUrl(template), POOL);
  try {
    await migrateUp(db.db, loadMigrations());
  } finally {
    await db.close();
  }
  project.provide('templateDatabase', template);

  return async () => {
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
  };
}
