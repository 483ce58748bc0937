import { eq } from 'drizzle-orm';
import type { Database } from '../core/db.types.js';
import { accounts } from '../domain/accounts/accounts.models.js';
import { DEMO_USERS } from '../domain/accounts/demo-users.js';
import { productPrices, products } from '../domain/products/products.models.js';
import { generateProduct, prng } from './catalog-generator.js';

const DEMO_PRODUCTS = 300;
import {
  restaurantMembers,
  restaurants,
  supplierMembers,
  suppliers,
} from '../domain/organisations/organisations.models.js';

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
        vatNumber: 'SE556000000101',
        bankgiro: '56781230',
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
        vatNumber: 'SE556000001901',
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

    // A small catalog so search, orders and invoices have something to work with.
    const random = prng(2026);
    const demo = Array.from({ length: DEMO_PRODUCTS }, (_, i) => generateProduct(random, 1, i + 1));
    const inserted = await tx
      .insert(products)
      .values(demo.map((p) => ({ ...p, supplierId: supplier.id })))
      .returning({ id: products.id, priceCents: products.priceCents, currency: products.currency });
    await tx
      .insert(productPrices)
      .values(inserted.map((p) => ({ productId: p.id, priceCents: p.priceCents, currency: p.currency })));
    return true;
  });
}
