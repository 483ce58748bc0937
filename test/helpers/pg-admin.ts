import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The maintenance connection tests use to create and drop their databases. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values?: unknown[],
) {
  const client = new pg.Client(ADMIN_URL);
  await client.connect();
  try {
    return await client.query<T>(text, values);
  } finally {
    await client.end();
  }
}

/** A new database: a clone of the migrated template, or empty (`template: null`). */
export async function createDatabase(template: string | null): Promise<{ name: string; url: string }> {
  const base = template
    ? template.replace(/_tpl$/, '')
    : `iris_test_${Date.now().toString(36)}_${process.pid}`;
  const name = `${base}_${randomBytes(4).toString('hex')}`;
  await adminQuery(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  return { name, url: databaseUrl(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
