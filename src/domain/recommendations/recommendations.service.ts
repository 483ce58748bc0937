import {
  SCORE_COMPONENTS,
  type RecommendationConfig,
  type ScoreWeights,
} from '../../core/config.recommendations.js';
import type { UserContext } from '../../core/context.js';
import type { Database } from '../../core/db.types.js';
import { DomainError } from '../../core/errors.js';
import { mayPlanFor } from '../forecasts/restaurant-access.js';
import { orgNotFound } from '../organisations/organisations.errors.js';
import * as repo from './recommendations.repository.js';
import type { RecommendationQuery, RecommendationsDto, WeightsDto } from './recommendations.schemas.js';
import { haversineKm, normalisedPrice, scoreSupplier, type ScoringContext } from './score.js';

const DAY_MS = 86_400_000;

/**
 * Supplier recommendations (spec §12, #16): the suppliers that offer what the restaurant asks about, ranked by a
 * weighted score whose every component is explained. Suppliers with too little history come after those with
 * enough: a score from price and distance alone would otherwise beat a proven record. Weights: the admin default from configuration, or the
 * restaurant's own.
 */
export function createRecommendationService(deps: {
  db: Database;
  config: RecommendationConfig;
  now?: () => Date;
}) {
  const { db, config } = deps;
  const now = deps.now ?? (() => new Date());

  async function guard(ctx: UserContext, restaurantId: string): Promise<void> {
    if (!(await mayPlanFor(db, ctx, restaurantId))) throw orgNotFound('restaurant', restaurantId);
  }

  async function effectiveWeights(restaurantId: string) {
    const stored = await repo.storedWeights(db, restaurantId);
    if (!stored) return { source: 'default' as const, weights: config.weights };
    // Components added after the restaurant saved its weights take the default.
    return {
      source: 'restaurant' as const,
      weights: { ...config.weights, ...stored.weights },
    };
  }

  function weightsDto(
    restaurantId: string,
    effective: Awaited<ReturnType<typeof effectiveWeights>>,
  ): WeightsDto {
    return { restaurant_id: restaurantId, ...effective, defaults: config.weights };
  }

  return {
    async recommend(
      ctx: UserContext,
      restaurantId: string,
      query: RecommendationQuery,
    ): Promise<RecommendationsDto> {
      await guard(ctx, restaurantId);
      let match: { category: string; gtin: string | null };
      if (query.product_id) {
        const product = await repo.productKey(db, query.product_id);
        if (!product) throw new DomainError('PRODUCT_NOT_FOUND', `Product ${query.product_id} not found`);
        match = product;
      } else match = { category: query.category ?? '', gtin: null };

      const { source, weights } = await effectiveWeights(restaurantId);
      const from = new Date(now().getTime() - config.historyDays * DAY_MS);
      const place = await repo.restaurantPlace(db, restaurantId);
      const here =
        place?.latitude != null && place.longitude != null
          ? { lat: place.latitude, lon: place.longitude }
          : null;

      // One offer per supplier: its cheapest matching product, compared per kg / l / piece where the unit allows.
      const bySupplier = new Map<string, repo.OfferRow>();
      const outOfArea = new Set<string>();
      const distances = new Map<string, number | null>();
      for (const offer of await repo.offers(db, match)) {
        const depot =
          offer.depot_latitude !== null && offer.depot_longitude !== null
            ? { lat: offer.depot_latitude, lon: offer.depot_longitude }
            : null;
        const km = here && depot ? haversineKm(here, depot) : null;
        if (km !== null && offer.delivery_radius_km !== null && km > offer.delivery_radius_km) {
          outOfArea.add(offer.supplier_id);
          continue;
        }
        distances.set(offer.supplier_id, km);
        const current = bySupplier.get(offer.supplier_id);
        if (!current || comparablePrice(offer) < comparablePrice(current))
          bySupplier.set(offer.supplier_id, offer);
      }
      const offers = [...bySupplier.values()];
      const cheapestByUnit = new Map<string, number>();
      const cheapestNormalised = new Map<string, number>();
      for (const o of offers) {
        cheapestByUnit.set(o.unit, Math.min(cheapestByUnit.get(o.unit) ?? Infinity, o.price_cents));
        const n = normalisedPrice(o.price_cents, o.unit);
        if (n) cheapestNormalised.set(n.per, Math.min(cheapestNormalised.get(n.per) ?? Infinity, n.cents));
      }
      const histories = await repo.supplierHistories(db, [...bySupplier.keys()], from);
      const average = await repo.averageOrderCents(db, restaurantId, from);
      const scoring: ScoringContext = {
        weights,
        minOrders: config.minOrders,
        distanceScaleKm: config.distanceScaleKm,
        typicalOrderCents: average ?? config.typicalOrderCents,
        typicalOrderSource: average === null ? 'config' : 'history',
        cheapestByUnit,
        cheapestNormalised,
      };
      const ranked = offers
        .map((o) => {
          const history = histories.get(o.supplier_id);
          if (!history) throw new Error(`no history row for supplier ${o.supplier_id}`);
          const distanceKm = distances.get(o.supplier_id) ?? null;
          const scored = scoreSupplier(
            {
              offer: {
                unit: o.unit,
                priceCents: o.price_cents,
                stockQuantity: o.stock_quantity === null ? null : Number(o.stock_quantity),
              },
              distanceKm,
              history,
              minOrderCents: o.min_order_cents === null ? null : Number(o.min_order_cents),
            },
            scoring,
          );
          const normalised = normalisedPrice(o.price_cents, o.unit);
          return {
            supplier_id: o.supplier_id,
            supplier_name: o.supplier_name,
            score: scored.score,
            enough_history: scored.enoughHistory,
            offer: {
              product_id: o.product_id,
              name: o.product_name,
              unit: o.unit,
              price_cents: o.price_cents,
              normalised_price_cents: normalised?.cents ?? null,
              normalised_per: normalised?.per ?? null,
            },
            distance_km: distanceKm === null ? null : Math.round(distanceKm * 10) / 10,
            components: scored.components,
          };
        })
        .sort(
          (a, b) =>
            Number(b.enough_history) - Number(a.enough_history) ||
            (b.score ?? -1) - (a.score ?? -1) ||
            a.supplier_name.localeCompare(b.supplier_name),
        )
        .slice(0, query.limit)
        .map((r, i) => ({ rank: i + 1, ...r }));
      return {
        restaurant_id: restaurantId,
        weights_source: source,
        weights,
        suppliers: ranked,
        out_of_delivery_area: [...outOfArea].filter((id) => !bySupplier.has(id)),
      };
    },

    async weights(ctx: UserContext, restaurantId: string): Promise<WeightsDto> {
      await guard(ctx, restaurantId);
      return weightsDto(restaurantId, await effectiveWeights(restaurantId));
    },

    async setWeights(ctx: UserContext, restaurantId: string, weights: ScoreWeights): Promise<WeightsDto> {
      await guard(ctx, restaurantId);
      const stored = Object.fromEntries(SCORE_COMPONENTS.map((c) => [c, weights[c]]));
      await repo.saveWeights(db, restaurantId, stored, ctx.principal.accountId);
      return weightsDto(restaurantId, await effectiveWeights(restaurantId));
    },

    async resetWeights(ctx: UserContext, restaurantId: string): Promise<WeightsDto> {
      await guard(ctx, restaurantId);
      await repo.removeWeights(db, restaurantId);
      return weightsDto(restaurantId, await effectiveWeights(restaurantId));
    },
  };
}

/** Offers compare per kg / l / piece when they can, else by list price. */
function comparablePrice(offer: repo.OfferRow): number {
  return normalisedPrice(offer.price_cents, offer.unit)?.cents ?? offer.price_cents;
}

export type RecommendationService = ReturnType<typeof createRecommendationService>;
