import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from '../core/db.types.js';
import { queryRows } from './rows.js';

/**
 * Runs drizzle-kit's generated SQL (`migrations/<tag>.sql`, ordered by `meta/_journal.json`) and our
 * hand-written down scripts (`migrations/down/<tag>.sql`). drizzle-kit generates no down migrations and its
 * own runner cannot roll back, so applied migrations are tracked here in `iris_schema_migrations`.
 * Each migration runs in its own transaction under an advisory lock, so two migrators never interleave.
 */

export const DEFAULT_MIGRATIONS_DIR = resolve(import.meta.dirname, '../../migrations');
const LOCK_KEY = 7_418_202_611; // arbitrary, constant: "iris migrations"
const BREAKPOINT = '--> statement-breakpoint';

export interface Migration {
  tag: string;
  checksum: string;
  up: string[];
  down: string[];
}

export interface MigrationStatus {
  tag: string;
  state: 'applied' | 'pending' | 'modified';
  appliedAt: Date | undefined;
}

interface JournalEntry {
  tag: string;
}

function splitStatements(text: string): string[] {
  return text
    .split(BREAKPOINT)
    .map((s) => s.trim())
    .filter((s) => s.replace(/--[^\n]*/g, '').trim().length > 0);
}

export function loadMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Migration[] {
  const journal = JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };
  return journal.entries.map(({ tag }) => {
    const upText = readFileSync(join(dir, `${tag}.sql`), 'utf8');
    let downText: string;
    try {
      downText = readFileSync(join(dir, 'down', `${tag}.sql`), 'utf8');
    } catch {
      throw new Error(`Migration ${tag} has no down script at migrations/down/${tag}.sql`);
    }
    return {
      tag,
      checksum: createHash('sha256').update(upText).digest('hex'),
      up: splitStatements(upText),
      down: splitStatements(downText),
    };
  });
}

const ensureTable = (db: Database) =>
  db.execute(sql`CREATE TABLE IF NOT EXISTS iris_schema_migrations (
    tag text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);

interface AppliedRow {
  tag: string;
  checksum: string;
  applied_at: Date | string;
}

async function appliedMigrations(db: Database): Promise<Map<string, AppliedRow>> {
  const [exists] = await queryRows<{ present: boolean }>(
    db,
    sql`SELECT to_regclass('iris_schema_migrations') IS NOT NULL AS present`,
  );
  if (!exists?.present) return new Map();
  const applied = await queryRows<AppliedRow>(
    db,
    sql`SELECT tag, checksum, applied_at FROM iris_schema_migrations`,
  );
  return new Map(applied.map((r) => [r.tag, r]));
}

export async function migrationStatus(db: Database, migrations: Migration[]): Promise<MigrationStatus[]> {
  const applied = await appliedMigrations(db);
  return migrations.map((m) => {
    const row = applied.get(m.tag);
    if (!row) return { tag: m.tag, state: 'pending', appliedAt: undefined };
    return {
      tag: m.tag,
      state: row.checksum === m.checksum ? 'applied' : 'modified',
      appliedAt: new Date(row.applied_at),
    };
  });
}

/** Applies every pending migration in journal order; returns the tags applied. */
export async function migrateUp(db: Database, migrations: Migration[]): Promise<string[]> {
  await ensureTable(db);
  const done: string[] = [];
  for (const migration of migrations) {
    const applied = await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
      const found = await queryRows(
        tx,
        sql`SELECT 1 FROM iris_schema_migrations WHERE tag = ${migration.tag}`,
      );
      if (found.length > 0) return false;
      for (const statement of migration.up) await tx.execute(sql.raw(statement));
      await tx.execute(
        sql`INSERT INTO iris_schema_migrations (tag, checksum) VALUES (${migration.tag}, ${migration.checksum})`,
      );
      return true;
    });
    if (applied) done.push(migration.tag);
  }
  return done;
}

/** Rolls back the latest `steps` applied migrations with their down scripts; returns the tags rolled back. */
export async function migrateDown(db: Database, migrations: Migration[], steps = 1): Promise<string[]> {
  await ensureTable(db);
  const undone: string[] = [];
  for (let i = 0; i < steps; i++) {
    const tag = await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
      const applied = new Set(
        (await queryRows<{ tag: string }>(tx, sql`SELECT tag FROM iris_schema_migrations`)).map((r) => r.tag),
      );
      const latest = [...migrations].reverse().find((m) => applied.has(m.tag));
      if (!latest) return undefined;
      for (const statement of latest.down) await tx.execute(sql.raw(statement));
      await tx.execute(sql`DELETE FROM iris_schema_migrations WHERE tag = ${latest.tag}`);
      return latest.tag;
    });
    if (!tag) break;
    undone.push(tag);
  }
  return undone;
}
