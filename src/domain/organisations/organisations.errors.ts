import { DomainError } from '../../core/errors.js';
import type { OrgKind } from './organisations.repository.js';

export const ORGANISATION_ERROR_CODES = [
  'SUPPLIER_NOT_FOUND',
  'RESTAURANT_NOT_FOUND',
  'MEMBERSHIP_NOT_FOUND',
  'ORGANISATION_NUMBER_TAKEN',
  'LAST_OWNER',
] as const;

/** Another tenant's organisation and a missing one answer identically (no existence oracle). */
export const orgNotFound = (kind: OrgKind, id: string) =>
  kind === 'supplier'
    ? new DomainError('SUPPLIER_NOT_FOUND', `Supplier ${id} not found`)
    : new DomainError('RESTAURANT_NOT_FOUND', `Restaurant ${id} not found`);
export const notOwner = (kind: OrgKind) =>
  new DomainError('FORBIDDEN', `Only an owner of this ${kind} or an admin may do this`);
export const orgNumberTaken = () =>
  new DomainError(
    'ORGANISATION_NUMBER_TAKEN',
    'An organisation with this organisationsnummer already exists',
  );
export const memberNotFound = (accountId: string) =>
  new DomainError('MEMBERSHIP_NOT_FOUND', `Account ${accountId} is not a member`);
export const lastOwner = () =>
  new DomainError('LAST_OWNER', 'The last owner cannot be removed; add another owner first');
/** Says nothing about the account (its existence, deletion or role), only that it cannot join. */
export const memberRoleMismatch = (kind: OrgKind) =>
  new DomainError('UNPROCESSABLE', `This e-mail address cannot be added to a ${kind}`, [
    { path: 'email', message: `cannot join a ${kind}` },
  ]);
export const emptyPatch = () =>
  new DomainError('VALIDATION_FAILED', 'Send at least one field to change', [
    { path: '', message: 'no fields' },
  ]);
