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

/** Drizzle's error for a failed statement: its message and `params` carry every bound value. */
function isQueryError(err: unknown): err is Error & { query: string } {
  return err instanceof Error && 'query' in err && 'params' in err && typeof err.query === 'string';
}

/** A database error's own message with quoted values blanked (`invalid input syntax for type uuid: "…"`). */
const withoutValues = (message: string) => message.replace(/"[^"]*"/g, '"…"');

/** What a database error says without the values involved (its `detail` names key values, so it is left out). */
function databaseCause(cause: unknown): Record<string, unknown> | undefined {
  if (!(cause instanceof Error)) return undefined;
  const { code, constraint, table, column } = cause as Error & Record<string, unknown>;
  return {
    type: cause.constructor.name,
    message: withoutValues(cause.message),
    code,
    constraint,
    table,
    column,
  };
}

/** The stack's frames only: its first lines repeat the message, which for a failed query holds the values. */
function framesOf(err: Error): string | undefined {
  const header = `${err.name}: ${err.message}`;
  return err.stack?.startsWith(header) ? err.stack.slice(header.length).replace(/^\n/, '') : undefined;
}

const queryMessage = (err: Error & { query: string }) => {
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return `Failed query${typeof code === 'string' ? ` [${code}]` : ''}: ${err.query.slice(0, 2_000)}`;
};

/**
 * Errors as pino's standard serializer writes them, except failed queries: Drizzle puts the statement's
 * parameters (order contents, e-mail addresses, stored responses) in the message and on the error, so only the
 * statement's text and the database's own error are logged.
 */
export function serializeError(err: unknown): unknown {
  if (isQueryError(err)) {
    return {
      type: err.constructor.name,
      message: queryMessage(err),
      cause: databaseCause(err.cause),
      stack: framesOf(err),
    };
  }
  return stdSerializers.err(err as Error);
}

/**
 * The error to keep where only a message and a stack survive (job failure reasons stored in Redis, relay
 * reports): a failed query becomes an Error without its values; anything else is returned unchanged.
 */
export function withoutQueryValues(err: unknown): unknown {
  if (!isQueryError(err)) return err;
  const safe = new Error(queryMessage(err));
  const frames = framesOf(err);
  safe.stack = `Error: ${safe.message}${frames ? `\n${frames}` : ''}`;
  return safe;
}

export function loggerOptions(config: Pick<Config, 'logLevel' | 'logPretty'>): LoggerOptions {
  return {
    ...(config.logPretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' },
          },
        }
      : {}),
    level: config.logLevel,
    serializers: { err: serializeError },
    base: { service: 'iris-api' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    formatters: { level: (label) => ({ level: label }) },
  };
}
