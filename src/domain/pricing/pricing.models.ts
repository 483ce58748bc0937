import { sql } from 'drizzle-orm';
import {
  boolean,
  char,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { baseColumns, instant } from '../../db/base.js';
import { accounts } from '../accounts/accounts.models.js';
import { restaurants, suppliers } from '../organisations/organisations.models.js';
import { products } from '../products/products.models.js';

export const PRICING_MODES = ['auto', 'review'] as const;
export type PricingMode = (typeof PRICING_MODES)[number];
export const pricingMode = pgEnum('pricing_mode', PRICING_MODES);

export const PROPOSAL_STATUSES = ['pending', 'applied', 'rejected', 'superseded', 'expired'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
export const proposalStatus = pgEnum('pricing_proposal_status', PROPOSAL_STATUSES);

/** Demand signal: the forecast of the next days against the recent daily average (basis points: 100 = 1 %). */
export interface DemandSignal {
  horizon_days: number;
  recent_days: number;
  threshold_bp: number;
  response_pct: number;
  max_adjust_bp: number;
}

/** Stock signal (discounts only): high stock of a perishable, or a best-before date drawing near. */
export interface StockSignal {
  high_cover_days: number;
  near_best_before_days: number;
  max_discount_bp: number;
}

/** How a supplier's proposals are applied: at once (`auto`) or after someone approves them (`review`). */
export const pricingSettings = pgTable(
  'pricing_settings',
  {
    ...baseColumns(),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id, { onDelete: 'cascade' }),
    mode: pricingMode('mode').notNull().default('review'),
  },
  (t) => [uniqueIndex('pricing_settings_supplier_key').on(t.supplierId)],
);

/**
 * A supplier's opt-in to dynamic pricing for one product or one category, with the bounds nothing exceeds: a floor
 * and a ceiling in öre, and the most the price may move within any day and any week, as a share of the list price.
 * A product rule overrides a category rule for its product.
 */
export const pricingRules = pgTable(
  'pricing_rules',
  {
    ...baseColumns(),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id, { onDelete: 'cascade' }),
    productId: uuid('product_id').references(() => products.id, { onDelete: 'cascade' }),
    category: text('category'),
    minPriceCents: integer('min_price_cents').notNull(),
    maxPriceCents: integer('max_price_cents').notNull(),
    maxDailyChangeBp: integer('max_daily_change_bp').notNull(),
    maxWeeklyChangeBp: integer('max_weekly_change_bp').notNull(),
    demand: jsonb('demand').$type<DemandSignal>(),
    stock: jsonb('stock').$type<StockSignal>(),
    active: boolean('active').notNull().default(true),
  },
  (t) => [
    uniqueIndex('pricing_rules_product_live_key')
      .on(t.supplierId, t.productId)
      .where(sql`${t.deletedAt} IS NULL AND ${t.productId} IS NOT NULL`),
    uniqueIndex('pricing_rules_category_live_key')
      .on(t.supplierId, t.category)
      .where(sql`${t.deletedAt} IS NULL AND ${t.category} IS NOT NULL`),
    check('pricing_rules_one_target', sql`(${t.productId} IS NULL) <> (${t.category} IS NULL)`),
    check(
      'pricing_rules_bounds',
      sql`${t.minPriceCents} >= 1 AND ${t.maxPriceCents} >= ${t.minPriceCents} AND ${t.maxDailyChangeBp} BETWEEN 0 AND ${t.maxWeeklyChangeBp} AND ${t.maxWeeklyChangeBp} <= 10000`,
    ),
    check('pricing_rules_signal', sql`${t.demand} IS NOT NULL OR ${t.stock} IS NOT NULL`),
  ],
);

/**
 * What the hourly job computed for one product: the list price, the price then, the unbounded target, the bounded
 * proposal and every input. `review` suppliers decide on pending ones; `auto` ones are applied at once.
 */
export const priceProposals = pgTable(
  'price_proposals',
  {
    ...baseColumns(),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => pricingRules.id, { onDelete: 'cascade' }),
    listPriceCents: integer('list_price_cents').notNull(),
    fromPriceCents: integer('from_price_cents').notNull(),
    targetPriceCents: integer('target_price_cents').notNull(),
    proposedPriceCents: integer('proposed_price_cents').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    inputs: jsonb('inputs').$type<Record<string, unknown>>().notNull(),
    status: proposalStatus('status').notNull().default('pending'),
    decidedBy: uuid('decided_by').references(() => accounts.id, { onDelete: 'set null' }),
    decidedAt: instant('decided_at'),
  },
  (t) => [
    uniqueIndex('price_proposals_pending_key')
      .on(t.productId)
      .where(sql`${t.status} = 'pending'`),
    index('price_proposals_supplier_idx').on(t.supplierId, t.status, t.createdAt),
    check('price_proposals_positive', sql`${t.proposedPriceCents} >= 1 AND ${t.fromPriceCents} >= 1`),
  ],
);

/**
 * A price a supplier agreed with one restaurant for one product. Orders by that restaurant use it while it is
 * valid; dynamic pricing never touches it.
 */
export const priceAgreements = pgTable(
  'price_agreements',
  {
    ...baseColumns(),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id, { onDelete: 'cascade' }),
    restaurantId: uuid('restaurant_id')
      .notNull()
      .references(() => restaurants.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    priceCents: integer('price_cents').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    /** Last day the agreement holds (inclusive); NULL = until ended. */
    validUntil: date('valid_until', { mode: 'string' }),
  },
  (t) => [
    uniqueIndex('price_agreements_live_key')
      .on(t.restaurantId, t.productId)
      .where(sql`${t.deletedAt} IS NULL`),
    index('price_agreements_supplier_idx').on(t.supplierId),
    check('price_agreements_positive', sql`${t.priceCents} >= 1`),
    check('price_agreements_period', sql`${t.validUntil} IS NULL OR ${t.validUntil} >= ${t.validFrom}`),
  ],
);

export type PricingRuleRow = typeof pricingRules.$inferSelect;
export type PriceProposalRow = typeof priceProposals.$inferSelect;
export type PriceAgreementRow = typeof priceAgreements.$inferSelect;
