import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  erasureResult,
  personalDataExport,
  retentionList,
  retentionUpdate,
  userIdParams,
} from '../../domain/privacy/privacy.schemas.js';
import { ANY_ROLE, requireRole, userContext } from '../guards.js';

const security = [{ bearerAuth: [] }];

/** Retention settings, GDPR erasure and data export (spec §7). Hard deletion itself is never an endpoint. */
export const privacyRoutes: FastifyPluginAsyncZod = async (app) => {
  const adminOnly = requireRole('ADMIN');

  app.get(
    '/admin/retention',
    {
      preValidation: adminOnly,
      schema: {
        tags: ['privacy'],
        summary: 'Retention periods per kind of data',
        security,
        response: { 200: retentionList },
      },
    },
    () => app.services.privacy.listRetention(),
  );

  app.put(
    '/admin/retention',
    {
      preValidation: adminOnly,
      schema: {
        tags: ['privacy'],
        summary: 'Change retention periods (audited; bookkeeping records never below 7 years)',
        security,
        body: retentionUpdate,
        response: { 200: retentionList },
      },
    },
    (request) => app.services.privacy.updateRetention(userContext(request), request.body),
  );

  app.delete(
    '/admin/users/:user_id/gdpr-erase',
    {
      preValidation: adminOnly,
      schema: {
        tags: ['privacy'],
        summary: 'Erase a person now (GDPR art. 17); the books stay, pseudonymised',
        security,
        params: userIdParams,
        response: { 200: erasureResult },
      },
    },
    (request) => app.services.privacy.erase(userContext(request), request.params.user_id),
  );

  app.get(
    '/admin/users/:user_id/export',
    {
      preValidation: adminOnly,
      schema: {
        tags: ['privacy'],
        summary: 'Every personal datum held about a person (GDPR art. 15 and 20)',
        security,
        params: userIdParams,
        response: { 200: personalDataExport },
      },
    },
    (request) => app.services.privacy.exportFor(userContext(request), request.params.user_id),
  );

  app.get(
    '/me/export',
    {
      preValidation: requireRole(...ANY_ROLE),
      schema: {
        tags: ['privacy'],
        summary: 'Every personal datum Iris holds about the signed-in person',
        security,
        response: { 200: personalDataExport },
      },
    },
    (request) => {
      const ctx = userContext(request);
      return app.services.privacy.exportFor(ctx, ctx.principal.accountId);
    },
  );
};
