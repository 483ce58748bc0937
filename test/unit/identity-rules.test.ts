import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/core/config.js';
import { bearerToken } from '../../src/core/security.js';
import { luhnValid, normaliseOrgNumber, withCheckDigit } from '../../src/domain/organisations/org-number.js';

const hash = '$2b$04$abcdefghijklmnopqrstuuBLQ3kRrVnDQxuE3LS0W9oQ6Y3H4Bj2y';

describe('organisationsnummer', () => {
  it.each([
    ['556000-0001', '5560000001'],
    ['5560000019', '5560000019'],
    ['16 5560000001', '5560000001'],
  ])('accepts %s', (input, expected) => {
    expect(normaliseOrgNumber(input)).toBe(expected);
  });

  it.each(['5560000002', '556000000', '55600000011', 'abcdefghij', ''])('rejects %s', (input) => {
    expect(normaliseOrgNumber(input)).toBeUndefined();
  });

  it('completes any nine digits to a valid number, and one changed digit breaks it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), fc.integer({ min: 0, max: 9 }), (nine, position) => {
        const full = withCheckDigit(nine);
        expect(luhnValid(full)).toBe(true);
        const digit = Number(full[position]);
        const changed = `${full.slice(0, position)}${(digit + 1) % 10}${full.slice(position + 1)}`;
        expect(luhnValid(changed)).toBe(false);
      }),
    );
  });
});

describe('DEV_USERS', () => {
  const base = { APP_SECRET: 'x'.repeat(32) };

  it('parses email:hash and email:ROLE:hash entries', () => {
    const config = parseConfig({ ...base, DEV_USERS: `A@x.se:${hash}, b@x.se:admin:${hash}` });
    expect(config.auth.devUsers).toEqual([
      { email: 'a@x.se', role: 'RESTAURANT', hash },
      { email: 'b@x.se', role: 'ADMIN', hash },
    ]);
  });

  it.each([`a@x.se:plaintext`, `a@x.se:ROOT:${hash}`, `not-an-email:${hash}`, `a@x.se`])(
    'refuses %s at start-up',
    (entry) => {
      expect(() => parseConfig({ ...base, DEV_USERS: entry })).toThrow(ConfigError);
      try {
        parseConfig({ ...base, DEV_USERS: entry });
      } catch (err) {
        expect((err as ConfigError).variable).toBe('DEV_USERS');
        expect((err as ConfigError).message).not.toContain(hash);
      }
    },
  );
});

describe('Authorization header', () => {
  it.each(['Bearer a.b.c', '  Bearer a.b.c  '])('accepts %s', (header) => {
    expect(bearerToken(header)).toBe('a.b.c');
  });

  it.each([undefined, '', 'Bearer', 'bearer a.b.c', 'Basic a.b.c', 'Bearer a.b', 'Bearer a.b.c d'])(
    'refuses %s',
    (header) => {
      expect(() => bearerToken(header)).toThrow(/Authorization/);
    },
  );
});
