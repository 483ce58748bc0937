import bcrypt from 'bcryptjs';
import { TtlCache } from '../../core/ttl-cache.js';
import type { Config, DevUser } from '../../core/config.js';
import type { RequestContext, UserContext, UserPrincipal } from '../../core/context.js';
import type { Database } from '../../core/db.types.js';
import { isUniqueViolation } from '../../core/errors.js';
import { type Page, type Paginated, toPage } from '../../core/pagination.js';
import { issueAccessToken, type VerifiedToken } from '../../core/security.js';
import { recordAudit } from '../audit/audit.service.js';
import { membershipsOfAccount } from '../organisations/organisations.repository.js';
import {
  accountGone,
  accountLinkedElsewhere,
  accountNotFound,
  clerkEmailMissing,
  emailNotVerified,
  invalidCredentials,
  lastAdmin,
} from './accounts.errors.js';
import type { AccountRole, AccountRow } from './accounts.models.js';
import * as repo from './accounts.repository.js';
import type { AccountDto, TokenResponse } from './accounts.schemas.js';
import { DEMO_USERS } from './demo-users.js';

/** Compared against when the e-mail is unknown, so both failures cost one bcrypt comparison. */
const DUMMY_HASH = '$2b$10$jmU6M67Vn.4S.Jt2X7JYU.gMhvQIDheTJgF1NlhWsSstV.uSzv9Ji';

export function accountToDto(row: AccountRow): AccountDto {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    display_name: row.displayName,
    locale: row.locale,
    time_zone: row.timeZone,
    last_login_at: row.lastLoginAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}

const principalOf = (row: AccountRow): UserPrincipal => ({
  kind: 'user',
  accountId: row.id,
  role: row.role,
  email: row.email,
});

/** Which DEV_USERS apply: the configured ones, or the demo users on the embedded development database. */
export function effectiveDevUsers(config: Config): DevUser[] {
  if (config.auth.devUsers.length > 0) return config.auth.devUsers;
  return !config.database.url && !config.isProduction ? DEMO_USERS : [];
}

export function createAccountService(deps: { db: Database; config: Config }) {
  const { db, config } = deps;
  const devUsers = new Map(effectiveDevUsers(config).map((u) => [u.email, u]));
  // Signed-in accounts by id, so an authenticated request does not read its account row every time. A role
  // change in this instance takes effect at once; other instances see it within AUTH_ACCOUNT_CACHE_MS.
  const accountCache = new TtlCache<UserPrincipal>(config.auth.accountCacheMs, 10_000);

  /** A Clerk user: found by external_id, else linked by verified e-mail to an existing account, else created. */
  async function resolveClerkUser(
    ctx: RequestContext,
    token: Extract<VerifiedToken, { kind: 'clerk-user' }>,
  ): Promise<UserPrincipal> {
    const known = await repo.findAccountByExternalId(db, token.externalId);
    if (known) {
      if (known.deletedAt) throw accountGone();
      return principalOf(known);
    }
    if (!token.email) throw clerkEmailMissing();
    const email = token.email.toLowerCase();
    const refused = await db.transaction(async (tx) => {
      const byEmail = await repo.findAccountByEmail(tx, email);
      if (byEmail?.deletedAt) throw accountGone();
      // This user's own concurrent first request created or linked it a moment ago.
      if (byEmail && byEmail.externalId === token.externalId) return principalOf(byEmail);
      // An account already linked to another Clerk user is never taken over through a matching e-mail claim.
      if (byEmail?.externalId && byEmail.externalId !== token.externalId) throw accountLinkedElsewhere();
      // Anyone can put any address on a new Clerk user: an existing account (an admin's, a pre-created
      // supplier's) is linked only to a user whose address Clerk has verified.
      if (byEmail && !token.emailVerified) return byEmail.id;
      const linked = byEmail ? await repo.linkExternalId(tx, byEmail.id, token.externalId) : undefined;
      if (byEmail && !linked) throw accountLinkedElsewhere();
      const row = linked
        ? linked
        : await repo.insertAccount(tx, {
            email,
            role: 'RESTAURANT',
            externalId: token.externalId,
            displayName: token.name ?? null,
          });
      await recordAudit(
        tx,
        { ...ctx, principal: principalOf(row) },
        {
          action: byEmail ? 'auth.clerk.linked' : 'auth.clerk.account_created',
          resourceType: 'account',
          resourceId: row.id,
          details: { provider: 'clerk' },
        },
      );
      return principalOf(row);
    });
    if (typeof refused !== 'string') return refused;
    await recordAudit(db, ctx, {
      action: 'auth.clerk.link_refused',
      resourceType: 'account',
      resourceId: refused,
      details: { provider: 'clerk', reason: 'email_not_verified', external_id: token.externalId },
    });
    throw emailNotVerified();
  }

  return {
    /** POST /auth/dev/login (local mode only). The bcrypt hash lives in DEV_USERS, never in the database. */
    async devLogin(ctx: RequestContext, email: string, password: string): Promise<TokenResponse> {
      const normalised = email.toLowerCase();
      const user = devUsers.get(normalised);
      const matches = await bcrypt.compare(password, user?.hash ?? DUMMY_HASH);
      if (!user || !matches) {
        await recordAudit(db, ctx, {
          action: 'auth.login.failure',
          details: { email: normalised, provider: 'local' },
        });
        throw invalidCredentials();
      }
      const existing = await repo.findAccountByEmail(db, normalised);
      if (existing?.deletedAt) {
        await recordAudit(db, ctx, {
          action: 'auth.login.failure',
          resourceType: 'account',
          resourceId: existing.id,
          details: { reason: 'deleted' },
        });
        throw invalidCredentials();
      }
      const account = await db.transaction(async (tx) => {
        const row = await repo.upsertDevAccount(tx, normalised, user.role);
        accountCache.delete(row.id);
        await recordAudit(
          tx,
          { ...ctx, principal: principalOf(row) },
          {
            action: 'auth.login.success',
            resourceType: 'account',
            resourceId: row.id,
            details: { provider: 'local' },
          },
        );
        return row;
      });
      return {
        access_token: await issueAccessToken(config.auth, account.id),
        token_type: 'bearer',
        expires_in: config.auth.accessTokenTtlSeconds,
      };
    },

    /**
     * Turns a verified token into the caller. Local tokens name an account id; Clerk tokens name a Clerk user,
     * found by external_id, else linked by e-mail to an account an admin pre-created, else created.
     * The role always comes from the account row.
     */
    async resolvePrincipal(
      ctx: RequestContext,
      token: VerifiedToken,
    ): Promise<UserPrincipal | { kind: 'service'; name: string; scopes: string[] }> {
      if (token.kind === 'service') return token;
      if (token.kind === 'local-user') {
        const cached = accountCache.get(token.accountId);
        if (cached) return cached;
        const row = await repo.findAccountById(db, token.accountId);
        if (!row) throw accountGone();
        const principal = principalOf(row);
        accountCache.set(row.id, principal);
        return principal;
      }
      try {
        return await resolveClerkUser(ctx, token);
      } catch (err) {
        // The first requests of a new Clerk user (or of two users giving one address) race to create its account:
        // the loser hits the e-mail's or external id's unique index, and a second look finds the winner's row and
        // answers as if this request had come second.
        if (!isUniqueViolation(err)) throw err;
        return resolveClerkUser(ctx, token);
      }
    },

    async me(ctx: UserContext) {
      const row = await repo.findAccountById(db, ctx.principal.accountId);
      if (!row) throw accountGone();
      const memberships = await membershipsOfAccount(db, row.id);
      return {
        ...accountToDto(row),
        memberships: memberships.map((m) => ({
          org_type: m.orgType,
          org_id: m.orgId,
          legal_name: m.legalName,
          member_role: m.memberRole,
        })),
      };
    },

    async list(filters: repo.AccountFilters, page: Page): Promise<Paginated<AccountDto>> {
      const { rows, total } = await repo.listAccounts(db, filters, page);
      return toPage(rows.map(accountToDto), page, total);
    },

    async changeRole(ctx: UserContext, id: string, role: AccountRole): Promise<AccountDto> {
      const changed = await db.transaction(async (tx) => {
        const before = await repo.findAccountById(tx, id);
        if (!before) throw accountNotFound(id);
        if (before.role === 'ADMIN' && role !== 'ADMIN' && (await repo.countOtherAdmins(tx, id)) === 0)
          throw lastAdmin();
        const row = await repo.updateAccountRole(tx, id, role);
        if (!row) throw accountNotFound(id);
        await recordAudit(tx, ctx, {
          action: 'account.role_change',
          resourceType: 'account',
          resourceId: id,
          details: { from: before.role, to: role },
        });
        return accountToDto(row);
      });
      accountCache.delete(id);
      return changed;
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
