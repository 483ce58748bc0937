import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf, hasGuard } from '../guards.js';
import { adminRoutes } from './admin.routes.js';
import { catalogImportRoutes } from './catalog-import.routes.js';
import { categoryRoutes } from './categories.routes.js';
import { forecastRoutes } from './forecasts.routes.js';
import { recommendationRoutes } from './recommendations.routes.js';
import { integrationRoutes } from './integrations.routes.js';
import { invoiceRoutes } from './invoices.routes.js';
import { meRoutes } from './me.routes.js';
import { notificationRoutes } from './notifications.routes.js';
import { organisationRoutes } from './organisations.routes.js';
import { orderRoutes } from './orders.routes.js';
import { paymentRoutes } from './payments.routes.js';
import { pricingRoutes } from './pricing.routes.js';
import { privacyRoutes } from './privacy.routes.js';
import { productRoutes } from './products.routes.js';
import { supplierInvoiceRoutes } from './supplier-invoices.routes.js';

/** Every /api/v1 domain router. A route without a role guard (and not marked public) fails start-up. */
export const apiV1Routes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('onRoute', (route) => {
    if (!route.config?.public && !hasGuard(route.preValidation)) {
      throw new Error(`Route ${String(route.method)} ${route.url} has no requireRole guard`);
    }
  });

  // Every admin action is audited (spec §6), reads included; the mutations also write their own detailed rows.
  app.addHook('onResponse', async (request, reply) => {
    if (request.principal?.kind !== 'user' || request.principal.role !== 'ADMIN') return;
    await app.services.audit
      .record(contextOf(request), {
        action: 'admin.request',
        details: {
          method: request.method,
          route: request.routeOptions.url ?? null,
          params: request.params ?? {},
          status: reply.statusCode,
        },
      })
      .catch((err: unknown) => {
        request.log.error({ err }, 'failed to audit admin request');
      });
  });

  await app.register(meRoutes);
  await app.register(adminRoutes);
  await app.register(notificationRoutes);
  await app.register(organisationRoutes, {
    prefix: '/suppliers',
    kind: 'supplier',
    service: (s) => s.suppliers,
  });
  await app.register(organisationRoutes, {
    prefix: '/restaurants',
    kind: 'restaurant',
    service: (s) => s.restaurants,
  });
  await app.register(productRoutes, { prefix: '/products' });
  await app.register(catalogImportRoutes, { prefix: '/products' });
  await app.register(categoryRoutes);
  await app.register(orderRoutes);
  await app.register(invoiceRoutes);
  await app.register(supplierInvoiceRoutes);
  await app.register(forecastRoutes);
  await app.register(recommendationRoutes);
  await app.register(paymentRoutes);
  await app.register(integrationRoutes);
  await app.register(privacyRoutes);
  await app.register(pricingRoutes);
};
