import { z } from 'zod';
import { paginated } from '../../core/pagination.js';
import { MEMBER_ROLES } from './organisations.models.js';
import { normaliseBankgiro, normaliseOrgNumber } from './org-number.js';

const orgNumber = z
  .string()
  .max(20)
  .transform((value, ctx) => {
    const normalised = normaliseOrgNumber(value);
    if (!normalised) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a valid Swedish organisationsnummer (10 digits, Luhn check)',
      });
      return z.NEVER;
    }
    return normalised;
  });

const bankgiro = z
  .string()
  .max(20)
  .transform((value, ctx) => {
    const normalised = normaliseBankgiro(value);
    if (!normalised) {
      ctx.addIssue({ code: 'custom', message: 'must be a bankgiro number (7–8 digits, mod-10 check digit)' });
      return z.NEVER;
    }
    return normalised;
  });

const text = (max: number) => z.string().trim().min(1).max(max);
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a phone number');

const orgFields = {
  legal_name: text(200),
  org_number: orgNumber,
  contact_email: z.email().max(254).nullable().optional(),
  contact_phone: phone.nullable().optional(),
  address_line: text(200).nullable().optional(),
  postal_code: z
    .string()
    .trim()
    .regex(/^\d{3} ?\d{2}$/, 'must be a Swedish postal code')
    .nullable()
    .optional(),
  city: text(100).nullable().optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
    .optional(),
};

/** ISO weekdays, 1 = Monday, each at most once. */
const weekdays = z
  .array(z.number().int().min(1).max(7))
  .min(1)
  .max(7)
  .refine((days) => new Set(days).size === days.length, 'must not repeat a weekday');

export const supplierCreate = z.strictObject({
  ...orgFields,
  default_currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
    .optional(),
  payment_terms_days: z.number().int().min(0).max(365).optional(),
  bankgiro: bankgiro.nullable().optional(),
  /** ISO weekdays the supplier delivers on; suggested orders cover demand until the next one. */
  delivery_weekdays: weekdays.optional(),
  /** Days from ordering to the earliest delivery. */
  order_lead_days: z.number().int().min(0).max(30).optional(),
  depot_latitude: z.number().min(-90).max(90).nullable().optional(),
  depot_longitude: z.number().min(-180).max(180).nullable().optional(),
  delivery_radius_km: z.number().positive().max(5000).nullable().optional(),
  min_order_cents: z.number().int().min(0).max(100_000_000).nullable().optional(),
});

export const restaurantCreate = z.strictObject({
  ...orgFields,
  delivery_address_line: text(200).nullable().optional(),
  delivery_postal_code: z
    .string()
    .trim()
    .regex(/^\d{3} ?\d{2}$/, 'must be a Swedish postal code')
    .nullable()
    .optional(),
  delivery_city: text(100).nullable().optional(),
  vat_number: z
    .string()
    .regex(/^SE\d{10}01$/, 'must be a Swedish VAT registration number: SE, the organisation number, 01')
    .nullable()
    .optional(),
  latitude: z.number().min(-90).max(90).nullable().optional(),
  longitude: z.number().min(-180).max(180).nullable().optional(),
  /** ISO weekdays the kitchen is open, 1 = Monday; forecasts leave the other days out. */
  opening_weekdays: weekdays.optional(),
});

export const supplierUpdate = supplierCreate.partial();
export const restaurantUpdate = restaurantCreate.partial();

const orgBase = {
  id: z.uuid(),
  legal_name: z.string(),
  org_number: z.string(),
  contact_email: z.string().nullable(),
  contact_phone: z.string().nullable(),
  address_line: z.string().nullable(),
  postal_code: z.string().nullable(),
  city: z.string().nullable(),
  country: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
};

export const supplierDto = z.object({
  ...orgBase,
  default_currency: z.string(),
  payment_terms_days: z.number().int(),
  /** Derived from the organisation number; shown as the seller's on every invoice. */
  vat_number: z.string(),
  bankgiro: z.string().nullable(),
  delivery_weekdays: z.array(z.number().int()),
  order_lead_days: z.number().int(),
  depot_latitude: z.number().nullable(),
  depot_longitude: z.number().nullable(),
  delivery_radius_km: z.number().nullable(),
  min_order_cents: z.number().int().nullable(),
});
export const restaurantDto = z.object({
  ...orgBase,
  delivery_address_line: z.string().nullable(),
  delivery_postal_code: z.string().nullable(),
  delivery_city: z.string().nullable(),
  vat_number: z.string().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  opening_weekdays: z.array(z.number().int()),
});
export const supplierPage = paginated(supplierDto);
export const restaurantPage = paginated(restaurantDto);

export const memberAdd = z.strictObject({ email: z.email().max(254), member_role: z.enum(MEMBER_ROLES) });
export const memberDto = z.object({
  account_id: z.uuid(),
  email: z.string(),
  display_name: z.string().nullable(),
  member_role: z.enum(MEMBER_ROLES),
});
export const memberList = z.object({ data: z.array(memberDto) });

export type SupplierCreate = z.infer<typeof supplierCreate>;
export type RestaurantCreate = z.infer<typeof restaurantCreate>;
export type OrgCreate = SupplierCreate | RestaurantCreate;
export type OrgDto = z.infer<typeof supplierDto> | z.infer<typeof restaurantDto>;
export type MemberDto = z.infer<typeof memberDto>;

// Named components of the OpenAPI document and of the generated client (docs/adding-a-domain.md).
z.globalRegistry.add(supplierCreate, { id: 'SupplierCreate' });
z.globalRegistry.add(restaurantCreate, { id: 'RestaurantCreate' });
z.globalRegistry.add(supplierUpdate, { id: 'SupplierUpdate' });
z.globalRegistry.add(restaurantUpdate, { id: 'RestaurantUpdate' });
z.globalRegistry.add(supplierDto, { id: 'Supplier' });
z.globalRegistry.add(restaurantDto, { id: 'Restaurant' });
z.globalRegistry.add(supplierPage, { id: 'SupplierPage' });
z.globalRegistry.add(restaurantPage, { id: 'RestaurantPage' });
z.globalRegistry.add(memberAdd, { id: 'MemberAdd' });
z.globalRegistry.add(memberDto, { id: 'Member' });
z.globalRegistry.add(memberList, { id: 'MemberList' });
