import { z } from 'zod';
import { paginated, paginationQuery } from '../../core/pagination.js';
import { PRICING_MODES, PROPOSAL_STATUSES } from './pricing.models.js';

const bp = (max: number) => z.number().int().min(0).max(max);
const cents = z.number().int().min(1).max(100_000_000);

export const demandSignal = z.strictObject({
  horizon_days: z.number().int().min(1).max(30).default(7).describe('forecast days compared'),
  recent_days: z.number().int().min(7).max(180).default(28).describe('days of actual demand averaged'),
  threshold_bp: bp(10_000).default(1_000).describe('differences smaller than this change nothing'),
  response_pct: z.number().int().min(1).max(100).default(25).describe('share of the difference followed'),
  max_adjust_bp: bp(5_000).describe('largest change either way, from the list price'),
});
export const stockSignal = z.strictObject({
  high_cover_days: z.number().int().min(1).max(365).default(14).describe('days of stock counted as high'),
  near_best_before_days: z.number().int().min(0).max(60).default(3),
  max_discount_bp: bp(5_000).describe('largest discount, from the list price'),
});

const boundsFields = {
  min_price_cents: cents.describe('floor: no dynamic price goes below it'),
  max_price_cents: cents.describe('ceiling: no dynamic price goes above it'),
  max_daily_change_bp: bp(10_000).describe('most a price moves within any 24 hours, share of the list price'),
  max_weekly_change_bp: bp(10_000).describe('most a price moves within any 7 days, share of the list price'),
};

export const ruleCreate = z
  .strictObject({
    product_id: z.uuid().optional(),
    category: z.string().trim().min(1).max(100).optional(),
    ...boundsFields,
    demand: demandSignal.nullable().optional(),
    stock: stockSignal.nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((r) => (r.product_id === undefined) !== (r.category === undefined), {
    error: 'name exactly one of product_id and category',
    path: ['product_id'],
  })
  .refine((r) => r.demand || r.stock, { error: 'a rule needs a demand or a stock signal', path: ['demand'] });

export const ruleUpdate = z
  .strictObject({
    ...boundsFields,
    demand: demandSignal.nullable(),
    stock: stockSignal.nullable(),
    active: z.boolean(),
  })
  .partial();

export const ruleDto = z.object({
  id: z.uuid(),
  supplier_id: z.uuid(),
  product_id: z.uuid().nullable(),
  category: z.string().nullable(),
  min_price_cents: z.number().int(),
  max_price_cents: z.number().int(),
  max_daily_change_bp: z.number().int(),
  max_weekly_change_bp: z.number().int(),
  demand: demandSignal.nullable(),
  stock: stockSignal.nullable(),
  active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export const ruleList = z.object({ data: z.array(ruleDto) });

export const settingsBody = z.strictObject({ mode: z.enum(PRICING_MODES) });
export const settingsDto = z.object({ supplier_id: z.uuid(), mode: z.enum(PRICING_MODES) });

export const proposalQuery = z.strictObject({
  ...paginationQuery,
  status: z.enum(PROPOSAL_STATUSES).optional(),
});
export const proposalDto = z.object({
  id: z.uuid(),
  supplier_id: z.uuid(),
  product_id: z.uuid(),
  rule_id: z.uuid(),
  list_price_cents: z.number().int(),
  from_price_cents: z.number().int(),
  target_price_cents: z.number().int().describe('what the signals asked for, before the bounds'),
  proposed_price_cents: z.number().int(),
  currency: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  status: z.enum(PROPOSAL_STATUSES),
  decided_by: z.uuid().nullable(),
  decided_at: z.string().nullable(),
  created_at: z.string(),
});
export const proposalPage = paginated(proposalDto);

export const rollbackBody = z.strictObject({
  product_ids: z
    .array(z.uuid())
    .min(1)
    .max(1000)
    .optional()
    .describe('default: every product of the supplier'),
});
export const rollbackResult = z.object({
  rolled_back: z.array(
    z.object({ product_id: z.uuid(), from_price_cents: z.number().int(), to_price_cents: z.number().int() }),
  ),
});

export const agreementCreate = z
  .strictObject({
    restaurant_id: z.uuid(),
    product_id: z.uuid(),
    price_cents: cents,
    valid_from: z.iso.date().optional().describe('default: today (Europe/Stockholm)'),
    valid_until: z.iso.date().nullable().optional().describe('last day, inclusive; null = until ended'),
  })
  .refine((a) => !a.valid_until || !a.valid_from || a.valid_until >= a.valid_from, {
    error: 'valid_until must not be before valid_from',
    path: ['valid_until'],
  });
export const agreementDto = z.object({
  id: z.uuid(),
  supplier_id: z.uuid(),
  restaurant_id: z.uuid(),
  product_id: z.uuid(),
  price_cents: z.number().int(),
  currency: z.string(),
  valid_from: z.string(),
  valid_until: z.string().nullable(),
  created_at: z.string(),
});
export const agreementList = z.object({ data: z.array(agreementDto) });

export type RuleCreate = z.infer<typeof ruleCreate>;
export type RuleUpdate = z.infer<typeof ruleUpdate>;
export type RuleDto = z.infer<typeof ruleDto>;
export type ProposalDto = z.infer<typeof proposalDto>;
export type ProposalQuery = z.infer<typeof proposalQuery>;
export type AgreementCreate = z.infer<typeof agreementCreate>;
export type AgreementDto = z.infer<typeof agreementDto>;

z.globalRegistry.add(demandSignal, { id: 'PricingDemandSignal' });
z.globalRegistry.add(stockSignal, { id: 'PricingStockSignal' });
z.globalRegistry.add(ruleCreate, { id: 'PricingRuleCreate' });
z.globalRegistry.add(ruleUpdate, { id: 'PricingRuleUpdate' });
z.globalRegistry.add(ruleDto, { id: 'PricingRule' });
z.globalRegistry.add(settingsDto, { id: 'PricingSettings' });
z.globalRegistry.add(proposalDto, { id: 'PriceProposal' });
z.globalRegistry.add(proposalPage, { id: 'PriceProposalPage' });
z.globalRegistry.add(rollbackResult, { id: 'PriceRollbackResult' });
z.globalRegistry.add(agreementCreate, { id: 'PriceAgreementCreate' });
z.globalRegistry.add(agreementDto, { id: 'PriceAgreement' });
