import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { serializeError } from '../../src/core/logger.js';

describe('error serializer', () => {
  it('logs a failed query and its database error, never its parameters', () => {
    const cause = Object.assign(
      new Error('duplicate key value violates unique constraint "accounts_email_key"'),
      {
        code: '23505',
        constraint: 'accounts_email_key',
        table: 'accounts',
        detail: 'Key (email)=(someone@example.se) already exists.',
      },
    );
    const err = new DrizzleQueryError(
      'insert into "accounts" ("email") values ($1)',
      ['someone@example.se'],
      cause,
    );
    const logged = serializeError(err);
    expect(JSON.stringify(logged)).not.toContain('someone@example.se');
    expect(logged).toMatchObject({
      type: 'DrizzleQueryError',
      message: 'Failed query: insert into "accounts" ("email") values ($1)',
      cause: { code: '23505', constraint: 'accounts_email_key', table: 'accounts' },
    });
  });

  it('logs other errors as pino does', () => {
    expect(serializeError(new TypeError('boom'))).toMatchObject({ type: 'TypeError', message: 'boom' });
  });
});
