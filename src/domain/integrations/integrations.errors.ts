import { DomainError } from '../../core/errors.js';

export const INTEGRATION_ERROR_CODES = [
  'CONNECTOR_AUTH_FAILED',
  'CONNECTOR_CONSENT_REQUIRED',
  'CONNECTOR_NOT_CONNECTED',
  'CONNECTOR_SESSION_EXPIRED',
  'CONNECTOR_DEGRADED',
  'CONNECTOR_UNAVAILABLE',
  'CONNECTOR_CHALLENGE_NOT_FOUND',
] as const;

/** Our own wording only: nothing the portal printed (its error text, the customer's name) is ever passed on. */
export const authFailed = () =>
  new DomainError('CONNECTOR_AUTH_FAILED', 'The supplier portal did not accept the sign-in');
export const consentRequired = (version: string) =>
  new DomainError(
    'CONNECTOR_CONSENT_REQUIRED',
    `Accept every statement of consent text version ${version} before connecting`,
    [{ path: 'body.consent', message: `all statements of version ${version} must be accepted` }],
  );
export const notConnected = (supplier: string) =>
  new DomainError('CONNECTOR_NOT_CONNECTED', `No active ${supplier} connection for this restaurant`);
export const sessionExpired = () =>
  new DomainError('CONNECTOR_SESSION_EXPIRED', 'The supplier session has expired; connect again to continue');
export const degraded = (supplier: string) =>
  new DomainError(
    'CONNECTOR_DEGRADED',
    `The ${supplier} portal changed its pages; syncing is paused until the connector is updated`,
  );
export const portalUnavailable = () =>
  new DomainError('CONNECTOR_UNAVAILABLE', 'The supplier portal could not be reached; try again later');
export const challengeNotFound = () =>
  new DomainError(
    'CONNECTOR_CHALLENGE_NOT_FOUND',
    'No pending one-time-code step with this id; connect again',
  );
