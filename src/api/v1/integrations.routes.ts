import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as s from '../../domain/integrations/integrations.schemas.js';
import { requireRole, userContext } from '../guards.js';

const security = [{ bearerAuth: [] }];
const tags = ['integrations'];

/** spec §11 supplier account connectors: consent, connect, status, sync, cart prefill, disconnect. */
export const integrationRoutes: FastifyPluginAsyncZod = async (app) => {
  const restaurants = requireRole('RESTAURANT');
  const readers = requireRole('RESTAURANT', 'ADMIN');

  app.get(
    '/integrations/consent',
    {
      preValidation: readers,
      schema: {
        tags,
        summary: 'The consent statements to show before connecting, with their version',
        security,
        response: { 200: s.consentDto },
      },
    },
    async () => app.services.integrations.consent(),
  );

  app.post(
    '/integrations/:supplier/connect',
    {
      preValidation: restaurants,
      schema: {
        tags,
        summary: 'Consent and sign in once; the password is used for this login only and never stored',
        security,
        params: s.supplierParams,
        body: s.connectBody,
        response: { 201: s.connectionDto, 202: s.challengeDto },
      },
    },
    async (request, reply) => {
      const outcome = await app.services.integrations.connect(
        userContext(request),
        request.params.supplier,
        request.body,
      );
      if (outcome.kind === 'connected') return reply.status(201).send(outcome.connection);
      return reply.status(202).send({
        challenge_id: outcome.challengeId,
        status: 'awaiting_code' as const,
        expires_at: outcome.expiresAt.toISOString(),
      });
    },
  );

  app.post(
    '/integrations/:supplier/connect/:challenge_id',
    {
      preValidation: restaurants,
      schema: {
        tags,
        summary: 'Complete a sign-in that asked for a one-time code',
        security,
        params: s.challengeParams,
        body: s.codeBody,
        response: { 201: s.connectionDto },
      },
    },
    async (request, reply) => {
      const { supplier, challenge_id } = request.params;
      const connection = await app.services.integrations.completeChallenge(
        userContext(request),
        supplier,
        challenge_id,
        request.body,
      );
      return reply.status(201).send(connection);
    },
  );

  app.get(
    '/integrations/:supplier/status',
    {
      preValidation: readers,
      schema: {
        tags,
        summary: 'Connection state, scopes, last sync and session expiry',
        security,
        params: s.supplierParams,
        querystring: s.restaurantQuery,
        response: { 200: s.connectionDto },
      },
    },
    async (request) =>
      app.services.integrations.status(
        userContext(request),
        request.params.supplier,
        request.query.restaurant_id,
      ),
  );

  app.post(
    '/integrations/:supplier/sync',
    {
      preValidation: restaurants,
      schema: {
        tags,
        summary: 'Queue a catalog and price sync',
        security,
        params: s.supplierParams,
        body: s.restaurantQuery,
        response: { 202: s.syncAcceptedDto },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await app.services.integrations.requestSync(
            userContext(request),
            request.params.supplier,
            request.body.restaurant_id,
          ),
        ),
  );

  app.post(
    '/integrations/:supplier/cart/prefill',
    {
      preValidation: restaurants,
      schema: {
        tags,
        summary: "Fill the supplier's web cart and get the link to confirm it there (no order is submitted)",
        security,
        params: s.supplierParams,
        body: s.prefillBody,
        response: { 200: s.prefillDto },
      },
    },
    async (request) =>
      app.services.integrations.prefill(userContext(request), request.params.supplier, request.body),
  );

  app.delete(
    '/integrations/:supplier',
    {
      preValidation: restaurants,
      schema: {
        tags,
        summary: 'Disconnect: the stored session is destroyed at once',
        security,
        params: s.supplierParams,
        querystring: s.restaurantQuery,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await app.services.integrations.disconnect(
        userContext(request),
        request.params.supplier,
        request.query.restaurant_id,
      );
      return reply.status(204).send(null);
    },
  );
};
