import type { UserContext } from '../../core/context.js';
import type { Database, Executor } from '../../core/db.types.js';
import { type ErrorDetail, isUniqueViolation } from '../../core/errors.js';
import { type Paginated, toPage } from '../../core/pagination.js';
import { recordAudit } from '../audit/audit.service.js';
import { findLiveOrg, findMembership } from '../organisations/organisations.repository.js';
import { orgNotFound } from '../organisations/organisations.errors.js';
import { productNotFound } from '../products/products.errors.js';
import { findProduct, lockProducts } from '../products/products.repository.js';
import { stockholmDate } from '../orders/vat.js';
import { priceState, setPrice } from './pricing.apply.js';
import { withinRange } from './pricing.bounds.js';
import * as e from './pricing.errors.js';
import type { PriceAgreementRow, PriceProposalRow, PricingRuleRow } from './pricing.models.js';
import * as repo from './pricing.repository.js';
import type {
  AgreementCreate,
  AgreementDto,
  ProposalDto,
  ProposalQuery,
  RuleCreate,
  RuleDto,
  RuleUpdate,
} from './pricing.schemas.js';
import { reachBp } from './pricing.signals.js';

function ruleToDto(r: PricingRuleRow): RuleDto {
  return {
    id: r.id,
    supplier_id: r.supplierId,
    product_id: r.productId,
    category: r.category,
    min_price_cents: r.minPriceCents,
    max_price_cents: r.maxPriceCents,
    max_daily_change_bp: r.maxDailyChangeBp,
    max_weekly_change_bp: r.maxWeeklyChangeBp,
    demand: r.demand,
    stock: r.stock,
    active: r.active,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

function proposalToDto(p: PriceProposalRow): ProposalDto {
  return {
    id: p.id,
    supplier_id: p.supplierId,
    product_id: p.productId,
    rule_id: p.ruleId,
    list_price_cents: p.listPriceCents,
    from_price_cents: p.fromPriceCents,
    target_price_cents: p.targetPriceCents,
    proposed_price_cents: p.proposedPriceCents,
    currency: p.currency,
    inputs: p.inputs,
    status: p.status,
    decided_by: p.decidedBy,
    decided_at: p.decidedAt?.toISOString() ?? null,
    created_at: p.createdAt.toISOString(),
  };
}

function agreementToDto(a: PriceAgreementRow): AgreementDto {
  return {
    id: a.id,
    supplier_id: a.supplierId,
    restaurant_id: a.restaurantId,
    product_id: a.productId,
    price_cents: a.priceCents,
    currency: a.currency,
    valid_from: a.validFrom,
    valid_until: a.validUntil,
    created_at: a.createdAt.toISOString(),
  };
}

type RuleShape = Pick<
  PricingRuleRow,
  'minPriceCents' | 'maxPriceCents' | 'maxDailyChangeBp' | 'maxWeeklyChangeBp' | 'demand' | 'stock'
>;

/**
 * A rule could break its bounds when its floor is above its ceiling, its daily step above its weekly one, or when
 * a product it covers has a list price outside them or could be sent outside them by the rule's largest
 * adjustment. Such a rule is refused (422) rather than silently clamped.
 */
function boundViolations(rule: RuleShape, covered: { id: string; listPriceCents: number }[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (rule.minPriceCents > rule.maxPriceCents)
    details.push({ path: 'min_price_cents', message: 'the floor is above the ceiling' });
  if (rule.maxDailyChangeBp > rule.maxWeeklyChangeBp)
    details.push({ path: 'max_daily_change_bp', message: 'a day may not move the price more than a week' });
  if (!rule.demand && !rule.stock)
    details.push({ path: 'demand', message: 'a rule needs a demand or a stock signal' });
  const { upBp, downBp } = reachBp(rule.demand, rule.stock);
  for (const p of covered) {
    const list = p.listPriceCents;
    const path = `products.${p.id}`;
    if (list < rule.minPriceCents || list > rule.maxPriceCents) {
      details.push({
        path,
        message: `list price ${list} is outside the floor ${rule.minPriceCents} and ceiling ${rule.maxPriceCents}`,
      });
      continue;
    }
    const highest = Math.round((list * (10_000 + upBp)) / 10_000);
    const lowest = Math.round((list * (10_000 - downBp)) / 10_000);
    if (highest > rule.maxPriceCents)
      details.push({
        path,
        message: `the rule could ask ${highest}, above the ceiling ${rule.maxPriceCents}`,
      });
    if (lowest < rule.minPriceCents)
      details.push({ path, message: `the rule could ask ${lowest}, below the floor ${rule.minPriceCents}` });
  }
  return details;
}

/**
 * Dynamic pricing (spec §10, §12): a supplier's rules, mode, proposals and rollback, and its price agreements
 * with restaurants. Another tenant's objects answer 404 exactly like missing ones.
 */
export function createPricingService(deps: { db: Database }) {
  const { db } = deps;

  async function assertMember(ex: Executor, ctx: UserContext, kind: 'supplier' | 'restaurant', id: string) {
    if (!(await findLiveOrg(ex, kind, id))) throw orgNotFound(kind, id);
    if (ctx.principal.role === 'ADMIN') return;
    if (!(await findMembership(ex, kind, ctx.principal.accountId, id))) throw orgNotFound(kind, id);
  }

  /** Whether the caller may manage this supplier's pricing; the object's own 404 otherwise. */
  async function mayManage(ex: Executor, ctx: UserContext, supplierId: string): Promise<boolean> {
    if (!(await findLiveOrg(ex, 'supplier', supplierId))) return false;
    return (
      ctx.principal.role === 'ADMIN' ||
      (await findMembership(ex, 'supplier', ctx.principal.accountId, supplierId)) !== undefined
    );
  }

  async function managedRule(ex: Executor, ctx: UserContext, id: string): Promise<PricingRuleRow> {
    const rule = await repo.findRule(ex, id);
    if (!rule || !(await mayManage(ex, ctx, rule.supplierId))) throw e.ruleNotFound(id);
    return rule;
  }

  async function validate(
    ex: Executor,
    supplierId: string,
    rule: RuleShape & Pick<PricingRuleRow, 'productId' | 'category'>,
  ) {
    const covered = await repo.coveredProducts(ex, supplierId, rule);
    const details = boundViolations(rule, covered);
    if (details.length > 0) throw e.ruleOutOfBounds(details);
  }

  const ruleTarget = (r: { productId: string | null; category: string | null }) =>
    r.productId ? `product ${r.productId}` : `category ${r.category}`;

  return {
    async settings(ctx: UserContext, supplierId: string) {
      await assertMember(db, ctx, 'supplier', supplierId);
      return { supplier_id: supplierId, mode: (await repo.modeOf(db, supplierId)) ?? 'review' };
    },

    async setMode(ctx: UserContext, supplierId: string, mode: 'auto' | 'review') {
      return db.transaction(async (tx) => {
        await assertMember(tx, ctx, 'supplier', supplierId);
        await repo.saveMode(tx, supplierId, mode);
        await recordAudit(tx, ctx, {
          action: 'pricing.mode',
          resourceType: 'supplier',
          resourceId: supplierId,
          details: { mode },
        });
        return { supplier_id: supplierId, mode };
      });
    },

    async listRules(ctx: UserContext, supplierId: string) {
      await assertMember(db, ctx, 'supplier', supplierId);
      return { data: (await repo.rulesOf(db, supplierId)).map(ruleToDto) };
    },

    async getRule(ctx: UserContext, id: string): Promise<RuleDto> {
      return ruleToDto(await managedRule(db, ctx, id));
    },

    async createRule(ctx: UserContext, supplierId: string, input: RuleCreate): Promise<RuleDto> {
      const values = {
        supplierId,
        productId: input.product_id ?? null,
        category: input.category ?? null,
        minPriceCents: input.min_price_cents,
        maxPriceCents: input.max_price_cents,
        maxDailyChangeBp: input.max_daily_change_bp,
        maxWeeklyChangeBp: input.max_weekly_change_bp,
        demand: input.demand ?? null,
        stock: input.stock ?? null,
        active: input.active ?? true,
      };
      try {
        return await db.transaction(async (tx) => {
          await assertMember(tx, ctx, 'supplier', supplierId);
          if (values.productId) {
            const product = await findProduct(tx, values.productId);
            if (product?.supplierId !== supplierId) throw productNotFound(values.productId);
          }
          await validate(tx, supplierId, values);
          const rule = await repo.insertRule(tx, values);
          await recordAudit(tx, ctx, {
            action: 'pricing.rule_create',
            resourceType: 'pricing_rule',
            resourceId: rule.id,
            details: { target: ruleTarget(rule) },
          });
          return ruleToDto(rule);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw e.ruleTaken(ruleTarget(values));
        throw err;
      }
    },

    async updateRule(ctx: UserContext, id: string, patch: RuleUpdate): Promise<RuleDto> {
      return db.transaction(async (tx) => {
        await managedRule(tx, ctx, id);
        const before = await repo.lockRule(tx, id);
        if (!before) throw e.ruleNotFound(id);
        const merged = {
          productId: before.productId,
          category: before.category,
          minPriceCents: patch.min_price_cents ?? before.minPriceCents,
          maxPriceCents: patch.max_price_cents ?? before.maxPriceCents,
          maxDailyChangeBp: patch.max_daily_change_bp ?? before.maxDailyChangeBp,
          maxWeeklyChangeBp: patch.max_weekly_change_bp ?? before.maxWeeklyChangeBp,
          demand: patch.demand === undefined ? before.demand : patch.demand,
          stock: patch.stock === undefined ? before.stock : patch.stock,
          active: patch.active ?? before.active,
        };
        await validate(tx, before.supplierId, merged);
        const rule = await repo.updateRule(tx, id, merged);
        if (!rule) throw e.ruleNotFound(id);
        await recordAudit(tx, ctx, {
          action: 'pricing.rule_update',
          resourceType: 'pricing_rule',
          resourceId: id,
          details: { fields: Object.keys(patch) },
        });
        return ruleToDto(rule);
      });
    },

    async deleteRule(ctx: UserContext, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        await managedRule(tx, ctx, id);
        if (!(await repo.softDeleteRule(tx, id))) throw e.ruleNotFound(id);
        await recordAudit(tx, ctx, {
          action: 'pricing.rule_delete',
          resourceType: 'pricing_rule',
          resourceId: id,
        });
      });
    },

    async proposals(
      ctx: UserContext,
      supplierId: string,
      query: ProposalQuery,
    ): Promise<Paginated<ProposalDto>> {
      await assertMember(db, ctx, 'supplier', supplierId);
      const page = { limit: query.limit, offset: query.offset };
      const { rows, total } = await repo.listProposals(db, supplierId, query.status, page);
      return toPage(rows.map(proposalToDto), page, total);
    },

    /**
     * Applies a pending proposal after checking it still holds: same price, same list price, the rule still
     * active, and the proposed price inside the bounds as they stand now (409 otherwise).
     */
    async approve(ctx: UserContext, id: string): Promise<ProposalDto> {
      return db.transaction(async (tx) => {
        const found = await repo.findProposal(tx, id);
        if (!found || !(await mayManage(tx, ctx, found.supplierId))) throw e.proposalNotFound(id);
        const [product] = await lockProducts(tx, [found.productId]);
        const proposal = await repo.lockProposal(tx, id);
        if (!proposal) throw e.proposalNotFound(id);
        if (proposal.status !== 'pending') throw e.proposalNotPending(id, proposal.status);
        if (!product) throw e.proposalStale(id, 'the product is gone');
        if (product.priceCents !== proposal.fromPriceCents)
          throw e.proposalStale(id, 'the price changed since it was proposed');
        const rule = await repo.findRule(tx, proposal.ruleId);
        if (!rule?.active) throw e.proposalStale(id, 'its rule is no longer active');
        const state = await priceState(tx, product, rule);
        if (state.listPriceCents !== proposal.listPriceCents)
          throw e.proposalStale(id, 'the list price changed since it was proposed');
        if (!state.range || !withinRange(proposal.proposedPriceCents, state.range))
          throw e.proposalStale(id, 'the proposed price is outside the bounds as they stand now');
        if (state.changedWithinHour) throw e.proposalStale(id, 'the price changed within the last hour');
        await setPrice(tx, ctx, product, {
          toPriceCents: proposal.proposedPriceCents,
          source: 'dynamic',
          ruleId: proposal.ruleId,
          proposalId: proposal.id,
          inputs: proposal.inputs,
        });
        return proposalToDto(await repo.decideProposal(tx, id, 'applied', ctx.principal.accountId));
      });
    },

    async reject(ctx: UserContext, id: string): Promise<ProposalDto> {
      return db.transaction(async (tx) => {
        const found = await repo.findProposal(tx, id);
        if (!found || !(await mayManage(tx, ctx, found.supplierId))) throw e.proposalNotFound(id);
        const proposal = await repo.lockProposal(tx, id);
        if (!proposal) throw e.proposalNotFound(id);
        if (proposal.status !== 'pending') throw e.proposalNotPending(id, proposal.status);
        const row = await repo.decideProposal(tx, id, 'rejected', ctx.principal.accountId);
        await recordAudit(tx, ctx, {
          action: 'pricing.reject',
          resourceType: 'price_proposal',
          resourceId: id,
        });
        return proposalToDto(row);
      });
    },

    /**
     * One call puts every dynamically priced product of the supplier (or the listed ones) back on its list price,
     * each with a `rollback` history row, event and audit row; pending proposals for them expire.
     */
    async rollback(ctx: UserContext, supplierId: string, productIds: string[] | undefined) {
      return db.transaction(async (tx) => {
        await assertMember(tx, ctx, 'supplier', supplierId);
        const ids = await repo.dynamicallyPriced(tx, supplierId, productIds);
        const locked = await lockProducts(tx, ids);
        const lists = await repo.listPrices(tx, ids);
        const rolledBack: { product_id: string; from_price_cents: number; to_price_cents: number }[] = [];
        for (const product of locked) {
          const list = lists.get(product.id);
          if (list === undefined || list === product.priceCents) continue;
          await setPrice(tx, ctx, product, {
            toPriceCents: list,
            source: 'rollback',
            ruleId: null,
            proposalId: null,
            inputs: null,
          });
          rolledBack.push({
            product_id: product.id,
            from_price_cents: product.priceCents,
            to_price_cents: list,
          });
        }
        await repo.closePending(tx, ids, 'expired');
        return { rolled_back: rolledBack };
      });
    },

    async createAgreement(
      ctx: UserContext,
      supplierId: string,
      input: AgreementCreate,
    ): Promise<AgreementDto> {
      try {
        return await db.transaction(async (tx) => {
          await assertMember(tx, ctx, 'supplier', supplierId);
          if (!(await findLiveOrg(tx, 'restaurant', input.restaurant_id)))
            throw orgNotFound('restaurant', input.restaurant_id);
          const product = await findProduct(tx, input.product_id);
          if (product?.supplierId !== supplierId) throw productNotFound(input.product_id);
          const row = await repo.insertAgreement(tx, {
            supplierId,
            restaurantId: input.restaurant_id,
            productId: input.product_id,
            priceCents: input.price_cents,
            currency: product.currency,
            validFrom: input.valid_from ?? stockholmDate(),
            validUntil: input.valid_until ?? null,
          });
          await recordAudit(tx, ctx, {
            action: 'pricing.agreement_create',
            resourceType: 'price_agreement',
            resourceId: row.id,
            details: {
              restaurant_id: row.restaurantId,
              product_id: row.productId,
              price_cents: row.priceCents,
            },
          });
          return agreementToDto(row);
        });
      } catch (err) {
        if (isUniqueViolation(err, 'price_agreements_live_key')) throw e.agreementTaken();
        throw err;
      }
    },

    async supplierAgreements(ctx: UserContext, supplierId: string) {
      await assertMember(db, ctx, 'supplier', supplierId);
      return { data: (await repo.agreementsOf(db, { supplierId })).map(agreementToDto) };
    },

    async restaurantAgreements(ctx: UserContext, restaurantId: string) {
      await assertMember(db, ctx, 'restaurant', restaurantId);
      return { data: (await repo.agreementsOf(db, { restaurantId })).map(agreementToDto) };
    },

    async endAgreement(ctx: UserContext, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        const agreement = await repo.findAgreement(tx, id);
        if (!agreement || !(await mayManage(tx, ctx, agreement.supplierId))) throw e.agreementNotFound(id);
        if (!(await repo.endAgreement(tx, id))) throw e.agreementNotFound(id);
        await recordAudit(tx, ctx, {
          action: 'pricing.agreement_end',
          resourceType: 'price_agreement',
          resourceId: id,
        });
      });
    },
  };
}

export type PricingService = ReturnType<typeof createPricingService>;
