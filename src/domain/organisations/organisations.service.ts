import type { RequestContext, UserContext } from '../../core/context.js';
import type { Database, Executor } from '../../core/db.types.js';
import { isUniqueViolation } from '../../core/errors.js';
import { type Page, type Paginated, toPage } from '../../core/pagination.js';
import { findAccountByEmail, insertAccount } from '../accounts/accounts.repository.js';
import { recordAudit } from '../audit/audit.service.js';
import {
  emptyPatch,
  lastOwner,
  memberNotFound,
  memberRoleMismatch,
  notOwner,
  orgNotFound,
  orgNumberTaken,
} from './organisations.errors.js';
import type { MemberRole } from './organisations.models.js';
import { vatNumberOf } from './org-number.js';
import * as repo from './organisations.repository.js';
import type { OrgKind, OrgRow } from './organisations.repository.js';
import type { MemberDto, OrgCreate, OrgDto } from './organisations.schemas.js';

const ACCOUNT_ROLE_FOR: Record<OrgKind, 'SUPPLIER' | 'RESTAURANT'> = {
  supplier: 'SUPPLIER',
  restaurant: 'RESTAURANT',
};

const COLUMN_OF: Record<string, string> = {
  legal_name: 'legalName',
  org_number: 'orgNumber',
  contact_email: 'contactEmail',
  contact_phone: 'contactPhone',
  address_line: 'addressLine',
  postal_code: 'postalCode',
  city: 'city',
  country: 'country',
  default_currency: 'defaultCurrency',
  payment_terms_days: 'paymentTermsDays',
  delivery_address_line: 'deliveryAddressLine',
  delivery_postal_code: 'deliveryPostalCode',
  delivery_city: 'deliveryCity',
  vat_number: 'vatNumber',
  bankgiro: 'bankgiro',
  latitude: 'latitude',
  longitude: 'longitude',
  opening_weekdays: 'openingWeekdays',
  delivery_weekdays: 'deliveryWeekdays',
  order_lead_days: 'orderLeadDays',
  depot_latitude: 'depotLatitude',
  depot_longitude: 'depotLongitude',
  delivery_radius_km: 'deliveryRadiusKm',
  min_order_cents: 'minOrderCents',
};

function toColumns(kind: OrgKind, input: Partial<OrgCreate>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  // JSON has no undefined, so every present key is a change (null clears an optional field).
  for (const [key, value] of Object.entries(input)) {
    const column = COLUMN_OF[key];
    if (column) values[column] = value;
  }
  // A supplier invoices, so it has a VAT number, and in Sweden that number follows from the organisation number.
  if (kind === 'supplier' && input.org_number !== undefined) values.vatNumber = vatNumberOf(input.org_number);
  return values;
}

export function orgToDto(row: OrgRow): OrgDto {
  const base = {
    id: row.id,
    legal_name: row.legalName,
    org_number: row.orgNumber,
    contact_email: row.contactEmail,
    contact_phone: row.contactPhone,
    address_line: row.addressLine,
    postal_code: row.postalCode,
    city: row.city,
    country: row.country,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
  if ('defaultCurrency' in row)
    return {
      ...base,
      default_currency: row.defaultCurrency,
      payment_terms_days: row.paymentTermsDays,
      vat_number: row.vatNumber,
      bankgiro: row.bankgiro,
      delivery_weekdays: [...row.deliveryWeekdays].sort((a, b) => a - b),
      order_lead_days: row.orderLeadDays,
      depot_latitude: row.depotLatitude,
      depot_longitude: row.depotLongitude,
      delivery_radius_km: row.deliveryRadiusKm,
      min_order_cents: row.minOrderCents,
    };
  return {
    ...base,
    delivery_address_line: row.deliveryAddressLine,
    delivery_postal_code: row.deliveryPostalCode,
    delivery_city: row.deliveryCity,
    vat_number: row.vatNumber,
    latitude: row.latitude,
    longitude: row.longitude,
    opening_weekdays: [...row.openingWeekdays].sort((a, b) => a - b),
  };
}

const isAdmin = (ctx: UserContext) => ctx.principal.role === 'ADMIN';

/**
 * Suppliers and restaurants (spec §6): created and deleted by admins, managed by admins and owner members.
 * Visibility: every signed-in account sees live suppliers; a restaurant is visible only to admins and its members.
 * Anything a caller may not see answers exactly like something that does not exist.
 */
export function createOrganisationService(kind: OrgKind, deps: { db: Database }) {
  const { db } = deps;

  async function assertVisible(ex: Executor, ctx: UserContext, id: string): Promise<OrgRow> {
    const org = await repo.findLiveOrg(ex, kind, id);
    if (!org) throw orgNotFound(kind, id);
    if (isAdmin(ctx) || kind === 'supplier') return org;
    if (!(await repo.findMembership(ex, kind, ctx.principal.accountId, id))) throw orgNotFound(kind, id);
    return org;
  }

  /** Admins and owner members may manage; staff get 403; outsiders get the not-found answer. */
  async function assertManager(ex: Executor, ctx: UserContext, id: string): Promise<void> {
    if (isAdmin(ctx)) return;
    const membership = await repo.findMembership(ex, kind, ctx.principal.accountId, id);
    if (!membership) throw orgNotFound(kind, id);
    if (membership.memberRole !== 'owner') throw notOwner(kind);
  }

  const audit = (
    ex: Executor,
    ctx: RequestContext,
    action: string,
    id: string,
    details?: Record<string, unknown>,
  ) =>
    recordAudit(ex, ctx, {
      action: `${kind}.${action}`,
      resourceType: kind,
      resourceId: id,
      ...(details ? { details } : {}),
    });

  return {
    async create(ctx: UserContext, input: OrgCreate): Promise<OrgDto> {
      try {
        return await db.transaction(async (tx) => {
          // The schemas validated the input for this kind; toColumns only renames its fields.
          const row = await repo.insertOrg(tx, { kind, values: toColumns(kind, input) } as repo.NewOrg);
          await audit(tx, ctx, 'create', row.id, { legal_name: row.legalName, org_number: row.orgNumber });
          return orgToDto(row);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw orgNumberTaken();
        throw err;
      }
    },

    async list(ctx: UserContext, page: Page): Promise<Paginated<OrgDto>> {
      const onlyMine = !isAdmin(ctx) && kind === 'restaurant' ? ctx.principal.accountId : undefined;
      const { rows, total } = await repo.listOrgs(db, kind, page, onlyMine);
      return toPage(rows.map(orgToDto), page, total);
    },

    async get(ctx: UserContext, id: string): Promise<OrgDto> {
      return orgToDto(await assertVisible(db, ctx, id));
    },

    async update(ctx: UserContext, id: string, patch: Partial<OrgCreate>): Promise<OrgDto> {
      const values = toColumns(kind, patch);
      if (Object.keys(values).length === 0) throw emptyPatch();
      try {
        return await db.transaction(async (tx) => {
          await assertManager(tx, ctx, id);
          const row = await repo.updateOrg(tx, kind, id, values);
          if (!row) throw orgNotFound(kind, id);
          await audit(tx, ctx, 'update', id, { fields: Object.keys(patch) });
          return orgToDto(row);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw orgNumberTaken();
        throw err;
      }
    },

    async remove(ctx: UserContext, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        if (!(await repo.softDeleteOrg(tx, kind, id))) throw orgNotFound(kind, id);
        await audit(tx, ctx, 'delete', id, { soft: true });
      });
    },

    async listMembers(ctx: UserContext, id: string): Promise<{ data: MemberDto[] }> {
      await assertVisible(db, ctx, id);
      if (!isAdmin(ctx) && !(await repo.findMembership(db, kind, ctx.principal.accountId, id)))
        throw orgNotFound(kind, id);
      const members = await repo.listMembers(db, kind, id);
      return {
        data: members.map((m) => ({
          account_id: m.accountId,
          email: m.email,
          display_name: m.displayName,
          member_role: m.memberRole,
        })),
      };
    },

    async addMember(
      ctx: UserContext,
      id: string,
      input: { email: string; member_role: MemberRole },
    ): Promise<MemberDto> {
      return db.transaction(async (tx) => {
        await assertManager(tx, ctx, id);
        if (!(await repo.lockLiveOrg(tx, kind, id))) throw orgNotFound(kind, id);
        const email = input.email.toLowerCase();
        const wanted = ACCOUNT_ROLE_FOR[kind];
        let account = await findAccountByEmail(tx, email);
        if (account && (account.deletedAt || account.role !== wanted)) throw memberRoleMismatch(kind);
        account ??= await insertAccount(tx, { email, role: wanted });
        const before = await repo.findMembership(tx, kind, account.id, id);
        if (
          before?.memberRole === 'owner' &&
          input.member_role !== 'owner' &&
          (await repo.countOwners(tx, kind, id)) <= 1
        ) {
          throw lastOwner();
        }
        await repo.upsertMembership(tx, kind, account.id, id, input.member_role);
        await audit(tx, ctx, 'member.add', id, {
          account_id: account.id,
          member_role: input.member_role,
          previous_role: before?.memberRole ?? null,
        });
        return {
          account_id: account.id,
          email: account.email,
          display_name: account.displayName,
          member_role: input.member_role,
        };
      });
    },

    async removeMember(ctx: UserContext, id: string, accountId: string): Promise<void> {
      await db.transaction(async (tx) => {
        await assertManager(tx, ctx, id);
        if (!(await repo.lockLiveOrg(tx, kind, id))) throw orgNotFound(kind, id);
        const membership = await repo.findMembership(tx, kind, accountId, id);
        if (!membership) throw memberNotFound(accountId);
        if (membership.memberRole === 'owner' && (await repo.countOwners(tx, kind, id)) <= 1)
          throw lastOwner();
        await repo.removeMembership(tx, kind, accountId, id);
        await audit(tx, ctx, 'member.remove', id, { account_id: accountId });
      });
    },
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;
