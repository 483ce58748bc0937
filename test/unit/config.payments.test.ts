import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { configErrorOf } from '../helpers/config-error.js';

const base = { APP_SECRET: 'x'.repeat(32) };
const production = {
  ...base,
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/iris',
  REDIS_URL: 'redis://localhost',
  STORAGE_LOCAL_DIR: '/tmp/iris-test-files',
  AUTH_PROVIDER: 'local',
  ALLOW_LOCAL_AUTH_IN_PRODUCTION: 'true',
};
const stripe = {
  PAYMENTS_PROVIDER: 'stripe',
  STRIPE_SECRET_KEY: 'sk_test_abc123',
  STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
};

const errorOf = configErrorOf;

describe('payments configuration', () => {
  it('defaults to the fake Stripe in development with a 5 % commission', () => {
    const p = parseConfig(base).payments;
    expect(p).toMatchObject({
      provider: 'fake',
      livemode: false,
      platformFeeBp: 500,
      placementTimeoutMs: 3_000,
      fakePort: 12111,
      apiBase: undefined,
    });
  });

  it('refuses a live key outside production and accepts it, in live mode, in production', () => {
    const live = { ...stripe, STRIPE_SECRET_KEY: 'sk_live_abc123' };
    for (const env of ['development', 'test']) {
      const err = errorOf({ ...base, ...live, NODE_ENV: env });
      expect(err.variable).toBe('STRIPE_SECRET_KEY');
      expect(err.message).toMatch(/live key/);
    }
    expect(errorOf({ ...base, ...live, STRIPE_SECRET_KEY: 'rk_live_abc123' }).variable).toBe(
      'STRIPE_SECRET_KEY',
    );
    expect(parseConfig({ ...production, ...live }).payments).toMatchObject({
      provider: 'stripe',
      livemode: true,
    });
    expect(parseConfig({ ...production, ...stripe }).payments.livemode).toBe(false);
  });

  it('needs both Stripe secrets for PAYMENTS_PROVIDER=stripe, each in its own format', () => {
    expect(errorOf({ ...base, PAYMENTS_PROVIDER: 'stripe' }).variable).toBe('STRIPE_SECRET_KEY');
    expect(errorOf({ ...base, ...stripe, STRIPE_WEBHOOK_SECRET: '' }).variable).toBe('STRIPE_WEBHOOK_SECRET');
    expect(errorOf({ ...base, ...stripe, STRIPE_SECRET_KEY: 'pk_test_abc' }).variable).toBe(
      'STRIPE_SECRET_KEY',
    );
    expect(errorOf({ ...base, ...stripe, STRIPE_WEBHOOK_SECRET: 'secret' }).variable).toBe(
      'STRIPE_WEBHOOK_SECRET',
    );
    expect(errorOf({ ...base, PAYMENTS_PROVIDER: 'paypal' }).variable).toBe('PAYMENTS_PROVIDER');
  });

  it('takes stripe or none in production, never the fake, and no test API base', () => {
    const fake = errorOf(production);
    expect(fake.variable).toBe('PAYMENTS_PROVIDER');
    expect(fake.message).toMatch(/stripe \(or none/);
    expect(parseConfig({ ...production, PAYMENTS_PROVIDER: 'none' }).payments.provider).toBe('none');
    expect(errorOf({ ...production, ...stripe, STRIPE_API_BASE: 'http://127.0.0.1:12111' }).variable).toBe(
      'STRIPE_API_BASE',
    );
  });

  it('parses the test API base into host, port and protocol and bounds the numbers', () => {
    const p = parseConfig({ ...base, ...stripe, STRIPE_API_BASE: 'http://127.0.0.1:4010' }).payments;
    expect(p.apiBase).toEqual({ host: '127.0.0.1', port: 4010, protocol: 'http' });
    expect(
      parseConfig({ ...base, ...stripe, STRIPE_API_BASE: 'https://stripe.test' }).payments.apiBase,
    ).toEqual({
      host: 'stripe.test',
      port: 443,
      protocol: 'https',
    });
    expect(errorOf({ ...base, ...stripe, STRIPE_API_BASE: 'http://x/v1' }).variable).toBe('STRIPE_API_BASE');
    expect(errorOf({ ...base, PAYMENTS_PLATFORM_FEE_BP: '10001' }).variable).toBe('PAYMENTS_PLATFORM_FEE_BP');
    expect(errorOf({ ...base, STRIPE_PLACEMENT_TIMEOUT_MS: '10' }).variable).toBe(
      'STRIPE_PLACEMENT_TIMEOUT_MS',
    );
  });
});
