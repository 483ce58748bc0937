import type { Executor } from '../../core/db.types.js';
import { personalDataRegistryProblems } from '../privacy/registry-check.js';
import * as repo from './preflight.repository.js';
import { urlHost } from './preflight.environment.js';

/** Spec §17 shortcodes, in the order they are printed. */
export const CHECK_CODES = [
  'NO-PW-DB',
  'UTC-TZ',
  'EXT-PGTRGM',
  'IDX-DUP',
  'OWNER-FK',
  'IDEMP-ORD',
  'POOL-DIRECT',
  'ENV-ACTIVE',
  'PII-REG',
] as const;
export type CheckCode = (typeof CHECK_CODES)[number];

export interface CheckFinding {
  code: CheckCode;
  ok: boolean;
  reasons: string[];
}

export interface EnvironmentFacts {
  databaseUrl: string | undefined;
  directUrl: string | undefined;
  /** Why the configuration does not parse, if it does not. */
  configProblem: string | undefined;
  lockfileDrift: string[];
}

const REQUIRED_EXTENSIONS = ['citext', 'pg_trgm', 'pgcrypto'];
const MEMBERSHIPS = [
  { table: 'supplier_members', org: 'suppliers' },
  { table: 'restaurant_members', org: 'restaurants' },
];

const finding = (code: CheckCode, reasons: string[]): CheckFinding => ({
  code,
  ok: reasons.length === 0,
  reasons,
});
const same = (a: string[] | null, b: string[]) =>
  a !== null && a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

async function ownerFk(ex: Executor): Promise<string[]> {
  const facts = await repo.constraintsOf(ex, [...MEMBERSHIPS.map((m) => m.table)]);
  const reasons: string[] = [];
  for (const { table, org } of MEMBERSHIPS) {
    const mine = facts.filter((f) => f.table_name === table);
    if (mine.length === 0) {
      reasons.push(`${table} missing`);
      continue;
    }
    const fkTo = (column: string, target: string) =>
      mine.some(
        (f) =>
          f.contype === 'f' &&
          same(f.columns, [column]) &&
          f.referenced_table === target &&
          same(f.referenced_columns, ['id']),
      );
    if (!fkTo('account_id', 'accounts')) reasons.push(`${table}.account_id has no FK to accounts`);
    if (!fkTo('org_id', org)) reasons.push(`${table}.org_id has no FK to ${org}`);
    if (!mine.some((f) => f.contype === 'u' && same(f.columns, ['account_id', 'org_id']))) {
      reasons.push(`${table} lacks UNIQUE(account_id, org_id)`);
    }
  }
  return reasons;
}

async function idempotency(ex: Executor): Promise<string[]> {
  const unique = [
    ...(await repo.constraintsOf(ex, ['idempotency_keys']))
      .filter((f) => f.contype === 'u')
      .map((f) => f.columns),
    ...(await repo.uniqueIndexColumns(ex, 'idempotency_keys'))
      .filter((i) => !i.partial)
      .map((i) => i.columns),
  ];
  if (unique.length === 0) return ['idempotency_keys missing or without a unique key'];
  return unique.some((cols) => same(cols, ['account_id', 'key']))
    ? []
    : ['idempotency_keys lacks UNIQUE(account_id, key)'];
}

function poolDirect(env: EnvironmentFacts): string[] {
  if (!env.databaseUrl) {
    return env.directUrl ? ['DATABASE_URL_DIRECT is set without DATABASE_URL'] : []; // embedded: no pooler at all
  }
  if (!env.directUrl) return ['DATABASE_URL_DIRECT is not set (migrations need the direct URL)'];
  const pooledHost = urlHost(env.databaseUrl) ?? '';
  const directHost = urlHost(env.directUrl) ?? '';
  // Neon marks its PgBouncer endpoint with "-pooler" in the host name.
  if (pooledHost.endsWith('.neon.tech') || directHost.endsWith('.neon.tech')) {
    const reasons: string[] = [];
    if (!pooledHost.includes('-pooler')) reasons.push('DATABASE_URL is not a Neon pooled host');
    if (directHost.includes('-pooler')) reasons.push('DATABASE_URL_DIRECT points at the pooler');
    return reasons;
  }
  return [];
}

/** Evaluates every shortcode against the live database and the environment. */
export async function runPreflight(ex: Executor, env: EnvironmentFacts): Promise<CheckFinding[]> {
  const pw = await repo.passwordLikeColumns(ex);
  const naive = await repo.naiveTimestampColumns(ex);
  const noDefault = await repo.auditTimestampsWithoutNowDefault(ex);
  const noCreated = await repo.tablesWithoutCreatedAt(ex);
  const extensions = new Set((await repo.installedExtensions(ex)).map((e) => e.extname));
  const trigram = await repo.productTrigramIndexes(ex);
  const dups = await repo.duplicateUniqueIndexes(ex);

  return [
    finding(
      'NO-PW-DB',
      pw.map((c) => `${c.table_name}.${c.column_name}`),
    ),
    finding('UTC-TZ', [
      ...naive.map((c) => `${c.table_name}.${c.column_name} is without time zone`),
      ...noDefault.map((c) => `${c.table_name}.${c.column_name} has no now() default`),
      ...noCreated.map((t) => `${t.table_name} has no created_at`),
    ]),
    finding('EXT-PGTRGM', [
      ...REQUIRED_EXTENSIONS.filter((e) => !extensions.has(e)).map((e) => `extension ${e} missing`),
      ...(trigram.length === 0 ? ["no GIN trigram index over products (name || ' ' || sku)"] : []),
    ]),
    finding(
      'IDX-DUP',
      dups.map((d) => `${d.table_name}: ${d.indexes.join(' = ')}`),
    ),
    finding('OWNER-FK', await ownerFk(ex)),
    finding('IDEMP-ORD', await idempotency(ex)),
    finding('POOL-DIRECT', poolDirect(env)),
    finding('ENV-ACTIVE', [...(env.configProblem ? [env.configProblem] : []), ...env.lockfileDrift]),
    finding('PII-REG', await personalDataRegistryProblems(ex)),
  ];
}

/** The single line spec §17 asks for. */
export function formatChecks(findings: CheckFinding[]): string {
  const failed = findings.filter((f) => !f.ok).map((f) => f.code);
  return failed.length === 0 ? 'CHECKS: PASS' : `CHECKS: FAIL -> ${failed.join(',')}`;
}
