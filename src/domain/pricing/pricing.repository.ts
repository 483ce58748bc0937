import { and, asc, count, desc, eq, gte, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../../core/db.types.js';
import type { Page } from '../../core/pagination.js';
import { queryRows } from '../../db/rows.js';
import { suppliers } from '../organisations/organisations.models.js';
import { productPrices, products } from '../products/products.models.js';
import {
  type PriceAgreementRow,
  priceAgreements,
  type PriceProposalRow,
  priceProposals,
  type PricingMode,
  type PricingRuleRow,
  pricingRules,
  pricingSettings,
  type ProposalStatus,
} from './pricing.models.js';

type RuleInsert = typeof pricingRules.$inferInsert;
type ProposalInsert = typeof priceProposals.$inferInsert;
type AgreementInsert = typeof priceAgreements.$inferInsert;

// --- settings ------------------------------------------------------------------------------------------------

export async function modeOf(ex: Executor, supplierId: string): Promise<PricingMode | undefined> {
  const [row] = await ex
    .select({ mode: pricingSettings.mode })
    .from(pricingSettings)
    .where(eq(pricingSettings.supplierId, supplierId));
  return row?.mode;
}

export async function saveMode(ex: Executor, supplierId: string, mode: PricingMode): Promise<void> {
  await ex
    .insert(pricingSettings)
    .values({ supplierId, mode })
    .onConflictDoUpdate({ target: pricingSettings.supplierId, set: { mode } });
}

// --- rules ---------------------------------------------------------------------------------------------------

export async function insertRule(ex: Executor, values: RuleInsert): Promise<PricingRuleRow> {
  const [row] = await ex.insert(pricingRules).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findRule(ex: Executor, id: string): Promise<PricingRuleRow | undefined> {
  const [row] = await ex
    .select()
    .from(pricingRules)
    .where(and(eq(pricingRules.id, id), isNull(pricingRules.deletedAt)));
  return row;
}

export async function lockRule(tx: Transaction, id: string): Promise<PricingRuleRow | undefined> {
  const [row] = await tx
    .select()
    .from(pricingRules)
    .where(and(eq(pricingRules.id, id), isNull(pricingRules.deletedAt)))
    .for('update');
  return row;
}

export async function rulesOf(ex: Executor, supplierId: string): Promise<PricingRuleRow[]> {
  return ex
    .select()
    .from(pricingRules)
    .where(and(eq(pricingRules.supplierId, supplierId), isNull(pricingRules.deletedAt)))
    .orderBy(asc(pricingRules.createdAt), asc(pricingRules.id));
}

export async function updateRule(
  ex: Executor,
  id: string,
  values: Partial<RuleInsert>,
): Promise<PricingRuleRow | undefined> {
  const [row] = await ex
    .update(pricingRules)
    .set(values)
    .where(and(eq(pricingRules.id, id), isNull(pricingRules.deletedAt)))
    .returning();
  return row;
}

export async function softDeleteRule(ex: Executor, id: string): Promise<boolean> {
  const rows = await ex
    .update(pricingRules)
    .set({ deletedAt: sql`now()` })
    .where(and(eq(pricingRules.id, id), isNull(pricingRules.deletedAt)))
    .returning({ id: pricingRules.id });
  return rows.length > 0;
}

/** The supplier's live products a rule for this product or category covers, with their list prices. */
export async function coveredProducts(
  ex: Executor,
  supplierId: string,
  target: { productId: string | null; category: string | null },
): Promise<{ id: string; listPriceCents: number }[]> {
  const rows = await ex
    .select({ id: products.id })
    .from(products)
    .where(
      and(
        eq(products.supplierId, supplierId),
        isNull(products.deletedAt),
        target.productId ? eq(products.id, target.productId) : eq(products.category, target.category ?? ''),
      ),
    );
  const lists = await listPrices(
    ex,
    rows.map((r) => r.id),
  );
  return rows.flatMap((r) => {
    const list = lists.get(r.id);
    return list === undefined ? [] : [{ id: r.id, listPriceCents: list }];
  });
}

/** The list price of each product: its latest price not set by dynamic pricing. */
export async function listPrices(ex: Executor, productIds: string[]): Promise<Map<string, number>> {
  if (productIds.length === 0) return new Map();
  const rows = await ex
    .selectDistinctOn([productPrices.productId], {
      productId: productPrices.productId,
      priceCents: productPrices.priceCents,
    })
    .from(productPrices)
    .where(and(inArray(productPrices.productId, productIds), ne(productPrices.source, 'dynamic')))
    .orderBy(productPrices.productId, desc(productPrices.validFrom));
  return new Map(rows.map((r) => [r.productId, r.priceCents]));
}

/**
 * Every live, active product of a live supplier under an active rule, with the rule that applies: the product's
 * own rule (a live one, active or not, takes the product out of its category's rule), else its category's.
 */
export async function pricingTargets(ex: Executor): Promise<{ productId: string; ruleId: string }[]> {
  const rows = await queryRows<{ product_id: string; rule_id: string }>(
    ex,
    sql`
    SELECT p.id AS product_id, coalesce(own.id, cat.id) AS rule_id
    FROM ${products} p
    JOIN ${suppliers} s ON s.id = p.supplier_id AND s.deleted_at IS NULL
    LEFT JOIN ${pricingRules} own ON own.product_id = p.id AND own.supplier_id = p.supplier_id AND own.deleted_at IS NULL
    LEFT JOIN ${pricingRules} cat ON cat.category = p.category AND cat.supplier_id = p.supplier_id AND cat.deleted_at IS NULL
    WHERE p.deleted_at IS NULL AND p.active
      AND CASE WHEN own.id IS NOT NULL THEN own.active ELSE coalesce(cat.active, false) END
    ORDER BY p.supplier_id, p.id`,
  );
  return rows.map((r) => ({ productId: r.product_id, ruleId: r.rule_id }));
}

export async function rulesByIds(ex: Executor, ids: string[]): Promise<Map<string, PricingRuleRow>> {
  if (ids.length === 0) return new Map();
  const rows = await ex.select().from(pricingRules).where(inArray(pricingRules.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

/** The price periods since the list price was last set (that period included), oldest first. */
export async function periodsSinceList(ex: Executor, productId: string) {
  const lastList = sql`(SELECT max(${productPrices.validFrom}) FROM ${productPrices} WHERE ${productPrices.productId} = ${productId} AND ${productPrices.source} <> 'dynamic')`;
  return ex
    .select({
      priceCents: productPrices.priceCents,
      from: productPrices.validFrom,
      to: productPrices.validTo,
      source: productPrices.source,
    })
    .from(productPrices)
    .where(and(eq(productPrices.productId, productId), gte(productPrices.validFrom, lastList)))
    .orderBy(asc(productPrices.validFrom));
}

// --- proposals -----------------------------------------------------------------------------------------------

export async function insertProposal(tx: Transaction, values: ProposalInsert): Promise<PriceProposalRow> {
  const [row] = await tx.insert(priceProposals).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

/** Closes the product's pending proposal, if any (a newer one replaces it, or the price no longer needs to move). */
export async function closePending(
  tx: Transaction,
  productIds: string[],
  status: Extract<ProposalStatus, 'superseded' | 'expired'>,
): Promise<number> {
  if (productIds.length === 0) return 0;
  const rows = await tx
    .update(priceProposals)
    .set({ status, decidedAt: sql`now()` })
    .where(and(inArray(priceProposals.productId, productIds), eq(priceProposals.status, 'pending')))
    .returning({ id: priceProposals.id });
  return rows.length;
}

export async function pendingProposal(
  ex: Executor,
  productId: string,
): Promise<PriceProposalRow | undefined> {
  const [row] = await ex
    .select()
    .from(priceProposals)
    .where(and(eq(priceProposals.productId, productId), eq(priceProposals.status, 'pending')));
  return row;
}

export async function lockProposal(tx: Transaction, id: string): Promise<PriceProposalRow | undefined> {
  const [row] = await tx.select().from(priceProposals).where(eq(priceProposals.id, id)).for('update');
  return row;
}

export async function findProposal(ex: Executor, id: string): Promise<PriceProposalRow | undefined> {
  const [row] = await ex.select().from(priceProposals).where(eq(priceProposals.id, id));
  return row;
}

export async function decideProposal(
  tx: Transaction,
  id: string,
  status: Extract<ProposalStatus, 'applied' | 'rejected'>,
  decidedBy: string | null,
): Promise<PriceProposalRow> {
  const [row] = await tx
    .update(priceProposals)
    .set({ status, decidedBy, decidedAt: sql`now()` })
    .where(eq(priceProposals.id, id))
    .returning();
  if (!row) throw new Error('proposal vanished under its lock');
  return row;
}

export async function listProposals(
  ex: Executor,
  supplierId: string,
  status: ProposalStatus | undefined,
  page: Page,
): Promise<{ rows: PriceProposalRow[]; total: number }> {
  const where = and(
    eq(priceProposals.supplierId, supplierId),
    status ? eq(priceProposals.status, status) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    ex
      .select()
      .from(priceProposals)
      .where(where)
      .orderBy(desc(priceProposals.createdAt), desc(priceProposals.id))
      .limit(page.limit)
      .offset(page.offset),
    ex.select({ n: count() }).from(priceProposals).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

// --- agreements ----------------------------------------------------------------------------------------------

export async function insertAgreement(ex: Executor, values: AgreementInsert): Promise<PriceAgreementRow> {
  const [row] = await ex.insert(priceAgreements).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findAgreement(ex: Executor, id: string): Promise<PriceAgreementRow | undefined> {
  const [row] = await ex
    .select()
    .from(priceAgreements)
    .where(and(eq(priceAgreements.id, id), isNull(priceAgreements.deletedAt)));
  return row;
}

export async function agreementsOf(
  ex: Executor,
  owner: { supplierId: string } | { restaurantId: string },
): Promise<PriceAgreementRow[]> {
  return ex
    .select()
    .from(priceAgreements)
    .where(
      and(
        'supplierId' in owner
          ? eq(priceAgreements.supplierId, owner.supplierId)
          : eq(priceAgreements.restaurantId, owner.restaurantId),
        isNull(priceAgreements.deletedAt),
      ),
    )
    .orderBy(asc(priceAgreements.createdAt), asc(priceAgreements.id));
}

export async function endAgreement(ex: Executor, id: string): Promise<boolean> {
  const rows = await ex
    .update(priceAgreements)
    .set({ deletedAt: sql`now()` })
    .where(and(eq(priceAgreements.id, id), isNull(priceAgreements.deletedAt)))
    .returning({ id: priceAgreements.id });
  return rows.length > 0;
}

/** The transaction's own time stamp: the instant its price rows will carry as valid_from. */
export async function transactionNow(tx: Transaction): Promise<Date> {
  const [row] = await queryRows<{ ms: number }>(
    tx,
    sql`SELECT (extract(epoch FROM now()) * 1000)::float8 AS ms`,
  );
  return new Date(Math.floor(row?.ms ?? Date.now()));
}

/** A supplier's live products whose price in force was set by dynamic pricing (what a rollback undoes). */
export async function dynamicallyPriced(
  ex: Executor,
  supplierId: string,
  productIds: string[] | undefined,
): Promise<string[]> {
  const rows = await ex
    .select({ id: products.id })
    .from(products)
    .innerJoin(productPrices, and(eq(productPrices.productId, products.id), isNull(productPrices.validTo)))
    .where(
      and(
        eq(products.supplierId, supplierId),
        isNull(products.deletedAt),
        eq(productPrices.source, 'dynamic'),
        productIds ? inArray(products.id, productIds) : undefined,
      ),
    )
    .orderBy(asc(products.id));
  return rows.map((r) => r.id);
}
