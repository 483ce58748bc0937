import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import type { Page } from '../../core/pagination.js';
import { accounts } from '../accounts/accounts.models.js';
import {
  type MemberRole,
  type RestaurantRow,
  restaurantMembers,
  restaurants,
  type SupplierRow,
  supplierMembers,
  suppliers,
} from './organisations.models.js';

export type OrgKind = 'supplier' | 'restaurant';
export type OrgRow = SupplierRow | RestaurantRow;
type OrgInsert = typeof suppliers.$inferInsert | typeof restaurants.$inferInsert;
/** A new organisation with its kind's own columns: a restaurant is never written as a supplier. */
export type NewOrg =
  | { kind: 'supplier'; values: typeof suppliers.$inferInsert }
  | { kind: 'restaurant'; values: typeof restaurants.$inferInsert };

// Suppliers and restaurants share their shape and their membership rules; one set of queries serves both.
const TABLES = {
  supplier: { org: suppliers, members: supplierMembers },
  restaurant: { org: restaurants, members: restaurantMembers },
} as const;

const tables = (kind: OrgKind): (typeof TABLES)[OrgKind] => TABLES[kind];

export async function findLiveOrg(ex: Executor, kind: OrgKind, id: string): Promise<OrgRow | undefined> {
  const { org } = tables(kind);
  const [row] = await ex
    .select()
    .from(org)
    .where(and(eq(org.id, id), isNull(org.deletedAt)));
  return row;
}

/** A supplier by id, soft-deleted or not: what an order's documents need about the party it was placed with. */
export async function findSupplier(ex: Executor, id: string): Promise<SupplierRow | undefined> {
  const [row] = await ex.select().from(suppliers).where(eq(suppliers.id, id));
  return row;
}

/** A restaurant by id, soft-deleted or not. */
export async function findRestaurant(ex: Executor, id: string): Promise<RestaurantRow | undefined> {
  const [row] = await ex.select().from(restaurants).where(eq(restaurants.id, id));
  return row;
}

/** Locks the organisation row for the rest of the transaction (membership changes, deletion). */
export async function lockLiveOrg(tx: Transaction, kind: OrgKind, id: string): Promise<OrgRow | undefined> {
  const { org } = tables(kind);
  const [row] = await tx
    .select()
    .from(org)
    .where(and(eq(org.id, id), isNull(org.deletedAt)))
    .for('update');
  return row;
}

export async function insertOrg(ex: Executor, org: NewOrg): Promise<OrgRow> {
  const [row] =
    org.kind === 'supplier'
      ? await ex.insert(suppliers).values(org.values).returning()
      : await ex.insert(restaurants).values(org.values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateOrg(
  ex: Executor,
  kind: OrgKind,
  id: string,
  values: Partial<OrgInsert>,
): Promise<OrgRow | undefined> {
  const { org } = tables(kind);
  const [row] = await ex
    .update(org)
    .set(values)
    .where(and(eq(org.id, id), isNull(org.deletedAt)))
    .returning();
  return row;
}

export async function softDeleteOrg(ex: Executor, kind: OrgKind, id: string): Promise<boolean> {
  const { org } = tables(kind);
  const rows = await ex
    .update(org)
    .set({ deletedAt: sql`now()` })
    .where(and(eq(org.id, id), isNull(org.deletedAt)))
    .returning({ id: org.id });
  return rows.length > 0;
}

/** Live organisations, optionally only those the account belongs to. */
export async function listOrgs(
  ex: Executor,
  kind: OrgKind,
  page: Page,
  memberAccountId?: string,
): Promise<{ rows: OrgRow[]; total: number }> {
  const { org, members } = tables(kind);
  const condition = and(
    isNull(org.deletedAt),
    memberAccountId
      ? inArray(
          org.id,
          ex
            .select({ id: members.orgId })
            .from(members)
            .where(and(eq(members.accountId, memberAccountId), isNull(members.deletedAt))),
        )
      : undefined,
  );
  const rows = await ex
    .select()
    .from(org)
    .where(condition)
    .orderBy(asc(org.legalName), asc(org.id))
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await ex.select({ n: count() }).from(org).where(condition);
  return { rows: rows, total: total?.n ?? 0 };
}

export async function findMembership(
  ex: Executor,
  kind: OrgKind,
  accountId: string,
  orgId: string,
): Promise<{ memberRole: MemberRole } | undefined> {
  const { members } = tables(kind);
  const [row] = await ex
    .select({ memberRole: members.memberRole })
    .from(members)
    .where(and(eq(members.accountId, accountId), eq(members.orgId, orgId), isNull(members.deletedAt)));
  return row;
}

/** Adds a member, or restores and re-roles a previously removed one (the pair stays unique). */
export async function upsertMembership(
  ex: Executor,
  kind: OrgKind,
  accountId: string,
  orgId: string,
  memberRole: MemberRole,
) {
  const { members } = tables(kind);
  await ex
    .insert(members)
    .values({ accountId, orgId, memberRole })
    .onConflictDoUpdate({ target: [members.accountId, members.orgId], set: { memberRole, deletedAt: null } });
}

export async function removeMembership(
  ex: Executor,
  kind: OrgKind,
  accountId: string,
  orgId: string,
): Promise<boolean> {
  const { members } = tables(kind);
  const rows = await ex
    .update(members)
    .set({ deletedAt: sql`now()` })
    .where(and(eq(members.accountId, accountId), eq(members.orgId, orgId), isNull(members.deletedAt)))
    .returning({ id: members.id });
  return rows.length > 0;
}

export async function countOwners(ex: Executor, kind: OrgKind, orgId: string): Promise<number> {
  const { members } = tables(kind);
  const [row] = await ex
    .select({ n: count() })
    .from(members)
    .where(and(eq(members.orgId, orgId), eq(members.memberRole, 'owner'), isNull(members.deletedAt)));
  return row?.n ?? 0;
}

export interface MemberView {
  accountId: string;
  email: string;
  displayName: string | null;
  memberRole: MemberRole;
}

export async function listMembers(ex: Executor, kind: OrgKind, orgId: string): Promise<MemberView[]> {
  const { members } = tables(kind);
  return ex
    .select({
      accountId: accounts.id,
      email: accounts.email,
      displayName: accounts.displayName,
      memberRole: members.memberRole,
    })
    .from(members)
    .innerJoin(accounts, eq(accounts.id, members.accountId))
    .where(and(eq(members.orgId, orgId), isNull(members.deletedAt), isNull(accounts.deletedAt)))
    .orderBy(asc(accounts.email));
}

export interface AccountMembership {
  orgType: OrgKind;
  orgId: string;
  legalName: string;
  memberRole: MemberRole;
}

/** Every live membership of an account in live organisations, both kinds. */
export async function membershipsOfAccount(ex: Executor, accountId: string): Promise<AccountMembership[]> {
  const result: AccountMembership[] = [];
  for (const kind of ['supplier', 'restaurant'] as const) {
    const { org, members } = tables(kind);
    const rows = await ex
      .select({ orgId: org.id, legalName: org.legalName, memberRole: members.memberRole })
      .from(members)
      .innerJoin(org, eq(org.id, members.orgId))
      .where(and(eq(members.accountId, accountId), isNull(members.deletedAt), isNull(org.deletedAt)))
      .orderBy(asc(org.legalName));
    result.push(...rows.map((r) => ({ orgType: kind, ...r })));
  }
  return result;
}

/** Ids of the live organisations of one kind the account is a live member of. */
export async function memberOrgIds(ex: Executor, kind: OrgKind, accountId: string): Promise<string[]> {
  const { org, members } = tables(kind);
  const rows = await ex
    .select({ id: members.orgId })
    .from(members)
    .innerJoin(org, eq(org.id, members.orgId))
    .where(and(eq(members.accountId, accountId), isNull(members.deletedAt), isNull(org.deletedAt)));
  return rows.map((r) => r.id);
}
