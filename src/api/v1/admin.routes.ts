import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  accountDto,
  accountListQuery,
  accountPage,
  roleChangeBody,
} from '../../domain/accounts/accounts.schemas.js';
import { auditPage, auditQuery } from '../../domain/audit/audit.schemas.js';
import { requireRole, userContext } from '../guards.js';

const security = [{ bearerAuth: [] }];

export const adminRoutes: FastifyPluginAsyncZod = async (app) => {
  const adminOnly = requireRole('ADMIN');

  app.get(
    '/admin/accounts',
    {
      preValidation: adminOnly,
      schema: {
        tags: ['admin'],
        summary: 'List accounts, filtered by role or e-mail',
        security,
        querystring: accountListQuery,
        response: { 200: accountPage },
      },
    },
    (request) => {
      const { limit, offset, role, email } = request.query;
      return app.services.accounts.list({ role, email }, { limit, offset });
    },
  );

  app.patch(
    '/admin/accounts/:id',
    {
      preValidation: adminOnly,
      config: { errors: ['ACCOUNT_NOT_FOUND', 'CONFLICT'] },
      schema: {
        tags: ['admin'],
        summary: 'Change an account role',
        security,
        params: z.object({ id: z.uuid() }),
        body: roleChangeBody,
        response: { 200: accountDto },
      },
    },
    (request) => app.services.accounts.changeRole(userContext(request), request.params.id, request.body.role),
  );

  app.get(
    '/admin/audit',
    {
      preValidation: adminOnly,
      schema: {
        tags: ['admin'],
        summary: 'The audit log, newest first',
        security,
        querystring: auditQuery,
        response: { 200: auditPage },
      },
    },
    (request) => {
      const { limit, offset, actor, action, from, to } = request.query;
      return app.services.audit.list(
        { actor, action, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined },
        { limit, offset },
      );
    },
  );
};
