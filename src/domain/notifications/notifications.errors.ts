import { DomainError } from '../../core/errors.js';

export const NOTIFICATION_ERROR_CODES = [
  'DEVICE_NOT_FOUND',
  'WEBHOOK_NOT_FOUND',
  'WEBHOOK_URL_REJECTED',
] as const;

/** Someone else's device token and an unknown one answer identically. */
export const deviceNotFound = () =>
  new DomainError('DEVICE_NOT_FOUND', 'No such device token is registered to this account');
/** Another supplier's webhook and a missing one answer identically. */
export const webhookNotFound = (id: string) =>
  new DomainError('WEBHOOK_NOT_FOUND', `Webhook ${id} not found`);
export const webhookUrlRejected = (reason: string) =>
  new DomainError('WEBHOOK_URL_REJECTED', `The webhook URL is not allowed: ${reason}`, [
    { path: 'url', message: reason },
  ]);
export const webhookLimitReached = (max: number) =>
  new DomainError('CONFLICT', `A supplier can have at most ${max} webhook endpoints; delete one first`);
