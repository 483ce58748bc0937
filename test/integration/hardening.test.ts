import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { createTestContext, testConfig, type TestContext } from '../helpers/app.js';

/** One raw HTTP/1.1 exchange, so nothing between the test and the server rewrites the request. */
function rawRequest(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function expectEnvelope(
  res: { status: number; headers: Record<string, unknown>; body: string },
  code: string,
) {
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toMatchObject({ code, status: res.status });
  expect(typeof body.error).toBe('string');
  expect(body.request_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(new Date(body.timestamp as string).toISOString()).toBe(body.timestamp);
  expect(res.headers['x-request-id']).toBe(body.request_id);
  expect(res.body).not.toContain('FST_ERR');
}

describe('one envelope for framework and client errors, over real HTTP', () => {
  let ctx: TestContext;
  let port: number;
  beforeAll(async () => {
    ctx = await createTestContext();
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const address = ctx.app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => ctx.close());

  it('answers a path parameter over 100 characters with 414 URI_TOO_LONG', async () => {
    const res = await rawRequest(port, `/api/v1/orders/${'a'.repeat(150)}`);
    expect(res.status).toBe(414);
    expectEnvelope(res, 'URI_TOO_LONG');
  });

  it('answers malformed percent-encoding with 400 MALFORMED_REQUEST', async () => {
    const res = await rawRequest(port, '/api/v1/orders/%E0%A4%A');
    expect(res.status).toBe(400);
    expectEnvelope(res, 'MALFORMED_REQUEST');
  });

  it('answers headers over 16 KB with 431 HEADERS_TOO_LARGE', async () => {
    const res = await rawRequest(port, '/healthz', { 'x-padding': 'p'.repeat(20_000) });
    expect(res.status).toBe(431);
    expectEnvelope(res, 'HEADERS_TOO_LARGE');
  });

  it('answers a request line over 16 KB with 431 too', async () => {
    const res = await rawRequest(port, `/api/v1/products?q=${'k'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    expectEnvelope(res, 'HEADERS_TOO_LARGE');
  });
});

describe('API docs in production', () => {
  const production = (extra: Record<string, string> = {}) =>
    testConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      REDIS_URL: 'redis://127.0.0.1:1',
      AUTH_PROVIDER: 'clerk',
      CLERK_JWKS_URL: 'https://clerk.invalid/.well-known/jwks.json',
      CLERK_ISSUERS: 'https://clerk.invalid',
      PAYMENTS_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_unused',
      STRIPE_WEBHOOK_SECRET: 'whsec_unused',
      STORAGE_LOCAL_DIR: '/tmp/iris-test-files',
      ...extra,
    });
  let apps: App[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
    apps = [];
  });

  it('are off by default', async () => {
    const app = await buildApp(production());
    apps.push(app);
    for (const url of ['/docs', '/openapi.json']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('when enabled, need the operator token', async () => {
    const app = await buildApp(production({ API_DOCS_ENABLED: 'true' }));
    apps.push(app);
    for (const url of ['/docs', '/openapi.json']) {
      const anonymous = await app.inject({ method: 'GET', url });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().code).toBe('UNAUTHENTICATED');
      const wrong = await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer wrong' } });
      expect(wrong.statusCode).toBe(403);
      const ok = await app.inject({
        method: 'GET',
        url,
        headers: { authorization: 'Bearer metrics-token-for-tests' },
      });
      expect(ok.statusCode).toBeLessThan(400);
    }
  });
});
