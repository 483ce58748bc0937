import { DomainError, type ErrorDetail } from '../../core/errors.js';

export const PRICING_ERROR_CODES = [
  'PRICING_RULE_NOT_FOUND',
  'PRICING_RULE_OUT_OF_BOUNDS',
  'PRICING_RULE_TAKEN',
  'PRICE_PROPOSAL_NOT_FOUND',
  'PRICE_PROPOSAL_NOT_PENDING',
  'PRICE_PROPOSAL_STALE',
  'PRICE_AGREEMENT_NOT_FOUND',
  'PRICE_AGREEMENT_TAKEN',
] as const;

export const ruleNotFound = (id: string) =>
  new DomainError('PRICING_RULE_NOT_FOUND', `Pricing rule ${id} not found`);
export const ruleOutOfBounds = (details: ErrorDetail[]) =>
  new DomainError(
    'PRICING_RULE_OUT_OF_BOUNDS',
    'The rule could set a price outside its own bounds; nothing was saved',
    details,
  );
export const ruleTaken = (target: string) =>
  new DomainError('PRICING_RULE_TAKEN', `The supplier already has a live pricing rule for ${target}`);
export const proposalNotFound = (id: string) =>
  new DomainError('PRICE_PROPOSAL_NOT_FOUND', `Price proposal ${id} not found`);
export const proposalNotPending = (id: string, status: string) =>
  new DomainError('PRICE_PROPOSAL_NOT_PENDING', `Price proposal ${id} is ${status}, not pending`);
export const proposalStale = (id: string, why: string) =>
  new DomainError('PRICE_PROPOSAL_STALE', `Price proposal ${id} no longer applies: ${why}`);
export const agreementNotFound = (id: string) =>
  new DomainError('PRICE_AGREEMENT_NOT_FOUND', `Price agreement ${id} not found`);
export const agreementTaken = () =>
  new DomainError(
    'PRICE_AGREEMENT_TAKEN',
    'The restaurant already has a live agreement for this product; end it first',
  );
