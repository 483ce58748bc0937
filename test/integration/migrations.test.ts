import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintenancePool, openEmbedded, openPostgres, type DatabaseHandle } from '../../src/core/database.js';
import { loadMigrations, migrateDown, migrateUp, migrationStatus } from '../../src/db/migrator.js';
import { queryRows } from '../../src/db/rows.js';
import { sql } from 'drizzle-orm';
import { createDatabase, dropDatabase } from '../helpers/pg-admin.js';
import { schemaSnapshot } from '../helpers/schema-snapshot.js';

const POOL = maintenancePool(2, 5000);
const migrations = loadMigrations();
let scratch: { name: string; url: string };
let database: DatabaseHandle;

beforeAll(async () => {
  scratch = await createDatabase(null);
  database = await openPostgres(scratch.url, POOL);
});
afterAll(async () => {
  await database.close();
  await dropDatabase(scratch.name);
});

describe('migrations', () => {
  it('every migration has a down script and the first creates the extensions', () => {
    expect(migrations.length).toBeGreaterThanOrEqual(2);
    for (const m of migrations) expect(m.down.length, m.tag).toBeGreaterThan(0);
    expect(migrations[0]!.up.slice(0, 3).join('\n')).toMatch(/citext[\s\S]*pg_trgm[\s\S]*pgcrypto/);
  });

  it('round-trips: all up, all down, all up again gives the same schema', async () => {
    const applied = await migrateUp(database.db, migrations);
    expect(applied).toEqual(migrations.map((m) => m.tag));
    const first = await schemaSnapshot(database.db);
    expect(first.columns.length).toBeGreaterThan(0);

    expect(await migrateUp(database.db, migrations)).toEqual([]);

    const undone = await migrateDown(database.db, migrations, migrations.length);
    expect(undone).toEqual(migrations.map((m) => m.tag).reverse());
    const empty = await schemaSnapshot(database.db);
    expect(empty.columns.every((c) => c.table_name === 'iris_schema_migrations')).toBe(true);
    expect(empty.types).toEqual([]);
    expect(empty.functions).toEqual([]);
    expect(empty.extensions).toEqual([]);

    await migrateUp(database.db, migrations);
    expect(await schemaSnapshot(database.db)).toEqual(first);
  });

  it('rolls back only the latest with migrate:down and reports status', async () => {
    const latest = migrations.at(-1)!.tag;
    expect(await migrateDown(database.db, migrations)).toEqual([latest]);
    const status = await migrationStatus(database.db, migrations);
    expect(status.at(-1)).toMatchObject({ tag: latest, state: 'pending' });
    expect(status.slice(0, -1).every((s) => s.state === 'applied')).toBe(true);
    expect(await migrateUp(database.db, migrations)).toEqual([latest]);
  });

  it('flags a migration whose file changed after it was applied', async () => {
    const changed = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    expect((await migrationStatus(database.db, changed))[0]!.state).toBe('modified');
  });

  it('attaches the updated_at trigger to every table that has updated_at', async () => {
    const missing = await queryRows<{ table_name: string }>(
      database.db,
      sql`SELECT c.table_name FROM information_schema.columns c
          WHERE c.table_schema = 'public' AND c.column_name = 'updated_at' AND c.table_name <> 'audit_log'
            AND NOT EXISTS (SELECT 1 FROM information_schema.triggers t
                            WHERE t.event_object_table = c.table_name AND t.action_statement LIKE '%iris_set_updated_at%')`,
    );
    expect(missing).toEqual([]);
  });

  it('keeps updated_at current on update and leaves audit_log append-only', async () => {
    const [row] = await queryRows<{ id: string; updated_at: string }>(
      database.db,
      sql`INSERT INTO accounts (email) VALUES ('trigger@test.se') RETURNING id, updated_at`,
    );
    await new Promise((r) => setTimeout(r, 20));
    const [after] = await queryRows<{ updated_at: string }>(
      database.db,
      sql`UPDATE accounts SET display_name = 'T' WHERE id = ${row!.id} RETURNING updated_at`,
    );
    expect(new Date(after!.updated_at).getTime()).toBeGreaterThan(new Date(row!.updated_at).getTime());

    await database.db.execute(sql`INSERT INTO audit_log (action) VALUES ('test.append')`);
    await expect(database.db.execute(sql`UPDATE audit_log SET action = 'rewritten'`)).rejects.toThrow();
    await expect(database.db.execute(sql`DELETE FROM audit_log`)).rejects.toThrow();
    await expect(database.db.execute(sql`TRUNCATE audit_log`)).rejects.toThrow();
  });
});

describe('migrations on the embedded engine', () => {
  // PGlite sends each statement as one prepared query, which holds exactly one command: a migration that
  // joins two commands without a breakpoint passes on PostgreSQL and breaks `npm start`.
  it('round-trips: all up, all down, all up again', { timeout: 120_000 }, async () => {
    const embedded = await openEmbedded(undefined);
    try {
      expect(await migrateUp(embedded.db, migrations)).toEqual(migrations.map((m) => m.tag));
      const first = await schemaSnapshot(embedded.db);
      const undone = await migrateDown(embedded.db, migrations, migrations.length);
      expect(undone).toEqual(migrations.map((m) => m.tag).reverse());
      await migrateUp(embedded.db, migrations);
      expect(await schemaSnapshot(embedded.db)).toEqual(first);
    } finally {
      await embedded.close();
    }
  });
});
