import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as s from '../../domain/pricing/pricing.schemas.js';
import { requireRole, userContext } from '../guards.js';

const idParams = z.object({ id: z.uuid() });
const security = [{ bearerAuth: [] }];
const tags = ['pricing'];

/**
 * Dynamic pricing (spec §10, §12): a supplier's rules and mode, the hourly job's proposals, rollback, and price
 * agreements with restaurants. Suppliers manage their own; admins all; another tenant's objects answer 404.
 */
export const pricingRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = app.services.pricing;
  const managers = requireRole('ADMIN', 'SUPPLIER');
  const restaurants = requireRole('ADMIN', 'RESTAURANT');

  app.get(
    '/suppliers/:id/pricing',
    {
      preValidation: managers,
      config: { errors: ['SUPPLIER_NOT_FOUND'] },
      schema: {
        tags,
        security,
        summary: "The supplier's pricing mode: auto (applied at once) or review (approve or reject)",
        params: idParams,
        response: { 200: s.settingsDto },
      },
    },
    (request) => service.settings(userContext(request), request.params.id),
  );

  app.put(
    '/suppliers/:id/pricing',
    {
      preValidation: managers,
      config: { errors: ['SUPPLIER_NOT_FOUND'] },
      schema: {
        tags,
        security,
        summary: "Set the supplier's pricing mode",
        params: idParams,
        body: s.settingsBody,
        response: { 200: s.settingsDto },
      },
    },
    (request) => service.setMode(userContext(request), request.params.id, request.body.mode),
  );

  app.get(
    '/suppliers/:id/pricing/rules',
    {
      preValidation: managers,
      config: { errors: ['SUPPLIER_NOT_FOUND'] },
      schema: {
        tags,
        security,
        summary: "The supplier's pricing rules",
        params: idParams,
        response: { 200: s.ruleList },
      },
    },
    (request) => service.listRules(userContext(request), request.params.id),
  );

  app.post(
    '/suppliers/:id/pricing/rules',
    {
      preValidation: managers,
      config: {
        errors: [
          'SUPPLIER_NOT_FOUND',
          'PRODUCT_NOT_FOUND',
          'PRICING_RULE_TAKEN',
          'PRICING_RULE_OUT_OF_BOUNDS',
        ],
      },
      schema: {
        tags,
        security,
        summary: 'Opt a product or a category into dynamic pricing, with its bounds',
        description:
          'Refused with 422 when the rule could break its own bounds: floor above ceiling, daily step above weekly, ' +
          'or a covered product whose list price, or the furthest the signals could move it, lies outside them.',
        params: idParams,
        body: s.ruleCreate,
        response: { 201: s.ruleDto },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.createRule(userContext(request), request.params.id, request.body)),
  );

  app.get(
    '/pricing/rules/:id',
    {
      preValidation: managers,
      config: { errors: ['PRICING_RULE_NOT_FOUND'] },
      schema: { tags, security, summary: 'One pricing rule', params: idParams, response: { 200: s.ruleDto } },
    },
    (request) => service.getRule(userContext(request), request.params.id),
  );

  app.patch(
    '/pricing/rules/:id',
    {
      preValidation: managers,
      config: { errors: ['PRICING_RULE_NOT_FOUND', 'PRICING_RULE_OUT_OF_BOUNDS'] },
      schema: {
        tags,
        security,
        summary: 'Change a pricing rule (checked against its bounds like a new one)',
        params: idParams,
        body: s.ruleUpdate,
        response: { 200: s.ruleDto },
      },
    },
    (request) => service.updateRule(userContext(request), request.params.id, request.body),
  );

  app.delete(
    '/pricing/rules/:id',
    {
      preValidation: managers,
      config: { errors: ['PRICING_RULE_NOT_FOUND'] },
      schema: {
        tags,
        security,
        summary: 'Delete a pricing rule (prices already set stay; roll them back separately)',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await service.deleteRule(userContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/suppliers/:id/pricing/proposals',
    {
      preValidation: managers,
      config: { errors: ['SUPPLIER_NOT_FOUND'] },
      schema: {
        tags,
        security,
        summary: "The hourly job's price proposals, newest first (status=pending: the review list)",
        params: idParams,
        querystring: s.proposalQuery,
        response: { 200: s.proposalPage },
      },
    },
    (request) => service.proposals(userContext(request), request.params.id, request.query),
  );

  app.post(
    '/pricing/proposals/:id/approve',
    {
      preValidation: managers,
      config: { errors: ['PRICE_PROPOSAL_NOT_FOUND', 'PRICE_PROPOSAL_NOT_PENDING', 'PRICE_PROPOSAL_STALE'] },
      schema: {
        tags,
        security,
        summary: 'Apply a pending proposal (409 when the price, list price or bounds moved since)',
        params: idParams,
        response: { 200: s.proposalDto },
      },
    },
    (request) => service.approve(userContext(request), request.params.id),
  );

  app.post(
    '/pricing/proposals/:id/reject',
    {
      preValidation: managers,
      config: { errors: ['PRICE_PROPOSAL_NOT_FOUND', 'PRICE_PROPOSAL_NOT_PENDING'] },
      schema: {
        tags,
        security,
        summary: 'Reject a pending proposal',
        params: idParams,
        response: { 200: s.proposalDto },
      },
    },
    (request) => service.reject(userContext(request), request.params.id),
  );

  app.post(
    '/suppliers/:id/pricing/rollback',
    {
      preValidation: managers,
      config: { errors: ['SUPPLIER_NOT_FOUND'] },
      schema: {
        tags,
        security,
        summary: 'Put dynamically priced products back on their list prices, in one call',
        params: idParams,
        body: s.rollbackBody,
        response: { 200: s.rollbackResult },
      },
    },
    (request) => service.rollback(userContext(request), request.params.id, request.body.product_ids),
  );

  app.get(
    '/suppliers/:id/price-agreements',
    {
      preValidation: managers,
      config: { errors: ['SUPPLIER_NOT_FOUND'] },
      schema: {
        tags,
        security,
        summary: "The supplier's live price agreements with restaurants",
        params: idParams,
        response: { 200: s.agreementList },
      },
    },
    (request) => service.supplierAgreements(userContext(request), request.params.id),
  );

  app.post(
    '/suppliers/:id/price-agreements',
    {
      preValidation: managers,
      config: {
        errors: ['SUPPLIER_NOT_FOUND', 'RESTAURANT_NOT_FOUND', 'PRODUCT_NOT_FOUND', 'PRICE_AGREEMENT_TAKEN'],
      },
      schema: {
        tags,
        security,
        summary:
          "Agree a restaurant's price for a product: its orders use it, dynamic pricing never touches it",
        params: idParams,
        body: s.agreementCreate,
        response: { 201: s.agreementDto },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await service.createAgreement(userContext(request), request.params.id, request.body)),
  );

  app.delete(
    '/price-agreements/:id',
    {
      preValidation: managers,
      config: { errors: ['PRICE_AGREEMENT_NOT_FOUND'] },
      schema: {
        tags,
        security,
        summary: 'End a price agreement: later orders pay the product price',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await service.endAgreement(userContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/restaurants/:id/price-agreements',
    {
      preValidation: restaurants,
      config: { errors: ['RESTAURANT_NOT_FOUND'] },
      schema: {
        tags,
        security,
        summary: "The restaurant's live price agreements",
        params: idParams,
        response: { 200: s.agreementList },
      },
    },
    (request) => service.restaurantAgreements(userContext(request), request.params.id),
  );
};
