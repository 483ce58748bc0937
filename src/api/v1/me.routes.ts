import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { meResponse } from '../../domain/accounts/accounts.schemas.js';
import { ANY_ROLE, requireRole, userContext } from '../guards.js';

export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/me',
    {
      preValidation: requireRole(...ANY_ROLE),
      schema: {
        tags: ['accounts'],
        summary: 'The signed-in account, its role and memberships',
        security: [{ bearerAuth: [] }],
        response: { 200: meResponse },
      },
    },
    (request) => app.services.accounts.me(userContext(request)),
  );
};
