import { sql } from 'drizzle-orm';
import {
  bigint,
  char,
  check,
  doublePrecision,
  index,
  integer,
  pgEnum,
  pgTable,
  smallint,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { baseColumns } from '../../db/base.js';
import { citext } from '../../db/types.js';
import { accounts } from '../accounts/accounts.models.js';

export const MEMBER_ROLES = ['owner', 'staff'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
export const memberRole = pgEnum('member_role', MEMBER_ROLES);

const orgColumns = () => ({
  ...baseColumns(),
  legalName: text('legal_name').notNull(),
  /** Swedish organisationsnummer, stored as its 10 digits (validated with the Luhn check on input). */
  orgNumber: char('org_number', { length: 10 }).notNull(),
  contactEmail: citext('contact_email'),
  contactPhone: text('contact_phone'),
  addressLine: text('address_line'),
  postalCode: text('postal_code'),
  city: text('city'),
  country: char('country', { length: 2 }).notNull().default('SE'),
});

export const suppliers = pgTable(
  'suppliers',
  {
    ...orgColumns(),
    defaultCurrency: char('default_currency', { length: 3 }).notNull().default('SEK'),
    paymentTermsDays: integer('payment_terms_days').notNull().default(30),
    /** Momsregistreringsnummer: "SE", the organisation number, "01". Every invoice the supplier issues shows it. */
    vatNumber: text('vat_number').notNull(),
    /** Bankgiro number as its 7–8 digits (mod-10 check on input); where buyers pay invoices. */
    bankgiro: text('bankgiro'),
    /** ISO weekdays the supplier delivers on (1 = Monday): suggested orders cover demand until the next one. */
    deliveryWeekdays: smallint('delivery_weekdays')
      .array()
      .notNull()
      .default(sql`'{1,2,3,4,5}'::smallint[]`),
    /** Days between ordering and the earliest delivery (0 = same day). */
    orderLeadDays: smallint('order_lead_days').notNull().default(1),
    /** The depot goods leave from: the distance component of supplier recommendations. */
    depotLatitude: doublePrecision('depot_latitude'),
    depotLongitude: doublePrecision('depot_longitude'),
    /** Restaurants farther than this from the depot are not delivered to; NULL = no stated limit. */
    deliveryRadiusKm: doublePrecision('delivery_radius_km'),
    /** Smallest order value (net, öre) the supplier accepts; NULL = none. */
    minOrderCents: bigint('min_order_cents', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('suppliers_org_number_live_key')
      .on(t.orgNumber)
      .where(sql`${t.deletedAt} IS NULL`),
    check('suppliers_org_number_digits', sql`${t.orgNumber} ~ '^[0-9]{10}$'`),
    check('suppliers_payment_terms_range', sql`${t.paymentTermsDays} BETWEEN 0 AND 365`),
    check('suppliers_vat_number_form', sql`${t.vatNumber} ~ '^SE[0-9]{10}01$'`),
    check('suppliers_bankgiro_digits', sql`${t.bankgiro} ~ '^[0-9]{7,8}$'`),
    check(
      'suppliers_delivery_weekdays_valid',
      sql`cardinality(${t.deliveryWeekdays}) BETWEEN 1 AND 7 AND ${t.deliveryWeekdays} <@ '{1,2,3,4,5,6,7}'::smallint[]`,
    ),
    check('suppliers_order_lead_days_range', sql`${t.orderLeadDays} BETWEEN 0 AND 30`),
    check('suppliers_depot_latitude_range', sql`${t.depotLatitude} BETWEEN -90 AND 90`),
    check('suppliers_depot_longitude_range', sql`${t.depotLongitude} BETWEEN -180 AND 180`),
    check('suppliers_delivery_radius_positive', sql`${t.deliveryRadiusKm} > 0`),
    check('suppliers_min_order_non_negative', sql`${t.minOrderCents} >= 0`),
  ],
);

export const restaurants = pgTable(
  'restaurants',
  {
    ...orgColumns(),
    deliveryAddressLine: text('delivery_address_line'),
    deliveryPostalCode: text('delivery_postal_code'),
    deliveryCity: text('delivery_city'),
    /** Momsregistreringsnummer, when the restaurant has one; shown as the buyer's on invoices. */
    vatNumber: text('vat_number'),
    /** Coordinates of the kitchen, for weather (forecasts) and distance (supplier recommendations). */
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    /** ISO weekdays the kitchen is open (1 = Monday); demand on other days is not a zero, it is no day at all. */
    openingWeekdays: smallint('opening_weekdays')
      .array()
      .notNull()
      .default(sql`'{1,2,3,4,5,6,7}'::smallint[]`),
  },
  (t) => [
    uniqueIndex('restaurants_org_number_live_key')
      .on(t.orgNumber)
      .where(sql`${t.deletedAt} IS NULL`),
    check('restaurants_org_number_digits', sql`${t.orgNumber} ~ '^[0-9]{10}$'`),
    check('restaurants_vat_number_form', sql`${t.vatNumber} ~ '^SE[0-9]{10}01$'`),
    check('restaurants_latitude_range', sql`${t.latitude} BETWEEN -90 AND 90`),
    check('restaurants_longitude_range', sql`${t.longitude} BETWEEN -180 AND 180`),
    check(
      'restaurants_opening_weekdays_valid',
      sql`cardinality(${t.openingWeekdays}) BETWEEN 1 AND 7 AND ${t.openingWeekdays} <@ '{1,2,3,4,5,6,7}'::smallint[]`,
    ),
  ],
);

/** Spec invariant: FKs to both sides and UNIQUE(account_id, org_id); no extra unique index beside it. */
export const supplierMembers = pgTable(
  'supplier_members',
  {
    ...baseColumns(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => suppliers.id, { onDelete: 'cascade' }),
    memberRole: memberRole('member_role').notNull().default('staff'),
  },
  (t) => [
    unique('supplier_members_account_org_key').on(t.accountId, t.orgId),
    index('supplier_members_org_idx').on(t.orgId),
  ],
);

export const restaurantMembers = pgTable(
  'restaurant_members',
  {
    ...baseColumns(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => restaurants.id, { onDelete: 'cascade' }),
    memberRole: memberRole('member_role').notNull().default('staff'),
  },
  (t) => [
    unique('restaurant_members_account_org_key').on(t.accountId, t.orgId),
    index('restaurant_members_org_idx').on(t.orgId),
  ],
);

export type SupplierRow = typeof suppliers.$inferSelect;
export type RestaurantRow = typeof restaurants.$inferSelect;
