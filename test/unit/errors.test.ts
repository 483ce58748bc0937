import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/error-codes.js';
import { DomainError, httpMappingFor, toEnvelope, translateDatabaseError } from '../../src/core/errors.js';
import { toDomainError } from '../../src/core/http-errors.js';

describe('error registry', () => {
  it('maps every code to an HTTP status and an error name', () => {
    for (const code of ERROR_CODES) {
      const { status, error } = httpMappingFor(code);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(error, code).toMatch(/Error$/);
    }
  });

  it('declares each code in exactly one place', () => {
    const seen = new Set<string>();
    const twice = ERROR_CODES.filter((code) => seen.size === seen.add(code).size);
    expect(twice).toEqual([]);
  });

  it('maps the spec business codes', () => {
    expect(httpMappingFor('SUPPLIER_NOT_FOUND').status).toBe(404);
    expect(httpMappingFor('INSUFFICIENT_INVENTORY').status).toBe(409);
    expect(httpMappingFor('RECONCILIATION_FAILED').status).toBe(422);
    expect(httpMappingFor('CONNECTOR_AUTH_FAILED').status).toBe(502);
    expect(httpMappingFor('PAYMENT_PROCESSING_ERROR').status).toBe(502);
  });

  it('builds the envelope with all fields', () => {
    const now = new Date('2026-11-26T12:00:00Z');
    const envelope = toEnvelope(
      new DomainError('SUPPLIER_NOT_FOUND', 'Supplier abc not found'),
      'req-1',
      now,
    );
    expect(envelope).toEqual({
      error: 'NotFoundError',
      code: 'SUPPLIER_NOT_FOUND',
      message: 'Supplier abc not found',
      status: 404,
      timestamp: '2026-11-26T12:00:00.000Z',
      request_id: 'req-1',
    });
  });

  it('keeps extra fields but never lets them override the core ones', () => {
    const envelope = toEnvelope(
      new DomainError('INSUFFICIENT_INVENTORY', 'short', undefined, { status: 1, available: [] }),
      'r',
    );
    expect(envelope.status).toBe(409);
    expect(envelope.available).toEqual([]);
  });
});

describe('database error translation', () => {
  const wrapped = (code: string) => ({
    message: 'Failed query: insert into secret_table',
    cause: { code, message: 'detail' },
  });

  it.each([
    ['23505', 'UNIQUE_VIOLATION', 409],
    ['23503', 'FOREIGN_KEY_VIOLATION', 422],
    ['23514', 'CHECK_VIOLATION', 422],
    ['40001', 'CONCURRENT_UPDATE', 409],
    ['40P01', 'CONCURRENT_UPDATE', 409],
    ['55P03', 'CONCURRENT_UPDATE', 409],
    ['57P01', 'DATABASE_UNAVAILABLE', 503],
    ['08006', 'DATABASE_UNAVAILABLE', 503],
    ['ECONNREFUSED', 'DATABASE_UNAVAILABLE', 503],
  ])('translates %s to %s', (pgCode, code, status) => {
    const translated = translateDatabaseError(wrapped(pgCode));
    expect(translated?.code).toBe(code);
    expect(httpMappingFor(translated!.code).status).toBe(status);
    expect(translated?.message).not.toContain('secret_table');
  });

  it('recognises a terminated connection by its message', () => {
    expect(translateDatabaseError(new Error('Connection terminated unexpectedly'))?.code).toBe(
      'DATABASE_UNAVAILABLE',
    );
  });

  it('leaves other errors alone, which become INTERNAL_ERROR', () => {
    expect(translateDatabaseError(new Error('boom'))).toBeUndefined();
    expect(toDomainError(new Error('SELECT password FROM x')).code).toBe('INTERNAL_ERROR');
    expect(toDomainError(new Error('SELECT password FROM x')).message).not.toContain('SELECT');
  });
});
