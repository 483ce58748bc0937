import { randomBytes } from 'node:crypto';
import type { Config } from '../../src/core/config.js';
import type { Database } from '../../src/core/db.types.js';
import { issueAccessToken } from '../../src/core/security.js';
import type { AccountRole } from '../../src/domain/accounts/accounts.models.js';
import { insertAccount } from '../../src/domain/accounts/accounts.repository.js';
import type { MemberRole } from '../../src/domain/organisations/organisations.models.js';
import {
  insertOrg,
  type OrgKind,
  upsertMembership,
} from '../../src/domain/organisations/organisations.repository.js';
import { vatNumberOf, withCheckDigit } from '../../src/domain/organisations/org-number.js';

// Each test file has its own database, so a per-process counter keeps numbers unique where it matters.
let counter = randomBytes(2).readUInt16BE() * 10;

/** A unique, Luhn-valid organisationsnummer. */
export function orgNumber(): string {
  counter += 1;
  return withCheckDigit(`55${String(counter).padStart(7, '0')}`);
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}@test.iris`;
}

export interface TestUser {
  id: string;
  email: string;
  role: AccountRole;
  token: string;
  headers: { authorization: string };
}

export async function createUser(
  db: Database,
  config: Config,
  role: AccountRole,
  prefix = role.toLowerCase(),
): Promise<TestUser> {
  const row = await insertAccount(db, { email: uniqueEmail(prefix), role });
  const token = await issueAccessToken(config.auth, row.id);
  return { id: row.id, email: row.email, role, token, headers: { authorization: `Bearer ${token}` } };
}

export async function createOrg(
  db: Database,
  kind: OrgKind,
  name: string,
  members: { user: TestUser; role: MemberRole }[] = [],
): Promise<string> {
  const number = orgNumber();
  const row = await insertOrg(
    db,
    kind === 'supplier'
      ? { kind, values: { legalName: name, orgNumber: number, vatNumber: vatNumberOf(number) } }
      : { kind, values: { legalName: name, orgNumber: number } },
  );
  for (const m of members) await upsertMembership(db, kind, m.user.id, row.id, m.role);
  return row.id;
}
