import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerContract, errorCodesOf, operationIdOf } from '../../src/api/contract.js';
import { requireRole } from '../../src/api/guards.js';
import { createTestContext, type TestContext } from '../helpers/app.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

type Operation = {
  operationId?: string;
  summary?: string;
  security?: unknown[];
  parameters?: { in: string; name: string; required?: boolean }[];
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
};

describe('registerContract', () => {
  it('fails start-up for a documented route without a summary', () => {
    const app = Fastify();
    registerContract(app);
    expect(() => app.get('/x', { schema: {} }, () => 'x')).toThrow('Route GET /x has no summary');
  });

  it('derives stable operation ids from method and path', () => {
    expect(operationIdOf('GET', '/api/v1/products/:id/prices')).toBe('getProductsByIdPrices');
    expect(operationIdOf('GET', '/api/v1/invoices/:order_id')).toBe('getInvoicesByOrderId');
    expect(operationIdOf('POST', '/auth/dev/login')).toBe('postAuthDevLogin');
  });

  it('derives the error codes from the guard, the inputs and the declarations', () => {
    const codes = errorCodesOf({
      method: 'POST',
      url: '/x',
      handler: () => undefined,
      preValidation: requireRole('ADMIN'),
      schema: { body: {} },
      config: { errors: ['SKU_TAKEN'] },
    } as never);
    expect(codes).toEqual(
      expect.arrayContaining([
        'UNAUTHENTICATED',
        'FORBIDDEN',
        'VALIDATION_FAILED',
        'PAYLOAD_TOO_LARGE',
        'UNSUPPORTED_MEDIA_TYPE',
        'RATE_LIMITED',
        'SKU_TAKEN',
      ]),
    );
  });
});

describe('the OpenAPI document', () => {
  it('is a complete contract for every operation', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json<Document>();
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ name: `${method} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThan(40);
    const ids = new Set<string>();
    for (const { name, op } of operations) {
      expect(op.operationId, name).toBeTruthy();
      ids.add(op.operationId ?? '');
      expect(op.summary, name).toBeTruthy();
      expect(op.security, name).toBeDefined();
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.description, `${name} ${status}`).not.toBe('Default Response');
        if (Number(status) >= 400 && !name.endsWith('/readyz'))
          expect(response.content?.['application/json']?.schema, `${name} ${status}`).toEqual({
            $ref: '#/components/schemas/ErrorEnvelope',
          });
      }
      expect(op.responses['500'], name).toBeDefined();
    }
    expect(ids.size).toBe(operations.length);

    const place = doc.paths['/api/v1/orders']!.post!;
    expect(place.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'idempotency-key', required: true }),
    );
    expect(Object.keys(place.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404', '409', '413', '415', '422', '429', '503']),
    );
    expect(place.responses['409']!.description).toContain('INSUFFICIENT_INVENTORY');
    expect(place.responses['422']!.description).toContain('IDEMPOTENCY_KEY_REUSED');
    expect(doc.components.schemas.ProductBulkUpsertInput!.properties!.products).toMatchObject({
      items: { $ref: '#/components/schemas/ProductRowInput' },
    });
    for (const name of ['Product', 'Order', 'Invoice', 'ErrorEnvelope', 'ProductRowInput'])
      expect(doc.components.schemas[name], name).toBeDefined();
  });
});

describe('Swagger UI outside production', () => {
  it('is not upgraded to https, so it loads over plain HTTP by any address', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/docs/',
      headers: { host: '192.168.1.20:8000' },
    });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
});
