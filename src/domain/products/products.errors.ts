import { DomainError, type ErrorDetail } from '../../core/errors.js';

export const PRODUCT_ERROR_CODES = [
  'PRODUCT_NOT_FOUND',
  'SKU_TAKEN',
  'BULK_VALIDATION_FAILED',
  'IMPORT_FILE_INVALID',
] as const;

export const productNotFound = (id: string) =>
  new DomainError('PRODUCT_NOT_FOUND', `Product ${id} not found`);
export const supplierNotFound = (id: string) =>
  new DomainError('SUPPLIER_NOT_FOUND', `Supplier ${id} not found`);
export const skuTaken = (sku: string) =>
  new DomainError('SKU_TAKEN', `The supplier already has a product with SKU ${sku}`);
export const bulkInvalid = (details: ErrorDetail[]) =>
  new DomainError(
    'BULK_VALIDATION_FAILED',
    `${new Set(details.map((d) => d.path.split('.')[1])).size} product row(s) are invalid; nothing was written`,
    details,
  );
export const badQuery = (path: string, message: string) =>
  new DomainError('VALIDATION_FAILED', message, [{ path, message }]);
export const importFileInvalid = (message: string, details?: ErrorDetail[]) =>
  new DomainError('IMPORT_FILE_INVALID', message, details);
export const importTooLarge = (message: string) => new DomainError('PAYLOAD_TOO_LARGE', message);
