import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPool, maintenancePool } from '../../src/core/database.js';
import type { Database } from '../../src/core/db.types.js';
import { queryPrepared, queryPreparedShape, queryRows, usePreparedStatements } from '../../src/db/rows.js';
import * as schema from '../../src/db/schema.js';
import { createTestContext, type TestContext } from '../helpers/app.js';

let ctx: TestContext;
let pool: pg.Pool;
let db: Database;

beforeAll(async () => {
  ctx = await createTestContext();
  // The application's pool with one connection, so pg_prepared_statements shows what that session prepared.
  pool = createPool(ctx.databaseUrl, maintenancePool(1));
  db = drizzle({ client: pool, schema });
});
afterEach(() => {
  usePreparedStatements(true);
});
afterAll(async () => {
  await pool.end();
  await ctx.close();
});

const prepared = () =>
  queryRows<{ name: string; statement: string }>(db, sql`SELECT name, statement FROM pg_prepared_statements`);

describe('prepared statements', () => {
  it('are named after their text, so one name never stands for two texts on a server', async () => {
    for (const n of [1, 2]) {
      const rows = await queryPrepared<{ n: number }>(db, 'test.add_one', sql`SELECT ${n}::int + 1 AS n`);
      expect(rows).toEqual([{ n: n + 1 }]);
    }
    const named = (await prepared()).filter((p) => p.name.startsWith('test.add_one.'));
    expect(named).toHaveLength(1);
    expect(named[0]!.name).toMatch(/^test\.add_one\.[0-9a-f]{16}$/);
    // Drizzle wraps what the client throws, as it wraps the server's errors, and keeps it as the cause.
    await expect(queryPrepared(db, 'test.add_one', sql`SELECT 2 AS n`)).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/another text/) },
    });
  });

  it('are named inside a transaction too, where Drizzle runs them on the checked-out connection', async () => {
    const rows = await db.transaction((tx) =>
      queryPrepared<{ n: number }>(tx, 'test.in_transaction', sql`SELECT ${7}::int * 6 AS n`),
    );
    expect(rows).toEqual([{ n: 42 }]);
    const named = (await prepared()).filter((p) => p.name.startsWith('test.in_transaction.'));
    expect(named).toHaveLength(1);
    expect(named[0]!.statement).toMatch(/^\/\* prepared:test\.in_transaction \*\/ SELECT/);
  });

  it('are not named when switched off for a pooler that cannot track them', async () => {
    usePreparedStatements(false);
    const rows = await queryPrepared<{ n: number }>(db, 'test.unnamed', sql`SELECT ${41}::int + 1 AS n`);
    expect(rows).toEqual([{ n: 42 }]);
    expect((await prepared()).filter((p) => p.name.startsWith('test.unnamed'))).toEqual([]);
  });

  it('name each shape of a family once, up to the bound, and run further shapes unnamed', async () => {
    const shape = (parts: number) =>
      `SELECT ${Array.from({ length: parts }, (_, i) => `$${i + 1}::int`).join(' + ')} AS n`;
    for (const parts of [1, 2, 1, 3]) {
      const rows = await queryPreparedShape<{ n: number }>(
        db,
        'test.shape',
        shape(parts),
        Array.from({ length: parts }, () => 5),
        2,
      );
      expect(rows).toEqual([{ n: 5 * parts }]);
    }
    const named = (await prepared()).filter((p) => p.name.startsWith('test.shape_'));
    expect(named.map((p) => p.statement).sort()).toEqual([
      '/* prepared:test.shape_1 */ SELECT $1::int AS n',
      '/* prepared:test.shape_2 */ SELECT $1::int + $2::int AS n',
    ]);
  });
});
