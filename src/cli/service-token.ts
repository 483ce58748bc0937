import { parseArgs } from 'node:util';
import { exitOnConfigError, resolveStartupConfig } from '../bootstrap.js';
import { DomainError } from '../core/errors.js';
import { issueServiceToken } from '../core/security.js';

/**
 * npm run token:service -- --name connector-worker --scope integrations [--scope jobs] [--ttl 86400]
 * Mints a service token (spec §5: workers and connectors authenticate with service accounts, are exempt from
 * rate limits, and carry no user). Signed with APP_SECRET; print it once and store it in the worker's secret store.
 */
const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    scope: { type: 'string', multiple: true },
    ttl: { type: 'string', default: '86400' },
  },
});

try {
  const config = resolveStartupConfig();
  const ttl = Number(values.ttl);
  if (!values.name || !values.scope?.length || !Number.isInteger(ttl) || ttl < 60 || ttl > 31_536_000) {
    process.stderr.write(
      'usage: token:service --name <service> --scope <scope> [--scope …] [--ttl seconds, 60…31536000]\n',
    );
    process.exit(2);
  }
  process.stdout.write(`${await issueServiceToken(config.auth, values.name, values.scope, ttl)}\n`);
} catch (err) {
  if (err instanceof DomainError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  exitOnConfigError(err);
}
