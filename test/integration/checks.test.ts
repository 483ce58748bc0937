import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, inject } from 'vitest';
import { maintenancePool, openPostgres, type DatabaseHandle } from '../../src/core/database.js';
import { lockfileDrift } from '../../src/domain/preflight/preflight.environment.js';
import {
  type EnvironmentFacts,
  formatChecks,
  runPreflight,
} from '../../src/domain/preflight/preflight.service.js';
import { createDatabase, dropDatabase } from '../helpers/pg-admin.js';

const run = promisify(execFile);
const POOL = maintenancePool(2, 5000);
const goodEnv: EnvironmentFacts = {
  databaseUrl: 'postgres://app@db-pooler/iris',
  directUrl: 'postgres://app@db/iris',
  configProblem: undefined,
  lockfileDrift: [],
};

let scratch: { name: string; url: string };
let database: DatabaseHandle;

async function failing(env: EnvironmentFacts = goodEnv): Promise<string[]> {
  return (await runPreflight(database.db, env)).filter((f) => !f.ok).map((f) => f.code);
}

beforeEach(async () => {
  scratch = await createDatabase(inject('templateDatabase'));
  database = await openPostgres(scratch.url, POOL);
});
afterEach(async () => {
  await database.close();
  await dropDatabase(scratch.name);
});

describe('pre-flight checks (spec §17)', () => {
  it('passes on a freshly migrated database', async () => {
    const findings = await runPreflight(database.db, goodEnv);
    expect(formatChecks(findings)).toBe('CHECKS: PASS');
  });

  it.each([
    ['NO-PW-DB', sql`ALTER TABLE accounts ADD COLUMN password_hash text`],
    ['UTC-TZ', sql`ALTER TABLE accounts ADD COLUMN verified_at timestamp without time zone`],
    ['UTC-TZ', sql`ALTER TABLE suppliers ALTER COLUMN created_at DROP DEFAULT`],
    ['IDX-DUP', sql`CREATE UNIQUE INDEX accounts_email_again ON accounts (email)`],
    ['IDX-DUP', sql`CREATE UNIQUE INDEX restaurant_members_pair ON restaurant_members (org_id, account_id)`],
    ['OWNER-FK', sql`ALTER TABLE supplier_members DROP CONSTRAINT supplier_members_account_org_key`],
    [
      'OWNER-FK',
      sql`ALTER TABLE restaurant_members DROP CONSTRAINT restaurant_members_org_id_restaurants_id_fk`,
    ],
    ['EXT-PGTRGM', sql`DROP INDEX products_name_sku_trgm_idx`],
    ['IDEMP-ORD', sql`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_account_key`],
    ['PII-REG', sql`CREATE TABLE loyalty_cards (id uuid PRIMARY KEY, created_at timestamptz DEFAULT now())`],
    ['PII-REG', sql`ALTER TABLE products ADD COLUMN buyer_email text`],
    ['PII-REG', sql`ALTER TABLE orders DROP COLUMN note`],
    // A table keeping stored-file keys the sweep would not know of: its files would be taken for orphans.
    ['PII-REG', sql`ALTER TABLE products ADD COLUMN image_file_key text`],
  ])('fires %s when the database is broken on purpose', async (code, breakage) => {
    await database.db.execute(breakage);
    expect(await failing()).toEqual([code]);
  });

  it('fires EXT-PGTRGM when an extension is missing', async () => {
    await database.db.execute(sql`DROP EXTENSION pgcrypto CASCADE`);
    expect(await failing()).toContain('EXT-PGTRGM');
  });

  it('fires POOL-DIRECT without a direct URL, or with Neon hosts swapped', async () => {
    expect(await failing({ ...goodEnv, directUrl: undefined })).toEqual(['POOL-DIRECT']);
    expect(
      await failing({
        ...goodEnv,
        databaseUrl: 'postgres://u@ep-1.eu-central-1.aws.neon.tech/db',
        directUrl: 'postgres://u@ep-1-pooler.eu-central-1.aws.neon.tech/db',
      }),
    ).toEqual(['POOL-DIRECT']);
    expect(
      await failing({
        ...goodEnv,
        databaseUrl: 'postgres://u@ep-1-pooler.eu-central-1.aws.neon.tech/db',
        directUrl: 'postgres://u@ep-1.eu-central-1.aws.neon.tech/db',
      }),
    ).toEqual([]);
    expect(await failing({ ...goodEnv, databaseUrl: undefined, directUrl: undefined })).toEqual([]);
  });

  it('fires ENV-ACTIVE for a bad environment or a stale node_modules', async () => {
    expect(
      await failing({ ...goodEnv, configProblem: 'Invalid configuration: APP_SECRET is required' }),
    ).toEqual(['ENV-ACTIVE']);
    expect(await failing({ ...goodEnv, lockfileDrift: ['zod 4.0.0 != 4.6.7'] })).toEqual(['ENV-ACTIVE']);
  });

  it('prints exactly one line from the CLI: FAIL with exit 1, then PASS with exit 0', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: scratch.url,
      DATABASE_URL_DIRECT: scratch.url,
      APP_SECRET: 'y'.repeat(40),
    };
    await database.db.execute(sql`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_account_key`);
    const failed = await run('npx', ['tsx', 'src/cli/checks.ts'], { env }).catch(
      (err: unknown) => err as { stdout: string; code: number },
    );
    expect('code' in failed ? failed.code : 0).toBe(1);
    expect(failed.stdout).toBe('CHECKS: FAIL -> IDEMP-ORD\n');
    await database.db.execute(
      sql`ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_account_key UNIQUE (account_id, key)`,
    );
    const passed = await run('npx', ['tsx', 'src/cli/checks.ts'], { env });
    expect(passed.stdout).toBe('CHECKS: PASS\n');
  });
});

describe('lockfile drift', () => {
  function project(lock: object, installed: object | undefined): string {
    const dir = mkdtempSync(join(tmpdir(), 'iris-lock-'));
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ packages: lock }));
    if (installed) {
      mkdirSync(join(dir, 'node_modules'));
      writeFileSync(join(dir, 'node_modules/.package-lock.json'), JSON.stringify({ packages: installed }));
    }
    return dir;
  }

  it('is empty when node_modules matches, ignoring absent optional packages', () => {
    const lock = {
      '': {},
      'node_modules/zod': { version: '4.6.7' },
      'node_modules/@esbuild/darwin-arm64': { version: '1', optional: true },
    };
    expect(lockfileDrift(project(lock, { 'node_modules/zod': { version: '4.6.7' } }), true)).toEqual([]);
  });

  it('names missing and mismatched packages, and a missing install', () => {
    const lock = {
      'node_modules/zod': { version: '4.6.7' },
      'node_modules/pg': { version: '8.23.1' },
      'node_modules/vitest': { version: '4', dev: true },
    };
    const drift = lockfileDrift(project(lock, { 'node_modules/zod': { version: '4.0.0' } }), false);
    expect(drift).toEqual(['zod 4.0.0 != 4.6.7', 'pg missing']);
    expect(lockfileDrift(project(lock, undefined), true)).toEqual([
      'node_modules not installed (run npm ci)',
    ]);
  });

  it('matches this repository', () => {
    expect(lockfileDrift(process.cwd(), true)).toEqual([]);
  });
});
