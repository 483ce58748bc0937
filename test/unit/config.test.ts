import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { configErrorOf } from '../helpers/config-error.js';

const base = { APP_SECRET: 'x'.repeat(32) };

const errorOf = configErrorOf;

describe('config', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(base);
    expect(config.http.port).toBe(8000);
    expect(config.auth.provider).toBe('local');
    expect(config.database.url).toBeUndefined();
    expect(config.database.pool).toMatchObject({ size: 10, maxOverflow: 20, recycleSeconds: 3600 });
    expect(config.http.apiDocsEnabled).toBe(true);
    expect(config.http.trustProxy).toBe(false);
  });

  it('binds the embedded database to loopback, any other to all interfaces, unless HOST says otherwise', () => {
    expect(parseConfig(base).http.host).toBe('127.0.0.1');
    const pg = { ...base, DATABASE_URL: 'postgres://u@db/iris' };
    expect(parseConfig(pg).http.host).toBe('0.0.0.0');
    expect(parseConfig({ ...base, HOST: '0.0.0.0' }).http.host).toBe('0.0.0.0');
    expect(parseConfig({ ...pg, HOST: '10.0.0.5' }).http.host).toBe('10.0.0.5');
  });

  it('writes JSON logs unless asked for pretty ones, and never pretty in production by default', () => {
    expect(parseConfig({ ...base, NODE_ENV: 'test' }).logPretty).toBe(false);
    expect(parseConfig({ ...base, LOG_FORMAT: 'json' }).logPretty).toBe(false);
    expect(parseConfig({ ...base, LOG_FORMAT: 'pretty' }).logPretty).toBe(true);
    expect(errorOf({ ...base, LOG_FORMAT: 'xml' }).message).toContain('LOG_FORMAT');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ APP_SECRET: 'short' }, 'APP_SECRET'],
    [{ APP_SECRET: '' }, 'APP_SECRET'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ AUTH_PROVIDER: 'ldap' }, 'AUTH_PROVIDER'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ CORS_ORIGINS: 'not a url' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ METRICS_ALLOW_CIDRS: 'everyone' }, 'METRICS_ALLOW_CIDRS'],
    [{ API_DOCS_ENABLED: 'maybe' }, 'API_DOCS_ENABLED'],
  ])('rejects %o naming %s in one line', (env, variable) => {
    const err = errorOf({ ...base, ...env });
    expect(err.variable).toBe(variable);
    expect(err.message).toContain(variable);
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('checks responses against their schemas except in production, unless told otherwise', () => {
    const production = {
      ...base,
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/iris',
      REDIS_URL: 'redis://localhost',
      PAYMENTS_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_unused',
      STRIPE_WEBHOOK_SECRET: 'whsec_unused',
      STORAGE_LOCAL_DIR: '/tmp/iris-test-files',
      AUTH_PROVIDER: 'local',
      ALLOW_LOCAL_AUTH_IN_PRODUCTION: 'true',
    };
    expect(parseConfig(base).http.validateResponses).toBe(true);
    expect(parseConfig(production).http.validateResponses).toBe(false);
    expect(parseConfig({ ...production, RESPONSE_VALIDATION: 'on' }).http.validateResponses).toBe(true);
    expect(parseConfig({ ...base, RESPONSE_VALIDATION: 'off' }).http.validateResponses).toBe(false);
    expect(errorOf({ ...base, RESPONSE_VALIDATION: 'maybe' }).variable).toBe('RESPONSE_VALIDATION');
  });

  it('refuses production on implicit or local auth unless told to, and keeps its docs private', () => {
    const production = {
      ...base,
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/iris',
      REDIS_URL: 'redis://localhost',
      PAYMENTS_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_unused',
      STRIPE_WEBHOOK_SECRET: 'whsec_unused',
      STORAGE_LOCAL_DIR: '/tmp/iris-test-files',
    };
    expect(errorOf(production).variable).toBe('AUTH_PROVIDER');
    expect(errorOf({ ...production, AUTH_PROVIDER: 'local' }).message).toMatch(
      /ALLOW_LOCAL_AUTH_IN_PRODUCTION/,
    );
    const local = parseConfig({
      ...production,
      AUTH_PROVIDER: 'local',
      ALLOW_LOCAL_AUTH_IN_PRODUCTION: 'true',
    });
    expect(local.auth).toMatchObject({ provider: 'local', localInProduction: true });
    const clerk = parseConfig({
      ...production,
      AUTH_PROVIDER: 'clerk',
      CLERK_JWKS_URL: 'https://clerk.example/jwks',
      CLERK_ISSUERS: 'https://clerk.example',
    });
    expect(clerk.auth.localInProduction).toBe(false);
    expect(clerk.http).toMatchObject({ apiDocsEnabled: false, apiDocsProtected: true });
    expect(
      parseConfig({
        ...production,
        AUTH_PROVIDER: 'clerk',
        CLERK_JWKS_URL: 'https://c/j',
        CLERK_ISSUERS: 'https://c',
        API_DOCS_ENABLED: 'true',
      }).http,
    ).toMatchObject({ apiDocsEnabled: true, apiDocsProtected: true });
    expect(parseConfig(base).http).toMatchObject({ apiDocsEnabled: true, apiDocsProtected: false });
  });

  it('refuses production without DATABASE_URL', () => {
    expect(errorOf({ ...base, NODE_ENV: 'production', REDIS_URL: 'redis://localhost' }).variable).toBe(
      'DATABASE_URL',
    );
  });

  it('requires a key source and issuers in clerk mode', () => {
    expect(errorOf({ ...base, AUTH_PROVIDER: 'clerk' }).variable).toBe('CLERK_JWKS_URL');
    expect(errorOf({ ...base, AUTH_PROVIDER: 'clerk', CLERK_JWKS_URL: 'https://x/jwks' }).variable).toBe(
      'CLERK_ISSUERS',
    );
  });

  it('parses lists, booleans and proxies', () => {
    const config = parseConfig({
      ...base,
      CORS_ORIGINS: 'https://app.iris.se, https://admin.iris.se',
      API_DOCS_ENABLED: 'false',
      TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
      METRICS_ALLOW_CIDRS: '10.0.0.0/8,::1',
    });
    expect(config.http.corsOrigins).toEqual(['https://app.iris.se', 'https://admin.iris.se']);
    expect(config.http.apiDocsEnabled).toBe(false);
    expect(config.http.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(config.metrics.allowCidrs).toEqual(['10.0.0.0/8', '::1']);
  });
});
