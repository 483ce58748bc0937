import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db.types.js';
import { queryPrepared, queryRows, usePreparedStatements } from '../../src/db/rows.js';
import * as schema from '../../src/db/schema.js';
import { createTestContext, type TestContext } from '../helpers/app.js';

let ctx: TestContext;
let client: pg.Client;
let db: Database;

beforeAll(async () => {
  ctx = await createTestContext();
  // One connection, so pg_prepared_statements shows what this session prepared.
  client = new pg.Client(ctx.databaseUrl);
  await client.connect();
  db = drizzle({ client, schema });
});
afterEach(() => {
  usePreparedStatements(true);
});
afterAll(async () => {
  await client.end();
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
    await expect(queryPrepared(db, 'test.add_one', sql`SELECT 2 AS n`)).rejects.toThrow(/another text/);
  });

  it('are not named when switched off for a pooler that cannot track them', async () => {
    usePreparedStatements(false);
    const rows = await queryPrepared<{ n: number }>(db, 'test.unnamed', sql`SELECT ${41}::int + 1 AS n`);
    expect(rows).toEqual([{ n: 42 }]);
    expect((await prepared()).filter((p) => p.name.startsWith('test.unnamed'))).toEqual([]);
  });
});
