import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as s from '../../domain/notifications/notifications.schemas.js';
import { ANY_ROLE, requireRole, userContext } from '../guards.js';

const security = [{ bearerAuth: [] }];
const supplierParams = z.strictObject({ id: z.uuid() });

/** Push-notification device tokens of the signed-in account, and suppliers' webhook endpoints (spec §10). */
export const notificationRoutes: FastifyPluginAsyncZod = async (app) => {
  const anyone = requireRole(...ANY_ROLE);
  const supplierManagers = requireRole('ADMIN', 'SUPPLIER');

  app.post(
    '/me/devices',
    {
      preValidation: anyone,
      schema: {
        tags: ['notifications'],
        summary: 'Register (or refresh) an FCM device token for push notifications',
        security,
        body: s.deviceRegister,
        response: { 200: s.deviceDto, 201: s.deviceDto },
      },
    },
    async (request, reply) => {
      const { device, created } = await app.services.notifications.registerDevice(
        userContext(request),
        request.body,
      );
      return reply.status(created ? 201 : 200).send(device);
    },
  );
  app.delete(
    '/me/devices/:token',
    {
      preValidation: anyone,
      config: { errors: ['DEVICE_NOT_FOUND'] },
      schema: {
        tags: ['notifications'],
        summary: 'Stop push notifications to a device',
        security,
        params: s.deviceParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await app.services.notifications.removeDevice(userContext(request), request.params.token);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/suppliers/:id/webhooks',
    {
      preValidation: supplierManagers,
      config: { errors: ['SUPPLIER_NOT_FOUND', 'WEBHOOK_URL_REJECTED', 'CONFLICT'] },
      schema: {
        tags: ['notifications'],
        summary: 'Register a webhook endpoint; the signing secret is in this answer only',
        security,
        params: supplierParams,
        body: s.webhookCreate,
        response: { 201: s.webhookCreated },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await app.services.notifications.createWebhook(
            userContext(request),
            request.params.id,
            request.body,
          ),
        ),
  );
  app.get(
    '/suppliers/:id/webhooks',
    {
      preValidation: supplierManagers,
      config: { errors: ['SUPPLIER_NOT_FOUND'] },
      schema: {
        tags: ['notifications'],
        summary: "A supplier's webhook endpoints",
        security,
        params: supplierParams,
        response: { 200: s.webhookList },
      },
    },
    (request) => app.services.notifications.listWebhooks(userContext(request), request.params.id),
  );
  app.delete(
    '/suppliers/:id/webhooks/:webhook_id',
    {
      preValidation: supplierManagers,
      config: { errors: ['SUPPLIER_NOT_FOUND', 'WEBHOOK_NOT_FOUND'] },
      schema: {
        tags: ['notifications'],
        summary: 'Delete a webhook endpoint',
        security,
        params: s.webhookParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await app.services.notifications.removeWebhook(
        userContext(request),
        request.params.id,
        request.params.webhook_id,
      );
      return reply.status(204).send(null);
    },
  );
};
