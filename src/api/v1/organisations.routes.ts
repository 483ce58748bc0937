import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ErrorCode } from '../../core/errors.js';
import { type Paginated, paginationQuery } from '../../core/pagination.js';
import type { OrgKind } from '../../domain/organisations/organisations.repository.js';
import type { OrgDto } from '../../domain/organisations/organisations.schemas.js';
import * as s from '../../domain/organisations/organisations.schemas.js';
import type { OrganisationService } from '../../domain/organisations/organisations.service.js';
import { ANY_ROLE, requireRole, userContext } from '../guards.js';

const idParams = z.object({ id: z.uuid() });
const memberParams = z.object({ id: z.uuid(), account_id: z.uuid() });
const security = [{ bearerAuth: [] }];

interface OrgRouteOptions {
  kind: OrgKind;
  service: (services: {
    suppliers: OrganisationService;
    restaurants: OrganisationService;
  }) => OrganisationService;
}

/** A schema that parses either kind's value: what one set of handlers serving both kinds is given and answers. */
type EitherKind<Supplier extends z.ZodType, Restaurant extends z.ZodType> = z.ZodType<
  z.output<Supplier> | z.output<Restaurant>,
  z.input<Supplier> | z.input<Restaurant>
>;

/** The schemas of each kind; each kind validates and serialises with its own at run time. */
interface KindSchemas {
  create: EitherKind<typeof s.supplierCreate, typeof s.restaurantCreate>;
  update: EitherKind<typeof s.supplierUpdate, typeof s.restaurantUpdate>;
  dto: EitherKind<typeof s.supplierDto, typeof s.restaurantDto>;
  page: z.ZodType<
    Paginated<OrgDto>,
    Paginated<z.input<typeof s.supplierDto> | z.input<typeof s.restaurantDto>>
  >;
}
const SCHEMAS: Record<OrgKind, KindSchemas> = {
  supplier: { create: s.supplierCreate, update: s.supplierUpdate, dto: s.supplierDto, page: s.supplierPage },
  restaurant: {
    create: s.restaurantCreate,
    update: s.restaurantUpdate,
    dto: s.restaurantDto,
    page: s.restaurantPage,
  },
};

/** /suppliers and /restaurants share one set of handlers; the schemas and role guards differ per kind. */
export const organisationRoutes: FastifyPluginAsyncZod<OrgRouteOptions> = async (
  app,
  { kind, service: pick },
) => {
  const service = pick(app.services);
  const tags = [kind === 'supplier' ? 'suppliers' : 'restaurants'];
  const { create, update, dto, page } = SCHEMAS[kind];
  const ownRole = kind === 'supplier' ? 'SUPPLIER' : 'RESTAURANT';
  const readers = kind === 'supplier' ? requireRole(...ANY_ROLE) : requireRole('ADMIN', 'RESTAURANT');
  const managers = requireRole('ADMIN', ownRole);
  const adminOnly = requireRole('ADMIN');
  const notFound: ErrorCode = kind === 'supplier' ? 'SUPPLIER_NOT_FOUND' : 'RESTAURANT_NOT_FOUND';

  app.post(
    '/',
    {
      preValidation: adminOnly,
      config: { errors: ['ORGANISATION_NUMBER_TAKEN'] },
      schema: { tags, security, summary: `Create a ${kind}`, body: create, response: { 201: dto } },
    },
    async (request, reply) =>
      reply.status(201).send(await service.create(userContext(request), request.body)),
  );
  app.get(
    '/',
    {
      preValidation: readers,
      schema: {
        tags,
        security,
        summary: `List ${kind}s the caller may see`,
        querystring: z.strictObject(paginationQuery),
        response: { 200: page },
      },
    },
    (request) => service.list(userContext(request), request.query),
  );
  app.get(
    '/:id',
    {
      preValidation: readers,
      config: { errors: [notFound] },
      schema: { tags, security, summary: `One ${kind}`, params: idParams, response: { 200: dto } },
    },
    (request) => service.get(userContext(request), request.params.id),
  );
  app.patch(
    '/:id',
    {
      preValidation: managers,
      config: { errors: [notFound, 'ORGANISATION_NUMBER_TAKEN', 'CONCURRENT_UPDATE'] },
      schema: {
        tags,
        security,
        summary: `Change a ${kind} (owners and admins)`,
        params: idParams,
        body: update,
        response: { 200: dto },
      },
    },
    (request) => service.update(userContext(request), request.params.id, request.body),
  );
  app.delete(
    '/:id',
    {
      preValidation: adminOnly,
      config: { errors: [notFound] },
      schema: {
        tags,
        security,
        summary: `Soft-delete a ${kind}`,
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await service.remove(userContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/:id/members',
    {
      preValidation: readers,
      config: { errors: [notFound] },
      schema: {
        tags,
        security,
        summary: `Members of a ${kind}`,
        params: idParams,
        response: { 200: s.memberList },
      },
    },
    (request) => service.listMembers(userContext(request), request.params.id),
  );
  app.post(
    '/:id/members',
    {
      preValidation: managers,
      config: { errors: [notFound, 'UNPROCESSABLE', 'CONFLICT'] },
      schema: {
        tags,
        security,
        summary: `Add a member to a ${kind} by e-mail`,
        params: idParams,
        body: s.memberAdd,
        response: { 201: s.memberDto },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.addMember(userContext(request), request.params.id, request.body)),
  );
  app.delete(
    '/:id/members/:account_id',
    {
      preValidation: managers,
      config: { errors: [notFound, 'MEMBERSHIP_NOT_FOUND', 'LAST_OWNER'] },
      schema: {
        tags,
        security,
        summary: `Remove a member from a ${kind}`,
        params: memberParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await service.removeMember(userContext(request), request.params.id, request.params.account_id);
      return reply.status(204).send(null);
    },
  );
};
