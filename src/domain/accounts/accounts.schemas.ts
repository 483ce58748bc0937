import { z } from 'zod';
import { paginated, paginationQuery } from '../../core/pagination.js';
import { ACCOUNT_ROLES } from './accounts.models.js';

export const loginBody = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});

export const tokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
});

export const membershipDto = z.object({
  org_type: z.enum(['supplier', 'restaurant']),
  org_id: z.uuid(),
  legal_name: z.string(),
  member_role: z.enum(['owner', 'staff']),
});

export const accountDto = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.enum(ACCOUNT_ROLES),
  display_name: z.string().nullable(),
  locale: z.string(),
  time_zone: z.string(),
  last_login_at: z.string().nullable(),
  created_at: z.string(),
});

export const meResponse = accountDto.extend({ memberships: z.array(membershipDto) });

export const accountListQuery = z.strictObject({
  ...paginationQuery,
  role: z.enum(ACCOUNT_ROLES).optional(),
  email: z.string().min(1).max(254).optional(),
});

export const accountPage = paginated(accountDto);

export const roleChangeBody = z.strictObject({ role: z.enum(ACCOUNT_ROLES) });

export type AccountDto = z.infer<typeof accountDto>;
export type MembershipDto = z.infer<typeof membershipDto>;
export type TokenResponse = z.infer<typeof tokenResponse>;

// Named components of the OpenAPI document and of the generated client (docs/adding-a-domain.md).
z.globalRegistry.add(loginBody, { id: 'LoginRequest' });
z.globalRegistry.add(tokenResponse, { id: 'TokenResponse' });
z.globalRegistry.add(membershipDto, { id: 'Membership' });
z.globalRegistry.add(accountDto, { id: 'Account' });
z.globalRegistry.add(meResponse, { id: 'Me' });
z.globalRegistry.add(accountPage, { id: 'AccountPage' });
z.globalRegistry.add(roleChangeBody, { id: 'RoleChange' });
