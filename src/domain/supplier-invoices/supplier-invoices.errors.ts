import { DomainError } from '../../core/errors.js';

export const SUPPLIER_INVOICE_ERROR_CODES = [
  'SUPPLIER_INVOICE_NOT_FOUND',
  'INVALID_SUPPLIER_INVOICE_TRANSITION',
  'SUPPLIER_INVOICE_UNREADABLE',
  'RECONCILIATION_FAILED',
] as const;

export const invoiceNotFound = (id: string) =>
  new DomainError('SUPPLIER_INVOICE_NOT_FOUND', `Supplier invoice ${id} not found`);
export const invalidTransition = (action: string, status: string) =>
  new DomainError(
    'INVALID_SUPPLIER_INVOICE_TRANSITION',
    `Cannot ${action} a supplier invoice that is ${status}`,
  );
export const transitionForbidden = (action: string) =>
  new DomainError('FORBIDDEN', `Your role may not ${action} this supplier invoice`);
export const emptyFile = () =>
  new DomainError('VALIDATION_FAILED', 'The uploaded file is empty', [{ path: 'file', message: 'empty' }]);
export const missingFile = () =>
  new DomainError('VALIDATION_FAILED', 'Send the invoice as a multipart part named "file"', [
    { path: 'file', message: 'required' },
  ]);
export const tooLarge = (limit: number) =>
  new DomainError('PAYLOAD_TOO_LARGE', `The file is larger than ${limit} bytes`);
export const unsupportedType = (detected: string | undefined) =>
  new DomainError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Accepted: PDF, PNG, JPEG, TIFF, UBL 2.1 Invoice/CreditNote XML and CII XML; this file is ${detected ?? 'of an unknown type'}`,
  );
export const unreadable = (reason: string, message: string) =>
  new DomainError('SUPPLIER_INVOICE_UNREADABLE', message, undefined, { reason });
export const partyRequired = () =>
  new DomainError('VALIDATION_FAILED', 'Name the restaurant or the supplier the invoice concerns', [
    { path: 'restaurant_id', message: 'restaurant_id or supplier_id is required' },
  ]);
export const notReconcilable = (why: string) =>
  new DomainError('RECONCILIATION_FAILED', `The invoice cannot be reconciled: ${why}`);
