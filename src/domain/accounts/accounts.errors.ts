import { DomainError } from '../../core/errors.js';

export const ACCOUNT_ERROR_CODES = [
  'INVALID_CREDENTIALS',
  'ACCOUNT_NOT_FOUND',
  'EMAIL_NOT_VERIFIED',
] as const;

export const invalidCredentials = () => new DomainError('INVALID_CREDENTIALS', 'Wrong e-mail or password');
export const accountNotFound = (id: string) =>
  new DomainError('ACCOUNT_NOT_FOUND', `Account ${id} not found`);
export const accountGone = () =>
  new DomainError('UNAUTHENTICATED', 'The account behind this token no longer exists');
export const clerkEmailMissing = () =>
  new DomainError(
    'UNAUTHENTICATED',
    'The Clerk session token has no "email" claim; add it to the session token template',
  );
export const accountLinkedElsewhere = () =>
  new DomainError('UNAUTHENTICATED', 'This e-mail address belongs to an account linked to another sign-in');
export const emailNotVerified = () =>
  new DomainError(
    'EMAIL_NOT_VERIFIED',
    'An account with this e-mail address exists; it is linked only when the token says the address is verified (email_verified: true)',
  );
export const lastAdmin = () => new DomainError('CONFLICT', 'The last administrator cannot be demoted');
