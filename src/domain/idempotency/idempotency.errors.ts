import { DomainError } from '../../core/errors.js';

export const IDEMPOTENCY_ERROR_CODES = [
  'IDEMPOTENCY_KEY_REQUIRED',
  'IDEMPOTENCY_KEY_INVALID',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_USE',
] as const;

export const keyRequired = () =>
  new DomainError('IDEMPOTENCY_KEY_REQUIRED', 'The Idempotency-Key header is required for this request');
export const keyInvalid = () =>
  new DomainError('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1–255 printable ASCII characters', [
    { path: 'headers.idempotency-key', message: 'must be 1–255 printable ASCII characters' },
  ]);
export const keyReused = () =>
  new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
export const keyInUse = () =>
  new DomainError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still being processed');
export const keyRaced = () =>
  new DomainError('IDEMPOTENCY_KEY_IN_USE', 'This Idempotency-Key is being used by another request');
/** Another request took the key over (its lock was older than 90 s): this one must not commit. */
export const claimLost = () =>
  new DomainError(
    'IDEMPOTENCY_KEY_IN_USE',
    'This Idempotency-Key was taken over by a later request; this attempt was rolled back',
  );
