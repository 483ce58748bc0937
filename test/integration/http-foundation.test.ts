import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DomainError } from '../../src/core/errors.js';
import { createTestContext, type TestContext } from '../helpers/app.js';

const ENVELOPE_KEYS = ['error', 'code', 'message', 'status', 'timestamp', 'request_id'];

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ BODY_LIMIT_BYTES: '2048', METRICS_ALLOW_CIDRS: '10.9.9.0/24' }, (app) => {
    // Test-only routes that exercise each error path of the real error handling.
    const typed = app.withTypeProvider<ZodTypeProvider>();
    typed.post(
      '/__test/echo',
      {
        schema: {
          summary: 'Echo the body back',
          body: z.strictObject({
            lines: z.array(z.strictObject({ quantity: z.number().positive() })).min(1),
          }),
        },
      },
      (request) => request.body,
    );
    typed.get('/__test/conflict', () => {
      throw new DomainError('INSUFFICIENT_INVENTORY', 'Only 3 left', undefined, { available: 3 });
    });
    typed.get('/__test/unprocessable', () => {
      throw new DomainError('RECONCILIATION_FAILED', 'Invoice does not match');
    });
    typed.get('/__test/crash', () => {
      throw new Error('SELECT secret FROM internals at /srv/app.ts:12');
    });
    typed.get('/__test/items/:id', () => ({ ok: true }));
  });
});
afterAll(() => ctx.close());

describe('error envelope', () => {
  it('answers an unknown route with a 404 envelope with all six fields', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    const body = res.json();
    for (const key of ENVELOPE_KEYS) expect(body).toHaveProperty(key);
    expect(body).toMatchObject({ error: 'NotFoundError', code: 'ROUTE_NOT_FOUND', status: 404 });
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    expect(body.request_id).toBe(res.headers['x-request-id']);
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const res = await ctx.app.inject({ method: 'DELETE', url: '/healthz' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('GET');
    expect(res.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED', status: 405 });
    const param = await ctx.app.inject({ method: 'PUT', url: '/__test/items/42' });
    expect(param.statusCode).toBe(405);
  });

  it('gives validation errors with a details path per problem', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/__test/echo',
      payload: { lines: [{ quantity: -1 }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'ValidationError', code: 'VALIDATION_FAILED', status: 400 });
    expect(res.json().details).toEqual([{ path: 'lines.0.quantity', message: expect.any(String) }]);
  });

  it('rejects unknown fields in strict bodies, naming them', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/__test/echo',
      payload: { lines: [{ quantity: 1 }], role: 'ADMIN' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toContainEqual({ path: 'role', message: 'Unknown field' });
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/__test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"lines": [',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'MALFORMED_REQUEST', status: 400 });
  });

  it('rejects a body over the limit with 413', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/__test/echo',
      payload: { lines: Array.from({ length: 400 }, () => ({ quantity: 1 })) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });

  it('rejects a non-JSON content type with 415', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/__test/echo',
      headers: { 'content-type': 'text/plain' },
      payload: 'hi',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', error: 'UnsupportedMediaTypeError' });
  });

  it('maps domain errors through the registry, keeping their extra fields', async () => {
    const conflict = await ctx.app.inject({ method: 'GET', url: '/__test/conflict' });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({
      code: 'INSUFFICIENT_INVENTORY',
      error: 'ConflictError',
      available: 3,
    });
    const unprocessable = await ctx.app.inject({ method: 'GET', url: '/__test/unprocessable' });
    expect(unprocessable.statusCode).toBe(422);
  });

  it('hides internals on 500', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/__test/crash' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({
      code: 'INTERNAL_ERROR',
      error: 'InternalServerError',
      message: 'An unexpected error occurred',
    });
    expect(res.body).not.toMatch(/SELECT|internals|app\.ts|stack/);
  });
});

describe('request ids', () => {
  it('honours a valid incoming X-Request-ID', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123.def:9' },
    });
    expect(res.headers['x-request-id']).toBe('abc-123.def:9');
  });

  it('replaces an invalid or over-long one', async () => {
    for (const bad of ['x'.repeat(129), 'has space', '<script>']) {
      const res = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/nope',
        headers: { 'x-request-id': bad },
      });
      expect(res.headers['x-request-id']).not.toBe(bad);
      expect(res.json().request_id).toBe(res.headers['x-request-id']);
    }
  });
});

describe('health', () => {
  it('liveness answers ok', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('readiness checks the database and migrations', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ready: true,
      status: 'ready',
      checks: { database: { ok: true }, migrations: { ok: true } },
    });
  });
});

describe('OpenAPI and docs', () => {
  it('serves OpenAPI 3.1 at /openapi.json', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().openapi).toBe('3.1.0');
    expect(Object.keys(res.json().paths)).toContain('/readyz');
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger');
  });
});

describe('metrics', () => {
  it('needs credentials', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const wrong = await ctx.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('FORBIDDEN');
  });

  it('accepts an allow-listed address without a token', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.9.9.7' });
    expect(res.statusCode).toBe(200);
  });

  it('labels requests with the route template, never the raw URL', async () => {
    await ctx.app.inject({ method: 'GET', url: '/__test/items/12345' });
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer metrics-token-for-tests' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('# HELP iris_api_requests_total Total number of API requests received');
    expect(res.body).toMatch(
      /iris_api_requests_total\{method="GET",endpoint="\/__test\/items\/:id",status="200"\} \d/,
    );
    expect(res.body).toMatch(/iris_api_errors_total\{status="404",endpoint="unmatched"\}/);
    expect(res.body).toContain('iris_api_latency_seconds_bucket');
    expect(res.body).not.toContain('12345');
  });
});
