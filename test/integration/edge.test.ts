import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_SECRET, type TestContext } from '../helpers/app.js';

const run = promisify(execFile);
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ CORS_ORIGINS: 'https://app.iris.se' });
});
afterAll(() => ctx.close());

describe('CORS (spec §5)', () => {
  it('allows only configured origins, with credentials', async () => {
    const ok = await ctx.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'https://app.iris.se' },
    });
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.iris.se');
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    const evil = await ctx.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers preflight for allowed origins', async () => {
    const res = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/orders',
      headers: {
        origin: 'https://app.iris.se',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'idempotency-key,content-type',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.iris.se');
  });
});

describe('security headers', () => {
  it('are set by helmet', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});

describe('service token CLI', () => {
  it('mints a token the API accepts as a service principal', async () => {
    const env = { ...process.env, APP_SECRET: TEST_SECRET, DATABASE_URL: ctx.databaseUrl };
    const { stdout } = await run(
      'npx',
      ['tsx', 'src/cli/service-token.ts', '--name', 'connector-worker', '--scope', 'integrations'],
      { env },
    );
    const token = stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/Service tokens/);
  });

  it('refuses bad arguments', async () => {
    const env = { ...process.env, APP_SECRET: TEST_SECRET, DATABASE_URL: ctx.databaseUrl };
    const failed = await run(
      'npx',
      ['tsx', 'src/cli/service-token.ts', '--name', 'Bad Name!', '--scope', 'integrations'],
      { env },
    ).catch((err: unknown) => err as { code: number; stderr: string });
    expect('code' in failed ? failed.code : 0).toBe(2);
  });
});
