import { DomainError, type ErrorDetail } from '../../core/errors.js';
import type { QuotaState } from '../../core/quota.js';

export const ORDER_ERROR_CODES = [
  'ORDER_NOT_FOUND',
  'PRODUCT_UNAVAILABLE',
  'INSUFFICIENT_INVENTORY',
  'INVALID_ORDER_TRANSITION',
  'INVOICE_NOT_AVAILABLE',
  'CREDIT_NOTE_NOT_FOUND',
  'CREDIT_EXCEEDS_INVOICE',
] as const;

export const orderNotFound = (id: string) => new DomainError('ORDER_NOT_FOUND', `Order ${id} not found`);
export const restaurantNotFound = (id: string) =>
  new DomainError('RESTAURANT_NOT_FOUND', `Restaurant ${id} not found`);
export const supplierNotFound = (id: string) =>
  new DomainError('SUPPLIER_NOT_FOUND', `Supplier ${id} not found`);
export const productsUnavailable = (details: ErrorDetail[]) =>
  new DomainError('PRODUCT_UNAVAILABLE', 'Some lines cannot be ordered from this supplier', details);
export const insufficientInventory = (
  shortages: { product_id: string; requested: string; available: string }[],
) =>
  new DomainError('INSUFFICIENT_INVENTORY', 'Not enough stock for some lines', undefined, {
    available: shortages,
  });
export const invalidTransition = (action: string, status: string) =>
  new DomainError('INVALID_ORDER_TRANSITION', `Cannot ${action} an order that is ${status}`);
export const transitionForbidden = (action: string) =>
  new DomainError('FORBIDDEN', `Your role may not ${action} this order`);
export const invoiceNotAvailable = (status: string) =>
  new DomainError('INVOICE_NOT_AVAILABLE', `The invoice exists once the order is delivered; it is ${status}`);
export const deliveryInPast = () =>
  new DomainError('VALIDATION_FAILED', 'delivery_date is in the past (Stockholm calendar)', [
    { path: 'delivery_date', message: 'must be today or later' },
  ]);
export const duplicateProduct = (index: number) =>
  new DomainError('VALIDATION_FAILED', 'A product appears on more than one line', [
    { path: `lines.${index}.product_id`, message: 'appears on an earlier line' },
  ]);
export const reasonRequired = () =>
  new DomainError('VALIDATION_FAILED', 'A supplier cancelling an order must give a reason', [
    { path: 'reason', message: 'required' },
  ]);
export const cardPaymentsOff = () =>
  new DomainError('CARD_PAYMENTS_UNAVAILABLE', 'Card payments are not configured on this server', [
    { path: 'payment_method', message: 'use invoice' },
  ]);
export const creditNoteNotFound = (id: string) =>
  new DomainError('CREDIT_NOTE_NOT_FOUND', `Credit note ${id} not found`);
export const creditExceedsInvoice = (details: ErrorDetail[]) =>
  new DomainError('CREDIT_EXCEEDS_INVOICE', 'A credit note cannot credit more than was invoiced', details);
export const creditLinesInvalid = (details: ErrorDetail[]) =>
  new DomainError('VALIDATION_FAILED', 'Some lines are not lines of this invoice', details);
export const creditForbidden = () =>
  new DomainError('FORBIDDEN', "Only the seller (or an admin) issues credit notes for the seller's invoices");
export const placementRateLimited = (state: QuotaState) =>
  new DomainError(
    'RATE_LIMITED',
    `This restaurant has placed ${state.limit} orders in the last ${state.windowSeconds} s, its limit; retry in ${state.resetSeconds} s`,
    undefined,
    { rateLimit: state },
  );
