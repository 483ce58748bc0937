import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { serializeError, withoutQueryValues } from '../../src/core/logger.js';

// A note a customer typed, with a line that looks like a stack frame.
const NOTE = 'Ring på\nat 7, ring 070-1234567';

function failedQuery() {
  const cause = Object.assign(new Error('invalid input syntax for type uuid: "someone@example.se"'), {
    code: '22P02',
    detail: 'Key (email)=(someone@example.se) already exists.',
  });
  return new DrizzleQueryError(
    'insert into "orders" ("note", "placed_by") values ($1, $2)',
    [NOTE, 'someone@example.se'],
    cause,
  );
}

describe('error serializer', () => {
  it('logs a failed query and its database error, never its parameters', () => {
    const logged = serializeError(failedQuery());
    const text = JSON.stringify(logged);
    expect(text).not.toContain('someone@example.se');
    expect(text).not.toContain('070-1234567');
    expect(logged).toMatchObject({
      type: 'DrizzleQueryError',
      message: 'Failed query [22P02]: insert into "orders" ("note", "placed_by") values ($1, $2)',
      cause: { code: '22P02', message: 'invalid input syntax for type uuid: "…"' },
      stack: expect.stringMatching(/^\s+at /),
    });
  });

  it('logs other errors as pino does', () => {
    expect(serializeError(new TypeError('boom'))).toMatchObject({ type: 'TypeError', message: 'boom' });
  });

  it('gives queues an error without query values, and other errors unchanged', () => {
    const safe = withoutQueryValues(failedQuery()) as Error;
    expect(`${safe.message}\n${safe.stack ?? ''}`).not.toMatch(/someone@example\.se|070-1234567/);
    expect(safe.message).toMatch(/^Failed query \[22P02\]: insert into "orders"/);
    const other = new RangeError('out of range');
    expect(withoutQueryValues(other)).toBe(other);
  });
});
