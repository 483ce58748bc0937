import { ConfigError, parseConfig, readEnvironment } from '../core/config.js';
import { lockfileDrift } from '../domain/preflight/preflight.environment.js';
import { formatChecks, runPreflight } from '../domain/preflight/preflight.service.js';
import { openMigrationTarget } from './migrate-target.js';

/**
 * npm run checks — spec §17 pre-flight: prints exactly one line, `CHECKS: PASS` or
 * `CHECKS: FAIL -> CODE,...`; exits 0 or 1. `--explain` adds the reasons on stderr.
 */
const env = readEnvironment();
let configProblem: string | undefined;
try {
  // In embedded development the server generates APP_SECRET itself, so its absence is no problem there.
  const embeddedDev = !env.DATABASE_URL && env.NODE_ENV !== 'production';
  parseConfig(embeddedDev && !env.APP_SECRET ? { ...env, APP_SECRET: 'x'.repeat(32) } : env);
} catch (err) {
  configProblem = err instanceof ConfigError ? err.message : String(err);
}

const database = await openMigrationTarget(env, () => undefined);
try {
  const findings = await runPreflight(database.db, {
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    directUrl: env.DATABASE_URL_DIRECT?.trim() || undefined,
    configProblem,
    lockfileDrift: lockfileDrift(process.cwd(), env.NODE_ENV !== 'production'),
  });
  process.stdout.write(`${formatChecks(findings)}\n`);
  if (process.argv.includes('--explain')) {
    for (const f of findings.filter((x) => !x.ok))
      process.stderr.write(`${f.code}: ${f.reasons.join('; ')}\n`);
  }
  process.exitCode = findings.every((f) => f.ok) ? 0 : 1;
} finally {
  await database.close();
}
