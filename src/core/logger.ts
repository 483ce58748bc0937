import { type LoggerOptions, stdSerializers } from 'pino';
import type { Config } from './config.js';

/** Paths pino blanks out wherever they appear in a log line: credentials never reach the logs. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'password',
  'token',
  'access_token',
  'refresh_token',
  'secret',
  '*.password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.secret',
  '*.apiKey',
  '*.api_key',
];

/** What a database error says without repeating the values involved (its `detail` names key values). */
function databaseCause(cause: unknown): Record<string, unknown> | undefined {
  if (!(cause instanceof Error)) return undefined;
  const { code, constraint, table, column } = cause as Error & Record<string, unknown>;
  return { type: cause.constructor.name, message: cause.message, code, constraint, table, column };
}

/**
 * Errors as pino's standard serializer writes them, except failed queries: Drizzle puts the statement's
 * parameters (order contents, e-mail addresses, stored responses) in the message and on the error, so only the
 * statement's text and the database's own error are logged.
 */
export function serializeError(err: unknown): unknown {
  if (err instanceof Error && 'query' in err && 'params' in err && typeof err.query === 'string') {
    return {
      type: err.constructor.name,
      message: `Failed query: ${err.query.slice(0, 2_000)}`,
      cause: databaseCause(err.cause),
      stack: err.stack
        ?.split('\n')
        .filter((line) => line.trimStart().startsWith('at '))
        .join('\n'),
    };
  }
  return stdSerializers.err(err as Error);
}

export function loggerOptions(config: Pick<Config, 'logLevel'>): LoggerOptions {
  return {
    level: config.logLevel,
    serializers: { err: serializeError },
    base: { service: 'iris-api' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    formatters: { level: (label) => ({ level: label }) },
  };
}
