import { DomainError } from '../../core/errors.js';

export const PAYMENT_ERROR_CODES = [
  'PAYMENT_PROCESSING_ERROR',
  'PAYMENT_NOT_FOUND',
  'PAYMENT_ACCOUNT_NOT_FOUND',
  'CARD_PAYMENTS_UNAVAILABLE',
  'REFUND_NOT_ALLOWED',
  'REFUND_EXCEEDS_CAPTURED',
  'WEBHOOK_SIGNATURE_INVALID',
] as const;

export const paymentNotFound = (orderId: string) =>
  new DomainError('PAYMENT_NOT_FOUND', `Order ${orderId} has no card payment`);
export const accountNotFound = (supplierId: string) =>
  new DomainError(
    'PAYMENT_ACCOUNT_NOT_FOUND',
    `Supplier ${supplierId} has not started Stripe onboarding; POST …/payments/onboarding first`,
  );
export const cardUnavailable = (why: string) =>
  new DomainError('CARD_PAYMENTS_UNAVAILABLE', `This order cannot be paid by card: ${why}`, [
    { path: 'payment_method', message: why },
  ]);
export const paymentsOff = () =>
  cardUnavailable('card payments are not configured on this server (PAYMENTS_PROVIDER=none)');
export const refundNotAllowed = (status: string) =>
  new DomainError('REFUND_NOT_ALLOWED', `Only a captured payment can be refunded; it is ${status}`);
export const refundExceedsCaptured = (requested: number, refundable: number) =>
  new DomainError(
    'REFUND_EXCEEDS_CAPTURED',
    `Refund of ${requested} öre exceeds what is left to refund (${refundable} öre)`,
    [{ path: 'amount_cents', message: `at most ${refundable}` }],
    { refundable_cents: refundable },
  );
export const processingError = (message: string) =>
  new DomainError('PAYMENT_PROCESSING_ERROR', `The payment provider failed: ${message}`);
export const signatureInvalid = (message: string) =>
  new DomainError('WEBHOOK_SIGNATURE_INVALID', `Stripe-Signature rejected: ${message}`);
