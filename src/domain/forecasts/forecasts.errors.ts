import { DomainError } from '../../core/errors.js';

export const FORECAST_ERROR_CODES = ['FORECAST_NOT_FOUND'] as const;

/** The same answer for "no such product", "not yours" and "not forecast yet": nothing about others leaks. */
export const forecastNotFound = (productId: string) =>
  new DomainError('FORECAST_NOT_FOUND', `No forecast for product ${productId} is visible to you`);
