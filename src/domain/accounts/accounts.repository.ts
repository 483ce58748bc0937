import { and, asc, count, eq, ilike, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../core/db.types.js';
import type { Page } from '../../core/pagination.js';
import { type AccountRole, type AccountRow, accounts } from './accounts.models.js';

const live = isNull(accounts.deletedAt);

export async function findAccountById(ex: Executor, id: string): Promise<AccountRow | undefined> {
  const [row] = await ex
    .select()
    .from(accounts)
    .where(and(eq(accounts.id, id), live));
  return row;
}

export async function findAccountByEmail(ex: Executor, email: string): Promise<AccountRow | undefined> {
  const [row] = await ex.select().from(accounts).where(eq(accounts.email, email));
  return row;
}

export async function findAccountByExternalId(
  ex: Executor,
  externalId: string,
): Promise<AccountRow | undefined> {
  const [row] = await ex.select().from(accounts).where(eq(accounts.externalId, externalId));
  return row;
}

/** Creates or refreshes the account a DEV_USERS entry signs in as; the role follows DEV_USERS. */
export async function upsertDevAccount(ex: Executor, email: string, role: AccountRole): Promise<AccountRow> {
  const [row] = await ex
    .insert(accounts)
    .values({ email, role, lastLoginAt: sql`now()` })
    .onConflictDoUpdate({ target: accounts.email, set: { role, lastLoginAt: sql`now()` } })
    .returning();
  if (!row) throw new Error('upsert returned no row');
  return row;
}

export async function insertAccount(
  ex: Executor,
  values: { email: string; role: AccountRole; externalId?: string | null; displayName?: string | null },
): Promise<AccountRow> {
  const [row] = await ex.insert(accounts).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function linkExternalId(
  ex: Executor,
  id: string,
  externalId: string,
): Promise<AccountRow | undefined> {
  const [row] = await ex
    .update(accounts)
    .set({ externalId, lastLoginAt: sql`now()` })
    // The same user's concurrent first sign-in may have linked it a moment ago; another user never relinks it.
    .where(and(eq(accounts.id, id), or(isNull(accounts.externalId), eq(accounts.externalId, externalId))))
    .returning();
  return row;
}

export async function updateAccountRole(
  ex: Executor,
  id: string,
  role: AccountRole,
): Promise<AccountRow | undefined> {
  const [row] = await ex
    .update(accounts)
    .set({ role })
    .where(and(eq(accounts.id, id), live))
    .returning();
  return row;
}

export async function countOtherAdmins(ex: Executor, exceptId: string): Promise<number> {
  const [row] = await ex
    .select({ n: count() })
    .from(accounts)
    .where(and(eq(accounts.role, 'ADMIN'), ne(accounts.id, exceptId), live));
  return row?.n ?? 0;
}

export interface AccountFilters {
  role?: AccountRole | undefined;
  email?: string | undefined;
}

export async function listAccounts(
  ex: Executor,
  filters: AccountFilters,
  page: Page,
): Promise<{ rows: AccountRow[]; total: number }> {
  const condition: SQL | undefined = and(
    live,
    filters.role ? eq(accounts.role, filters.role) : undefined,
    filters.email
      ? ilike(accounts.email, `%${filters.email.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
      : undefined,
  );
  const rows = await ex
    .select()
    .from(accounts)
    .where(condition)
    .orderBy(asc(accounts.email))
    .limit(page.limit)
    .offset(page.offset);
  const [total] = await ex.select({ n: count() }).from(accounts).where(condition);
  return { rows, total: total?.n ?? 0 };
}
