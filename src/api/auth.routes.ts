import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { loginBody, tokenResponse } from '../domain/accounts/accounts.schemas.js';
import { contextOf } from './guards.js';

/**
 * POST /auth/dev/login — local (development) mode only; not registered at all with AUTH_PROVIDER=clerk or
 * NODE_ENV=production, so it answers 404 there. Rate limited per IP more strictly than the API.
 */
export const authRoutes: FastifyPluginAsyncZod<{ authMax: number }> = async (app, options) => {
  app.post(
    '/auth/dev/login',
    {
      config: {
        public: true,
        errors: ['INVALID_CREDENTIALS'],
        rateLimit: { max: options.authMax, keyGenerator: (request: FastifyRequest) => `auth:${request.ip}` },
      },
      schema: {
        tags: ['auth'],
        summary:
          'Development login against DEV_USERS (bcrypt hashes in the environment, never in the database)',
        body: loginBody,
        response: { 200: tokenResponse },
      },
    },
    (request) =>
      app.services.accounts.devLogin(contextOf(request), request.body.email, request.body.password),
  );
};
