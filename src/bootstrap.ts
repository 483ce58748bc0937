import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, type Config, parseConfig, readEnvironment } from './core/config.js';

/**
 * Development conveniences that make `npm install && npm start` work on a fresh clone with no env:
 * a random APP_SECRET is generated once and kept beside the embedded database (`.iris/app-secret`) (never in production).
 */
export function resolveStartupConfig(): Config {
  const env = readEnvironment();
  const secretFile = join(dirname(env.EMBEDDED_DB_DIR?.trim() || '.iris/pgdata'), 'app-secret');
  const overrides: Record<string, string> = {};
  const embeddedDev = !env.DATABASE_URL && env.NODE_ENV !== 'production';
  if (embeddedDev && !env.APP_SECRET) {
    if (!existsSync(secretFile)) {
      mkdirSync(dirname(secretFile), { recursive: true });
      writeFileSync(secretFile, randomBytes(48).toString('base64url'), { mode: 0o600 });
    }
    overrides.APP_SECRET = readFileSync(secretFile, 'utf8').trim();
  }
  return parseConfig({ ...env, ...overrides });
}

/** Prints a configuration problem as one line and exits; anything else is rethrown. */
export function exitOnConfigError(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  throw err;
}

/** The start-up configuration of an entry point (API, worker): a configuration problem ends the process. */
export function startupConfigOrExit(): Config {
  try {
    return resolveStartupConfig();
  } catch (err) {
    exitOnConfigError(err);
  }
}
