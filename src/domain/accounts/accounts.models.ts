import { index, pgEnum, pgTable, text } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { baseColumns, instant } from '../../db/base.js';
import { citext } from '../../db/types.js';

export const ACCOUNT_ROLES = ['ADMIN', 'SUPPLIER', 'RESTAURANT'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
export const accountRole = pgEnum('account_role', ACCOUNT_ROLES);

/** A person who signs in. Identity lives with the provider (DEV_USERS or Clerk): no password column, ever. */
export const accounts = pgTable(
  'accounts',
  {
    ...baseColumns(),
    email: citext('email').notNull().unique('accounts_email_key'),
    externalId: text('external_id').unique('accounts_external_id_key'),
    role: accountRole('role').notNull().default('RESTAURANT'),
    displayName: text('display_name'),
    locale: text('locale').notNull().default('sv-SE'),
    timeZone: text('time_zone').notNull().default('Europe/Stockholm'),
    lastLoginAt: instant('last_login_at'),
  },
  (t) => [
    index('accounts_role_idx')
      .on(t.role)
      .where(sql`${t.deletedAt} IS NULL`),
  ],
);

export type AccountRow = typeof accounts.$inferSelect;
