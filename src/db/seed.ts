import { eq } from 'drizzle-orm';
import type { Database } from '../core/db.types.js';
import { type AccountRole, accounts } from '../domain/accounts/accounts.models.js';
import {
  restaurantMembers,
  restaurants,
  supplierMembers,
  suppliers,
} from '../domain/organisations/organisations.models.js';

/** The password of the built-in demo users (embedded development database only; see README). */
export const DEMO_PASSWORD = 'iris-demo';
/** bcrypt(DEMO_PASSWORD, 10); a hash, not the password, as DEV_USERS would carry. */
const DEMO_HASH = '$2b$10$qB0c5E.fQenQY38CkTx0tef0QRrSh4IufveVfvFIE5e6X57VKgOzK';

export const DEMO_USERS: { email: string; role: AccountRole; hash: string; name: string }[] = [
  { email: 'admin@iris.local', role: 'ADMIN', hash: DEMO_HASH, name: 'Iris Admin' },
  { email: 'supplier@iris.local', role: 'SUPPLIER', hash: DEMO_HASH, name: 'Sara Grossist' },
  { email: 'chef@iris.local', role: 'RESTAURANT', hash: DEMO_HASH, name: 'Kalle Kock' },
];

/** DEV_USERS syntax for the demo users, used when the embedded database runs without DEV_USERS. */
export const DEMO_DEV_USERS = DEMO_USERS.map((u) => `${u.email}:${u.role}:${u.hash}`).join(',');

/**
 * Demo organisations and memberships. Idempotent: returns false when the demo supplier already exists.
 * Accounts are created here too so memberships can point at them; logins update them later.
 */
export async function seedDemoData(db: Database): Promise<boolean> {
  return db.transaction(async (tx) => {
    const existing = await tx
      .select({ id: suppliers.id })
      .from(suppliers)
      .where(eq(suppliers.orgNumber, '5560000001'));
    if (existing.length > 0) return false;

    const ids = new Map<string, string>();
    for (const user of DEMO_USERS) {
      const [row] = await tx
        .insert(accounts)
        .values({ email: user.email, role: user.role, displayName: user.name })
        .onConflictDoUpdate({ target: accounts.email, set: { role: user.role } })
        .returning({ id: accounts.id });
      if (row) ids.set(user.email, row.id);
    }
    const [supplier] = await tx
      .insert(suppliers)
      .values({
        legalName: 'Demo Grossist AB',
        orgNumber: '5560000001',
        contactEmail: 'order@demogrossist.se',
        contactPhone: '+46 8 123 456 00',
        addressLine: 'Partihallsvägen 1',
        postalCode: '121 62',
        city: 'Johanneshov',
      })
      .returning({ id: suppliers.id });
    const [restaurant] = await tx
      .insert(restaurants)
      .values({
        legalName: 'Demo Bistro AB',
        orgNumber: '5560000019',
        contactEmail: 'kock@demobistro.se',
        addressLine: 'Götgatan 10',
        postalCode: '116 46',
        city: 'Stockholm',
        deliveryAddressLine: 'Götgatan 10, bakdörren',
        deliveryPostalCode: '116 46',
        deliveryCity: 'Stockholm',
      })
      .returning({ id: restaurants.id });
    const supplierAccount = ids.get('supplier@iris.local');
    const chefAccount = ids.get('chef@iris.local');
    if (!supplier || !restaurant || !supplierAccount || !chefAccount)
      throw new Error('demo seed failed to insert');
    await tx
      .insert(supplierMembers)
      .values({ accountId: supplierAccount, orgId: supplier.id, memberRole: 'owner' });
    await tx
      .insert(restaurantMembers)
      .values({ accountId: chefAccount, orgId: restaurant.id, memberRole: 'owner' });
    return true;
  });
}
