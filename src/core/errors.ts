/**
 * The one code → HTTP mapping and the error envelope (spec §5). Each domain declares its own codes
 * (`src/domain/<d>/<d>.errors.ts`), `error-codes.ts` composes them; services throw `DomainError`s carrying a code
 * and only this module knows about HTTP status.
 */

import type { ErrorCode } from './error-codes.js';

export type { ErrorCode } from './error-codes.js';

export interface ErrorDetail {
  path: string;
  message: string;
  /** Spreadsheet imports: the row (1 = the header row) and the column heading as written in the file. */
  row?: number;
  column?: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

interface HttpMapping {
  status: number;
  error: string;
}

const http = (status: number, error: string): HttpMapping => ({ status, error });

/** Exhaustive: adding a code without a mapping fails to compile. */
export function httpMappingFor(code: ErrorCode): HttpMapping {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'MALFORMED_REQUEST':
    case 'WEBHOOK_SIGNATURE_INVALID':
    case 'IDEMPOTENCY_KEY_REQUIRED':
    case 'IDEMPOTENCY_KEY_INVALID':
      return http(400, 'ValidationError');
    case 'UNAUTHENTICATED':
    case 'INVALID_CREDENTIALS':
      return http(401, 'AuthenticationError');
    case 'FORBIDDEN':
    case 'EMAIL_NOT_VERIFIED':
      return http(403, 'ForbiddenError');
    case 'NOT_FOUND':
    case 'ROUTE_NOT_FOUND':
    case 'SUPPLIER_NOT_FOUND':
    case 'ACCOUNT_NOT_FOUND':
    case 'RESTAURANT_NOT_FOUND':
    case 'MEMBERSHIP_NOT_FOUND':
    case 'DEVICE_NOT_FOUND':
    case 'WEBHOOK_NOT_FOUND':
    case 'PRODUCT_NOT_FOUND':
    case 'ORDER_NOT_FOUND':
    case 'CREDIT_NOTE_NOT_FOUND':
    case 'SUPPLIER_INVOICE_NOT_FOUND':
    case 'FORECAST_NOT_FOUND':
    case 'PAYMENT_NOT_FOUND':
    case 'PAYMENT_ACCOUNT_NOT_FOUND':
    case 'CONNECTOR_CHALLENGE_NOT_FOUND':
    case 'PRICING_RULE_NOT_FOUND':
    case 'PRICE_PROPOSAL_NOT_FOUND':
    case 'PRICE_AGREEMENT_NOT_FOUND':
      return http(404, 'NotFoundError');
    case 'METHOD_NOT_ALLOWED':
      return http(405, 'MethodNotAllowedError');
    case 'CONFLICT':
    case 'UNIQUE_VIOLATION':
    case 'CONCURRENT_UPDATE':
    case 'INSUFFICIENT_INVENTORY':
    case 'ORGANISATION_NUMBER_TAKEN':
    case 'LAST_OWNER':
    case 'SKU_TAKEN':
    case 'INVALID_ORDER_TRANSITION':
    case 'INVOICE_NOT_AVAILABLE':
    case 'IDEMPOTENCY_KEY_IN_USE':
    case 'INVALID_SUPPLIER_INVOICE_TRANSITION':
    case 'CONNECTOR_NOT_CONNECTED':
    case 'CONNECTOR_SESSION_EXPIRED':
    case 'ERASURE_BLOCKED':
    case 'PRICING_RULE_TAKEN':
    case 'PRICE_PROPOSAL_NOT_PENDING':
    case 'PRICE_PROPOSAL_STALE':
    case 'PRICE_AGREEMENT_TAKEN':
      return http(409, 'ConflictError');
    case 'REQUEST_TIMEOUT':
      return http(408, 'RequestTimeoutError');
    case 'PAYLOAD_TOO_LARGE':
      return http(413, 'PayloadTooLargeError');
    case 'URI_TOO_LONG':
      return http(414, 'UriTooLongError');
    case 'HEADERS_TOO_LARGE':
      return http(431, 'RequestHeaderFieldsTooLargeError');
    case 'UNSUPPORTED_MEDIA_TYPE':
      return http(415, 'UnsupportedMediaTypeError');
    case 'UNPROCESSABLE':
    case 'FOREIGN_KEY_VIOLATION':
    case 'CHECK_VIOLATION':
    case 'RECONCILIATION_FAILED':
    case 'WEBHOOK_URL_REJECTED':
    case 'BULK_VALIDATION_FAILED':
    case 'IMPORT_FILE_INVALID':
    case 'PRODUCT_UNAVAILABLE':
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'SUPPLIER_INVOICE_UNREADABLE':
    case 'CARD_PAYMENTS_UNAVAILABLE':
    case 'REFUND_NOT_ALLOWED':
    case 'REFUND_EXCEEDS_CAPTURED':
    case 'CREDIT_EXCEEDS_INVOICE':
    case 'CONNECTOR_CONSENT_REQUIRED':
    case 'RETENTION_BELOW_MINIMUM':
    case 'PRICING_RULE_OUT_OF_BOUNDS':
      return http(422, 'UnprocessableEntityError');
    case 'RATE_LIMITED':
      return http(429, 'RateLimitError');
    case 'CONNECTOR_AUTH_FAILED':
    case 'CONNECTOR_UNAVAILABLE':
      return http(502, 'BadGatewayError');
    case 'PAYMENT_PROCESSING_ERROR':
      return http(502, 'PaymentError');
    case 'INTERNAL_ERROR':
      return http(500, 'InternalServerError');
    case 'SERVICE_UNAVAILABLE':
    case 'DATABASE_UNAVAILABLE':
    case 'CONNECTOR_DEGRADED':
      return http(503, 'ServiceUnavailableError');
  }
}

export interface ErrorEnvelope {
  error: string;
  code: ErrorCode;
  message: string;
  status: number;
  timestamp: string;
  request_id: string;
  details?: ErrorDetail[];
  [extra: string]: unknown;
}

export function toEnvelope(err: DomainError, requestId: string, now: Date = new Date()): ErrorEnvelope {
  const { status, error } = httpMappingFor(err.code);
  return {
    ...err.extra,
    error,
    code: err.code,
    message: err.message,
    status,
    timestamp: now.toISOString(),
    request_id: requestId,
    ...(err.details ? { details: err.details } : {}),
  };
}

// --- PostgreSQL error translation -------------------------------------------------------------

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection.*(closed|ended)/i,
  /Client has encountered a connection error/i,
];

function* causeChain(err: unknown): Generator<Record<string, unknown>> {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    yield current as Record<string, unknown>;
    current = (current as { cause?: unknown }).cause;
  }
}

/** Maps driver errors to domain errors so no SQL, constraint text or host name ever reaches a client. */
export function translateDatabaseError(err: unknown): DomainError | undefined {
  for (const e of causeChain(err)) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code === '23505')
      return new DomainError('UNIQUE_VIOLATION', 'A record with the same unique value already exists');
    if (code === '23503')
      return new DomainError(
        'FOREIGN_KEY_VIOLATION',
        'A referenced record does not exist or is still referenced',
      );
    if (code === '23514' || code === '23502' || code === '22003')
      return new DomainError('CHECK_VIOLATION', 'The change would break a data rule');
    if (code === '40001' || code === '40P01' || code === '55P03')
      return new DomainError('CONCURRENT_UPDATE', 'The record was changed concurrently; retry the request');
    if (code === '57014')
      return new DomainError('SERVICE_UNAVAILABLE', 'The database took too long to answer; retry later');
    if (
      (code !== undefined &&
        (CONNECTION_ERROR_CODES.has(code) ||
          code.startsWith('08') ||
          code === '57P01' ||
          code === '57P03' ||
          code === '53300')) ||
      (typeof e.message === 'string' && CONNECTION_MESSAGES.some((re) => re.test(e.message as string)))
    ) {
      return new DomainError('DATABASE_UNAVAILABLE', 'The database is temporarily unavailable; retry later');
    }
  }
  return undefined;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (const e of causeChain(err)) {
    if (e.code === '23505' && (constraint === undefined || e.constraint === constraint)) return true;
  }
  return false;
}
