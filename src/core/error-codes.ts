import { ACCOUNT_ERROR_CODES } from '../domain/accounts/accounts.errors.js';
import { FORECAST_ERROR_CODES } from '../domain/forecasts/forecasts.errors.js';
import { INTEGRATION_ERROR_CODES } from '../domain/integrations/integrations.errors.js';
import { IDEMPOTENCY_ERROR_CODES } from '../domain/idempotency/idempotency.errors.js';
import { NOTIFICATION_ERROR_CODES } from '../domain/notifications/notifications.errors.js';
import { ORDER_ERROR_CODES } from '../domain/orders/orders.errors.js';
import { ORGANISATION_ERROR_CODES } from '../domain/organisations/organisations.errors.js';
import { PAYMENT_ERROR_CODES } from '../domain/payments/payments.errors.js';
import { PRICING_ERROR_CODES } from '../domain/pricing/pricing.errors.js';
import { PRIVACY_ERROR_CODES } from '../domain/privacy/privacy.errors.js';
import { PRODUCT_ERROR_CODES } from '../domain/products/products.errors.js';
import { SUPPLIER_INVOICE_ERROR_CODES } from '../domain/supplier-invoices/supplier-invoices.errors.js';

/**
 * Codes any layer may raise: request shape, authentication, generic conflicts and the translated database errors.
 * Domain codes live with their domain; `errors.ts` maps every one of them to an HTTP status.
 */
export const CORE_ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'UNIQUE_VIOLATION',
  'FOREIGN_KEY_VIOLATION',
  'CHECK_VIOLATION',
  'CONCURRENT_UPDATE',
  'PAYLOAD_TOO_LARGE',
  'URI_TOO_LONG',
  'HEADERS_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNPROCESSABLE',
  'RATE_LIMITED',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
  'DATABASE_UNAVAILABLE',
] as const;

/** One registry line per domain (docs/adding-a-domain.md). */
export const ERROR_CODES = [
  ...CORE_ERROR_CODES,
  ...ACCOUNT_ERROR_CODES,
  ...ORGANISATION_ERROR_CODES,
  ...NOTIFICATION_ERROR_CODES,
  ...PRODUCT_ERROR_CODES,
  ...ORDER_ERROR_CODES,
  ...IDEMPOTENCY_ERROR_CODES,
  ...SUPPLIER_INVOICE_ERROR_CODES,
  ...FORECAST_ERROR_CODES,
  ...PAYMENT_ERROR_CODES,
  ...INTEGRATION_ERROR_CODES,
  ...PRIVACY_ERROR_CODES,
  ...PRICING_ERROR_CODES,
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
