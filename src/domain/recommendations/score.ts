import {
  SCORE_COMPONENTS,
  type ScoreComponent,
  type ScoreWeights,
} from '../../core/config.recommendations.js';

/** The units a price can be compared in; packaging units (förp, krt, …) state no content and compare with nothing. */
const PER_BASE_UNIT: Record<string, { per: 'kg' | 'l' | 'piece'; factor: number }> = {
  kg: { per: 'kg', factor: 1 },
  g: { per: 'kg', factor: 1000 },
  l: { per: 'l', factor: 1 },
  dl: { per: 'l', factor: 10 },
  cl: { per: 'l', factor: 100 },
  ml: { per: 'l', factor: 1000 },
  st: { per: 'piece', factor: 1 },
};

export interface NormalisedPrice {
  cents: number;
  per: 'kg' | 'l' | 'piece';
}

/** A price per ordering unit as öre per kg, litre or piece; null for packaging units. */
export function normalisedPrice(priceCents: number, unit: string): NormalisedPrice | null {
  const base = PER_BASE_UNIT[unit];
  return base ? { cents: Math.round(priceCents * base.factor), per: base.per } : null;
}

/** Great-circle distance in km. */
export function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface SupplierHistory {
  /** Orders in the window that reached a decision: delivered, invoiced, or cancelled. */
  decidedOrders: number;
  /** Of those, cancelled by the supplier (or by an admin for it). */
  supplierCancelled: number;
  /** Delivered orders that asked for a date, and those delivered on it. */
  deliveredWithDate: number;
  deliveredOnDate: number;
  orderedQuantity: number;
  deliveredQuantity: number;
  /** Supplier invoices reconciled against an order, and those that matched without a discrepancy. */
  reconciledInvoices: number;
  cleanInvoices: number;
}

export interface SupplierFacts {
  offer: { unit: string; priceCents: number; stockQuantity: number | null };
  distanceKm: number | null;
  history: SupplierHistory;
  minOrderCents: number | null;
}

export interface ScoringContext {
  weights: ScoreWeights;
  minOrders: number;
  distanceScaleKm: number;
  /** The restaurant's usual order value (net öre): what a minimum order is measured against. */
  typicalOrderCents: number;
  typicalOrderSource: 'history' | 'config';
  /** Lowest list price per ordering unit among the candidates, by unit. */
  cheapestByUnit: ReadonlyMap<string, number>;
  /** Lowest normalised price among the candidates, by base unit. */
  cheapestNormalised: ReadonlyMap<string, number>;
}

export interface ComponentScore {
  name: ScoreComponent;
  weight: number;
  /** 0 … 1, higher is better; null when there is nothing honest to score it on (then it does not count). */
  value: number | null;
  /** weight × value ÷ the weights that counted: its share of the score. */
  contribution: number | null;
  explanation: string;
}

export interface SupplierScore {
  score: number | null;
  enoughHistory: boolean;
  components: ComponentScore[];
}

const pct = (x: number) => `${Math.round(x * 100)} %`;
const kronor = (ore: number) => `${(ore / 100).toFixed(2)} kr`;
type Measured = { value: number | null; explanation: string };

function ratioOf(part: number, whole: number, what: string, enough: boolean, minOrders: number): Measured {
  if (!enough)
    return { value: null, explanation: `not enough history (fewer than ${minOrders} finished orders)` };
  if (whole === 0) return { value: null, explanation: `no ${what} in the window` };
  return { value: part / whole, explanation: `${pct(part / whole)} (${part} of ${whole} ${what})` };
}

function measure(name: ScoreComponent, f: SupplierFacts, ctx: ScoringContext, enough: boolean): Measured {
  const h = f.history;
  switch (name) {
    case 'reliability':
      return ratioOf(
        h.decidedOrders - h.supplierCancelled,
        h.decidedOrders,
        'finished orders not cancelled by the supplier',
        enough,
        ctx.minOrders,
      );
    case 'delivery_reliability':
      return ratioOf(
        h.deliveredOnDate,
        h.deliveredWithDate,
        'deliveries on the requested date',
        enough,
        ctx.minOrders,
      );
    case 'fill_rate':
      if (!enough) return ratioOf(0, 0, '', false, ctx.minOrders);
      if (h.orderedQuantity === 0) return { value: null, explanation: 'nothing ordered in the window' };
      return {
        value: Math.min(1, h.deliveredQuantity / h.orderedQuantity),
        explanation: `${pct(Math.min(1, h.deliveredQuantity / h.orderedQuantity))} of the ordered quantity delivered`,
      };
    case 'invoice_accuracy':
      return h.reconciledInvoices === 0
        ? { value: null, explanation: 'no reconciled supplier invoices yet' }
        : ratioOf(
            h.cleanInvoices,
            h.reconciledInvoices,
            'invoices matched without discrepancies',
            true,
            ctx.minOrders,
          );
    case 'price': {
      const cheapest = ctx.cheapestByUnit.get(f.offer.unit) ?? f.offer.priceCents;
      return {
        value: cheapest / f.offer.priceCents,
        explanation: `${kronor(f.offer.priceCents)}/${f.offer.unit}; the cheapest offer per ${f.offer.unit} is ${kronor(cheapest)}`,
      };
    }
    case 'unit_price': {
      const unit = normalisedPrice(f.offer.priceCents, f.offer.unit);
      if (!unit)
        return {
          value: null,
          explanation: `sold per ${f.offer.unit}, which states no weight, volume or count`,
        };
      const cheapest = ctx.cheapestNormalised.get(unit.per) ?? unit.cents;
      return {
        value: cheapest / unit.cents,
        explanation: `${kronor(unit.cents)} per ${unit.per}; the cheapest is ${kronor(cheapest)} per ${unit.per}`,
      };
    }
    case 'distance':
      return f.distanceKm === null
        ? { value: null, explanation: 'the restaurant or the supplier depot has no coordinates' }
        : {
            value: ctx.distanceScaleKm / (ctx.distanceScaleKm + f.distanceKm),
            explanation: `${f.distanceKm.toFixed(1)} km from the depot (one half at ${ctx.distanceScaleKm} km)`,
          };
    case 'stock_availability':
      if (f.offer.stockQuantity === null)
        return { value: null, explanation: 'the supplier does not track stock for it' };
      return f.offer.stockQuantity > 0
        ? { value: 1, explanation: `in stock (${f.offer.stockQuantity} ${f.offer.unit})` }
        : { value: 0, explanation: 'out of stock' };
    case 'min_order_value': {
      if (f.minOrderCents === null || f.minOrderCents === 0)
        return { value: 1, explanation: 'no minimum order' };
      const against =
        ctx.typicalOrderSource === 'history' ? "the restaurant's average order" : 'a typical order';
      return {
        value: Math.min(1, ctx.typicalOrderCents / f.minOrderCents),
        explanation: `minimum ${kronor(f.minOrderCents)} against ${against} of ${kronor(ctx.typicalOrderCents)}`,
      };
    }
  }
}

/**
 * The weighted score of one supplier: Σ weight × value over the components that have a value, divided by those
 * components' weights — so a supplier without history is scored on what is known about it (and marked), not
 * given zeros for what is not.
 */
export function scoreSupplier(facts: SupplierFacts, ctx: ScoringContext): SupplierScore {
  const enoughHistory = facts.history.decidedOrders >= ctx.minOrders;
  const measured = SCORE_COMPONENTS.map((name) => ({ name, ...measure(name, facts, ctx, enoughHistory) }));
  const counted = measured.filter((m) => m.value !== null && ctx.weights[m.name] > 0);
  const total = counted.reduce((sum, m) => sum + ctx.weights[m.name], 0);
  const components = measured.map((m) => ({
    name: m.name,
    weight: ctx.weights[m.name],
    value: m.value === null ? null : round4(m.value),
    contribution: m.value === null || total === 0 ? null : round4((ctx.weights[m.name] * m.value) / total),
    explanation: m.explanation,
  }));
  const score =
    total === 0
      ? null
      : round4(counted.reduce((sum, m) => sum + ctx.weights[m.name] * (m.value ?? 0), 0) / total);
  return { score, enoughHistory, components };
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
