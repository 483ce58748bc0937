import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/core/config.js';
import { createSecretBox } from '../../src/core/secret-box.js';
import {
  checkWebhookUrl,
  isForbiddenAddress,
  signWebhook,
} from '../../src/domain/notifications/notifications.webhooks.js';

const base = { APP_SECRET: 'x'.repeat(32) };

function variableOf(env: Record<string, string>): string {
  try {
    parseConfig({ ...base, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.variable;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('job and notification configuration', () => {
  it('defaults to Stockholm cron, embedded jobs and FCM switched off', () => {
    const config = parseConfig(base);
    expect(config.jobs).toMatchObject({
      inline: true,
      timezone: 'Europe/Stockholm',
      queuePrefix: 'iris',
      concurrency: 5,
    });
    expect(config.notifications.fcm.credentials).toBeUndefined();
    expect(config.notifications.webhooks).toEqual({
      allowInsecureTargets: false,
      timeoutMs: 5000,
      allowedPorts: [443],
    });
  });

  it('reads an inline service-account key', () => {
    const key = { project_id: 'p', client_email: 'c@p.iam.gserviceaccount.com', private_key: 'k' };
    expect(
      parseConfig({ ...base, FIREBASE_CREDENTIALS_JSON: JSON.stringify(key) }).notifications.fcm.credentials,
    ).toEqual({
      projectId: 'p',
      clientEmail: 'c@p.iam.gserviceaccount.com',
      privateKey: 'k',
    });
  });

  it.each([
    [{ JOB_TIMEZONE: 'Europe/Atlantis' }, 'JOB_TIMEZONE'],
    [{ WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY'],
    [{ JOB_QUEUE_PREFIX: 'has space' }, 'JOB_QUEUE_PREFIX'],
    [{ FIREBASE_CREDENTIALS_JSON: '{"private_key":"secret"}' }, 'FIREBASE_CREDENTIALS_JSON'],
    [{ FIREBASE_CREDENTIALS_JSON: 'not json' }, 'FIREBASE_CREDENTIALS_JSON'],
    [{ GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/key.json' }, 'GOOGLE_APPLICATION_CREDENTIALS'],
    [{ FCM_ENDPOINT_OVERRIDE: 'https://fcm.example' }, 'FCM_ENDPOINT_OVERRIDE'],
    [{ FCM_ENDPOINT_OVERRIDE: 'http://127.0.0.1:9' }, 'FCM_ENDPOINT_OVERRIDE'],
    [{ WEBHOOK_ALLOW_INSECURE_TARGETS: 'sure' }, 'WEBHOOK_ALLOW_INSECURE_TARGETS'],
  ])('rejects %o naming %s', (env, variable) => {
    expect(variableOf(env)).toBe(variable);
  });

  it('refuses test-only switches in production', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://x/y',
      REDIS_URL: 'redis://x',
      AUTH_PROVIDER: 'local',
      ALLOW_LOCAL_AUTH_IN_PRODUCTION: 'true',
    };
    expect(variableOf({ ...production, WEBHOOK_ALLOW_INSECURE_TARGETS: 'true' })).toBe(
      'WEBHOOK_ALLOW_INSECURE_TARGETS',
    );
  });

  it('never echoes a service-account key in the error', () => {
    expect(() => parseConfig({ ...base, FIREBASE_CREDENTIALS_JSON: '{"private_key":"TOPSECRET"}' })).toThrow(
      /^(?!.*TOPSECRET).*$/,
    );
  });
});

describe('secret box', () => {
  const box = createSecretBox('a'.repeat(40), 'webhook-signing-secret');

  it('round-trips and never repeats a ciphertext', () => {
    const a = box.seal('whsec_abc');
    expect(a).not.toContain('whsec_abc');
    expect(box.open(a)).toBe('whsec_abc');
    expect(box.seal('whsec_abc')).not.toBe(a);
  });

  it('refuses another key, another purpose and tampering', () => {
    const sealed = box.seal('whsec_abc');
    expect(() => createSecretBox('b'.repeat(40), 'webhook-signing-secret').open(sealed)).toThrow();
    expect(() => createSecretBox('a'.repeat(40), 'connector-session').open(sealed)).toThrow();
    const [v, iv, body, tag] = sealed.split('.');
    const flipped = (body!.startsWith('A') ? 'B' : 'A') + body!.slice(1);
    expect(() => box.open([v, iv, flipped, tag].join('.'))).toThrow();
    expect(() => box.open('plaintext')).toThrow(/not a sealed secret/);
  });
});

describe('webhook targets and signatures', () => {
  it.each([
    ['8.8.8.8', false],
    ['203.0.114.10', false],
    ['2a00:1450:4010:c05::64', false],
    ['10.0.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['127.0.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['::', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:8.8.8.8', true],
    ['fd12::1', true],
    ['fe80::1', true],
    ['ff02::1', true],
    ['not-an-ip', true],
  ])('%s forbidden: %s', (address, forbidden) => {
    expect(isForbiddenAddress(address, false)).toBe(forbidden);
  });

  it('allows loopback, and only loopback, when insecure targets are allowed', () => {
    expect([isForbiddenAddress('127.0.0.1', true), isForbiddenAddress('::1', true)]).toEqual([false, false]);
    expect(isForbiddenAddress('10.0.0.1', true)).toBe(true);
  });

  it.each([
    ['https://8.8.8.8/hook', undefined, undefined],
    ['https://8.8.8.8:443/hook', undefined, undefined],
    ['https://8.8.8.8:8443/hook', undefined, 'must use port 443'],
    ['https://8.8.8.8:22/hook', undefined, 'must use port 443'],
    ['https://8.8.8.8:8443/hook', [443, 8443], undefined],
    ['https://8.8.8.8/hook', [8443], 'must use port 8443'],
  ])('target %s with ports %o: %s', async (url, allowedPorts, refusal) => {
    expect(
      await checkWebhookUrl(url, { allowInsecure: false, ...(allowedPorts ? { allowedPorts } : {}) }),
    ).toBe(refusal);
  });

  it('reads WEBHOOK_ALLOWED_PORTS, default 443', () => {
    expect(parseConfig(base).notifications.webhooks.allowedPorts).toEqual([443]);
    expect(
      parseConfig({ ...base, WEBHOOK_ALLOWED_PORTS: '443, 8443' }).notifications.webhooks.allowedPorts,
    ).toEqual([443, 8443]);
    expect(() => parseConfig({ ...base, WEBHOOK_ALLOWED_PORTS: 'https' })).toThrow(/WEBHOOK_ALLOWED_PORTS/);
  });

  it('signs "<t>.<body>" with HMAC-SHA256 (known vector)', () => {
    expect(signWebhook('whsec_test', 1700000000, '{"a":1}')).toBe(
      't=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789',
    );
  });
});
