import { DomainError } from '../../core/errors.js';

export const PRIVACY_ERROR_CODES = ['ERASURE_BLOCKED', 'RETENTION_BELOW_MINIMUM'] as const;

/** The same answer for an unknown account and an already erased one. */
export const accountNotErasable = (id: string) =>
  new DomainError('ACCOUNT_NOT_FOUND', `Account ${id} not found (or already erased)`);
export const erasureBlockedByOpenOrders = (orgs: { kind: string; org_id: string; open_orders: number }[]) =>
  new DomainError(
    'ERASURE_BLOCKED',
    'The account is the last owner of an organisation with orders in progress; transfer ownership first',
    orgs.map((o) => ({ path: `${o.kind}s.${o.org_id}`, message: `${o.open_orders} open order(s)` })),
  );
export const erasureBlockedLastAdmin = () =>
  new DomainError('ERASURE_BLOCKED', 'The last administrator cannot be erased; appoint another first');
export const retentionBelowMinimum = (kind: string, minimum: number) =>
  new DomainError('RETENTION_BELOW_MINIMUM', `Retention of ${kind} cannot be shorter than ${minimum} days`, [
    { path: `policies.${kind}.retention_days`, message: `at least ${minimum}` },
  ]);
