// Every table, for drizzle-kit and for the typed query builder. Each domain owns its models.
export * from '../domain/accounts/accounts.models.js';
export * from '../domain/organisations/organisations.models.js';
export * from '../domain/audit/audit.models.js';
export * from '../domain/outbox/outbox.models.js';
export * from '../domain/notifications/notifications.models.js';
export * from '../domain/products/products.models.js';
export * from '../domain/orders/orders.models.js';
export * from '../domain/idempotency/idempotency.models.js';
export * from '../domain/supplier-invoices/supplier-invoices.models.js';
export * from '../domain/forecasts/forecasts.models.js';
export * from '../domain/payments/payments.models.js';
export * from '../domain/integrations/integrations.models.js';
export * from '../domain/privacy/privacy.models.js';
export * from '../domain/recommendations/recommendations.models.js';
export * from '../domain/pricing/pricing.models.js';
